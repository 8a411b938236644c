/**
 * The sample inboxes: client request e-mails to sato@ (Japanese) and emma@ (English) of the kind
 * the Gmail sidebar parses — due dates written as 納期：12月20日, 2027/01/15, Dec 20, 来週金曜;
 * amounts as 予算 30万円, ¥450,000, $2,000; signatures naming the company; one with a PDF spec
 * attached. Exported so tests and the console can refer to them by subject.
 */
import { buildPayload, type NewAttachment } from './mimeMessage.js';
import { storeMessage } from './gmailApi.js';
import type { SandboxState } from './sandboxState.js';
import { SEED_USERS } from './seedData.js';

export type SeedMail = { to: string; from: string; subject: string; date: string; text: string; html?: boolean; attachment?: { filename: string; lines: string[] }; labels: string[] };

export const SEED_MAILS: SeedMail[] = [
  {
    to: SEED_USERS.sato.email, from: '田中 健 <tanaka@acme.example>', subject: '年末セール ポスター制作のお願い', date: '2026-11-24T10:12:00+09:00', labels: ['INBOX', 'UNREAD', 'IMPORTANT'],
    text: ['アトリエ襷 佐藤様', '', 'いつもお世話になっております。株式会社アクメの田中です。', '年末セール用のB1ポスター（2種）の制作をお願いできますでしょうか。', '', '納期：12月20日', '予算 30万円（税別）', '', 'ラフは来週中に拝見できますと幸いです。', 'よろしくお願いいたします。', '', '--', '株式会社アクメ 販売促進部', '田中 健 / Ken Tanaka', 'tanaka@acme.example  03-1234-5678'].join('\n'),
  },
  {
    to: SEED_USERS.sato.email, from: '山田 花子 <yamada@yamada-seika.example>', subject: 'バレンタイン限定パッケージのご相談', date: '2026-11-25T15:40:00+09:00', labels: ['INBOX', 'UNREAD'], html: true,
    text: ['アトリエ襷 ご担当者様', '', '山田製菓の山田でございます。', '来年のバレンタイン限定商品のパッケージデザインをお願いしたく、ご連絡いたしました。', '仕様書をPDFで添付いたします。', '', '納品希望日：2027/01/15', '金額：¥450,000（税別）でご検討いただけますでしょうか。', '', '何卒よろしくお願い申し上げます。', '', '山田製菓株式会社 商品企画室', '山田 花子'].join('\n'),
    attachment: { filename: '仕様書_バレンタイン2027.pdf', lines: ['Yamada Seika - Valentine 2027 package spec', 'Box: 120 x 80 x 30 mm, 4 colors + gold foil', 'Quantity: 20,000', 'Delivery of print data: 2027-01-15'] },
  },
  {
    to: SEED_USERS.sato.email, from: '木村 誠 <kimura@midori-fudosan.example>', subject: '物件チラシ 1月号 制作依頼', date: '2026-11-26T09:05:00+09:00', labels: ['INBOX'],
    text: ['佐藤さん', '', 'みどり不動産の木村です。毎月ありがとうございます。', '1月号の物件チラシ（A4両面）をお願いします。', '掲載物件は8件、写真と間取り図は追ってお送りします。', '', '初稿は来週金曜までにいただけると助かります。', '予算は前回と同じく12万円でお願いします。', '', 'みどり不動産株式会社', '木村 誠'].join('\n'),
  },
  {
    to: SEED_USERS.sato.email, from: '北斗書店 <info@hokuto-books.example>', subject: '店頭POPの追加制作について', date: '2026-11-26T18:30:00+09:00', labels: ['INBOX', 'UNREAD'],
    text: ['アトリエ襷 御中', '', '北斗書店 店長の大川です。', '先日のポスターに合わせて、店頭POPを5種追加で制作いただけますか。', '納期：12月10日（木）', '金額はお見積りをお願いします。', '', '北斗書店', '大川 清'].join('\n'),
  },
  {
    to: SEED_USERS.emma.email, from: 'Olivia Brown <olivia@blueharbor.example>', subject: 'Spring menu illustrations — quote request', date: '2026-11-25T11:20:00+09:00', labels: ['INBOX', 'UNREAD', 'IMPORTANT'],
    text: ['Hi Emma,', '', 'Thanks again for the holiday sleeve! We would love a set of 6 illustrations for our spring menu board.', 'Could you have them ready by Dec 20? Our budget is around $2,000.', '', 'Best,', 'Olivia Brown', 'Marketing Manager, Blue Harbor Coffee', 'olivia@blueharbor.example'].join('\n'),
  },
  {
    to: SEED_USERS.emma.email, from: 'Hiro Sasaki <sasaki@northwind.example>', subject: 'Brochure redesign for our 2027 tours', date: '2026-11-26T14:02:00+09:00', labels: ['INBOX'],
    text: ['Dear Atelier Tasuki team,', '', 'Northwind Travel is refreshing its tour brochure (24 pages, EN/JA).', 'We need final print data by 2027-01-29 and have set aside ¥800,000 for design.', 'Could you send us an estimate?', '', 'Kind regards,', 'Hiro Sasaki', 'Northwind Travel K.K. — Product team'].join('\n'),
  },
];

/** A small valid one-page PDF (Helvetica, ASCII text) built by hand: seeding stays synchronous. */
export function tinyPdf(lines: string[]): Buffer {
  const esc = (s: string) => s.replace(/[\\()]/g, '\\$&').replace(/[^\x20-\x7e]/g, '?');
  const stream = ['BT', '/F1 14 Tf', '72 770 Td', '18 TL', ...lines.map((l) => `(${esc(l)}) '`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export function seedGmail(state: SandboxState): void {
  for (const mail of SEED_MAILS) {
    const attachments: NewAttachment[] = mail.attachment ? [{ filename: mail.attachment.filename, mimeType: 'application/pdf', data: tinyPdf(mail.attachment.lines) }] : [];
    const html = mail.html ? `<div>${mail.text.split('\n').map((l) => l.replace(/&/g, '&amp;').replace(/</g, '&lt;')).join('<br>')}</div>` : undefined;
    const built = buildPayload({
      headers: [
        { name: 'From', value: mail.from },
        { name: 'To', value: mail.to },
        { name: 'Subject', value: mail.subject },
        { name: 'Date', value: new Date(mail.date).toUTCString().replace('GMT', '+0000') },
        { name: 'Message-ID', value: `<${Buffer.from(mail.subject).toString('hex').slice(0, 24)}@mail.example>` },
      ],
      text: mail.text,
      html,
      attachments,
    });
    storeMessage(state, mail.to, { ...built, labelIds: mail.labels, internalDate: Date.parse(mail.date) });
  }
}
