/**
 * The Gmail request parser over Japanese and English samples, field by field: due dates (absolute,
 * named periods, relative to the message date, past ones flagged and not offered, weekdays
 * checked), amounts (億/万/千, ranges, currencies, which amount is the fee), client (direction from
 * the headers, company from signature / display name / salutation / introduction), title, and the
 * evidence each reading carries. The whole-mail corpus is scored in test/parse-corpus.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAmount, type Currency } from '../addon/parse/amount.js';
import type { CalendarDay } from '../addon/parse/calendarDay.js';
import { readClient } from '../addon/parse/client.js';
import { readDueDate } from '../addon/parse/dueDate.js';
import { isOfficeAddress, parseAddress, readThread } from '../addon/parse/thread.js';
import { parseRequest, titleFromSubject } from '../addon/requestParser.js';

// Friday 2026-11-27 (the message date in the user's time zone).
const FRI = { year: 2026, month: 11, day: 27 };
// Wednesday 2026-12-23: month/day already past this year roll to next year.
const WED_DEC = { year: 2026, month: 12, day: 23 };
const OFFICE = ['example.co.jp'];

function dueOf(text: string, today: CalendarDay = FRI) {
  return readDueDate(readThread('', text, today, {}), today);
}
function parseDueDate(text: string, today: CalendarDay) {
  const r = dueOf(text, today);
  return r.value === undefined ? undefined : { date: r.value };
}
function parseAmount(text: string) {
  const r = readAmount(readThread('', text, FRI, {}), (e) => isOfficeAddress(e, OFFICE));
  return r.value;
}
function clientOf(from: string, body: string, headers: { to?: string; cc?: string } = {}) {
  const sender = parseAddress(from);
  return readClient(readThread('', body, FRI, sender), { from: sender, ...headers }, OFFICE);
}

describe('due date', () => {
  const cases: Array<[string, string | undefined, typeof FRI?]> = [
    ['納期：12月20日でお願いします', '2026-12-20'],
    ['納期: １２月２０日', '2026-12-20'],
    ['納期は2026/12/20です。', '2026-12-20'],
    ['締切 2027年1月15日', '2027-01-15'],
    ['2026-12-05 までに納品', '2026-12-05'],
    ['12/20 までにお願いします', '2026-12-20'],
    ['Due 12/20/2026 please', '2026-12-20'],
    ['deadline 20/12/2026', '2026-12-20'],
    ['納期：12月10日（木）', '2026-12-10'],
    ['Please deliver by Friday, December 4', '2026-12-04'],
    ['期限：1/10', '2027-01-10'],
    ['Due: Dec 20', '2026-12-20'],
    ['Deadline: December 5th, 2027', '2027-12-05'],
    ['Could you deliver by 20 December?', '2026-12-20'],
    ['We need it by the 3rd of January', '2027-01-03'],
    ['来週金曜までにお願いします', '2026-12-04'],
    ['来週の月曜日が締切です', '2026-11-30'],
    ['今週水曜まで', undefined], // 11-25: past, flagged (below)
    ['再来週火曜に納品', '2026-12-08'],
    ['明日までに初稿をください', '2026-11-28'], // a first draft's date, offered flagged when no deadline is written
    ['明後日納品でお願いします', '2026-11-29'],
    ['今月末までにお願いします', '2026-11-30'],
    ['来月末が納期です', '2026-12-31'],
    ['月末締めで', undefined], // a billing cut-off, not a due date
    ['明日までに納品してください', '2026-11-28'],
    ['来月15日までに', '2026-12-15'],
    ['10日後に納品希望', '2026-12-07'],
    ['本日中にご確認ください', '2026-11-27'],
    ['Please send it by tomorrow.', '2026-11-28'],
    ['due next Friday', '2026-12-04'],
    ['Can we have it by Monday?', '2026-11-30'],
    ['deadline is the end of the month', '2026-11-30'],
    ['deliver by end of next month', '2026-12-31'],
    ['Due in 10 days', '2026-12-07'],
    ['納期：12月25日', '2026-12-25', WED_DEC],
    ['納期：12月10日', undefined, WED_DEC], // 13 days back: a past date, not next December
    ['Due Jan 5', '2027-01-05', WED_DEC],
    ['12月20日(金)必着でお願いします', '2026-12-20'],
    ['納期は12/20（金）です', '2026-12-20'],
    ['〆切：１月１０日', '2027-01-10'],
    ['納品日：2026.12.25', '2026-12-25'],
    ['Deadline: Monday, Dec. 14', '2026-12-14'],
    ['Could we get it by EOD tomorrow?', '2026-11-28'],
    ['納期は 12 月 5 日 です', '2026-12-05'],
    // Vague or missing dates are left for the person to fill in.
    ['Please send it ASAP', undefined],
    ['来月上旬に納品希望', '2026-12-10'], // approximate (below)
    ['12月中旬ごろ', undefined], // no word says it is the due date
    // Greetings and chatter are not due dates.
    ['本日はありがとうございます。', undefined],
    ['Thanks for the monthly report, see you Friday maybe', undefined],
    ['明日からよろしくお願いします', undefined],
    ['お世話になっております。', undefined],
    ['2026/13/40 は存在しない日付', undefined],
  ];
  for (const [text, expected, today] of cases) {
    it(`${JSON.stringify(text)} → ${expected ?? 'none'}`, () => {
      assert.equal(parseDueDate(text, today ?? FRI)?.date, expected);
    });
  }

  it('prefers the line about the deadline over an earlier date', () => {
    const body = '12月1日の打ち合わせありがとうございました。\n納期は12月20日でお願いします。';
    assert.equal(parseDueDate(body, FRI)?.date, '2026-12-20');
  });

  it('reads a date only quoted history gives, flagged as quoted; the new text wins over it', () => {
    const quoted = dueOf('よろしくお願いします。\n\nOn Mon, Nov 23, 2026 at 10:00 AM Taro <t@x.jp> wrote:\n> 納期：12月1日');
    assert.equal(quoted.value, '2026-12-01');
    assert.equal(quoted.sure, false);
    assert.deepEqual(quoted.flags, ['quoted']);
    assert.equal(quoted.source?.where, 'quoted');
    const changed = dueOf('納期を12月22日に変更してください。\n\nOn Mon, Nov 23, 2026 at 10:00 AM Taro <t@x.jp> wrote:\n> 納期：12月18日');
    assert.equal(changed.value, '2026-12-22');
    assert.equal(changed.runnerUp?.value, '2026-12-18');
  });

  it('counts a quoted relative date from the day its message was written', () => {
    // 来週金曜 in a mail of Mon 11-16 is 11-27, not next week's Friday from today.
    const r = dueOf('了解です。\n\n2026年11月16日(月) 9:00 田中 <t@acme.example>:\n> 来週金曜までにお願いします', { year: 2026, month: 11, day: 20 });
    assert.equal(r.value, '2026-11-27');
  });

  it('never offers a past date: it is shown flagged as the runner-up', () => {
    for (const text of ['納期: 2026年11月10日', '今週水曜まで', 'Deadline: November 20']) {
      const r = dueOf(text);
      assert.equal(r.value, undefined, text);
      assert.ok(r.runnerUp?.flags.includes('past'), text);
      assert.ok(r.flags.includes('past'), text);
    }
  });

  it('reads the failure classes of issue 12', () => {
    const nov5 = { year: 2026, month: 11, day: 5 };
    assert.equal(dueOf('12月末までに納品いただけますと助かります', nov5).value, '2026-12-31');
    assert.equal(dueOf('12月末までに納品いただけますと助かります', nov5).source?.text, '12月末');
    assert.equal(dueOf('今月中にご対応いただけますと幸いです', nov5).value, '2026-11-30');
    assert.equal(dueOf('納品：12月の末日までに', nov5).value, '2026-12-31');
    assert.equal(dueOf('本日お電話でお話しした件、納期は12月15日でお願いします。').value, '2026-12-15');
    assert.equal(dueOf('納期の件は確認のうえ、本日中にご連絡します。').value, undefined);
    const wed = { year: 2026, month: 12, day: 2 };
    assert.equal(dueOf('Please send the corrected version until Monday, because the printer needs it on Tuesday.', wed).value, '2026-12-07');
    assert.equal(dueOf('Deadline for questions: December 1\nFirst draft: December 18\nFinal delivery date: January 22, 2027', { year: 2026, month: 11, day: 23 }).value, '2027-01-22');
  });

  it('flags a weekday that contradicts its date and offers the date with that weekday as runner-up', () => {
    const r = dueOf('Our deadline for the final artwork is Tuesday 1 April.', { year: 2027, month: 3, day: 10 });
    assert.equal(r.value, '2027-04-01');
    assert.equal(r.sure, false);
    assert.ok(r.flags.includes('weekday'));
    assert.equal(r.runnerUp?.value, '2027-03-30');
    const ja = dueOf('納期は12月10日(水)でお願いします');
    assert.ok(ja.flags.includes('weekday'));
    assert.equal(dueOf('納期：12月10日（木）').sure, true);
  });

  it('offers a first draft\'s date only when no deadline is written, flagged', () => {
    const alone = dueOf('初稿は来週金曜までにいただけると助かります。');
    assert.deepEqual([alone.value, alone.sure, alone.flags], ['2026-12-04', false, ['milestone']]);
    assert.equal(dueOf('ラフは来週中に拝見できますと幸いです。\n納期：12月20日').value, '2026-12-20');
  });

  it('marks approximate periods unsure', () => {
    const r = dueOf('来月上旬に納品希望');
    assert.equal(r.sure, false);
    assert.deepEqual(r.flags, ['approximate']);
  });

  it('reads a reply-by date and a meeting date as what they are, not the due date', () => {
    const r = dueOf('12月3日（木）14時に打ち合わせをお願いします。\nお見積りは11月30日までにいただけますと助かります。\n最終納品は1月22日（金）を希望しております。', { year: 2026, month: 11, day: 24 });
    assert.equal(r.value, '2027-01-22');
    assert.equal(r.sure, true);
  });

  it('stays linear on a long thread (no catastrophic backtracking)', () => {
    const body = Array.from({ length: 400 }, (_, i) => `> ${'あ'.repeat(60)} 12月${(i % 28) + 1}日の件、予算 ${i}万円 ${'x'.repeat(40)}`).join('\n');
    const started = performance.now();
    dueOf(`納期：12月20日\n\nOn Mon, Nov 23, 2026 at 10:00 AM T <t@x.jp> wrote:\n${body}`);
    assert.ok(performance.now() - started < 2_000, 'parsing a 50 KB thread takes under 2 s even on a loaded machine');
  });
});

describe('amount', () => {
  const cases: Array<[string, number | undefined, Currency?]> = [
    ['ご予算は30万円です', 300_000, 'JPY'],
    ['予算：3.5万円', 35_000, 'JPY'],
    ['金額 ¥300,000（税別）', 300_000, 'JPY'],
    ['金額 ￥３００，０００', 300_000, 'JPY'],
    ['300,000円でお願いします', 300_000, 'JPY'],
    ['予算 1億2000万円', 120_000_000, 'JPY'],
    ['予算:2億8千万円', 280_000_000, 'JPY'],
    ['金額は税込16万5千円で', 165_000, 'JPY'],
    ['ご予算は20〜30万円を想定', 300_000, 'JPY'],
    ['Budget: USD 4,000–5,000', 5_000, 'USD'],
    ['The fee we have budgeted is £1,800.', 1_800, 'GBP'],
    ['金額：\\300,000（税別）', 300_000, 'JPY'],
    ['1.5 million yen is our budget', 1_500_000, 'JPY'],
    ['価格表記の修正（9,800円 → 8,800円）', undefined],
    ['予算は150万円程度', 1_500_000, 'JPY'],
    ['Budget: $2,000', 2_000, 'USD'],
    ['fee USD 2,500', 2_500, 'USD'],
    ['around 3k USD', 3_000, 'USD'],
    ['予算は2,500ドルです', 2_500, 'USD'],
    ['ご予算 1.2万ドル', 12_000, 'USD'],
    ['Budget: JPY 450000', 450_000, 'JPY'],
    ['Our budget is 80,000 yen', 80_000, 'JPY'],
    ['見積金額 1,234,567円', 1_234_567, 'JPY'],
    ['予算：50万円～80万円', 800_000, 'JPY'], // a range: the upper bound, flagged
    ['謝礼 5千円', 5_000, 'JPY'],
    ['fee: USD2,000', 2_000, 'USD'],
    ['参加者は30名です', undefined],
    ['no money here', undefined],
  ];
  for (const [text, value, currency] of cases) {
    it(`${JSON.stringify(text)} → ${value ?? 'none'}`, () => {
      const found = parseAmount(text);
      assert.equal(found?.value, value);
      if (currency) assert.equal(found?.currency, currency);
    });
  }

  it('prefers the line about the budget', () => {
    assert.equal(parseAmount('送料1,000円は別途\n予算：50万円')?.value, 500_000);
  });
});

describe('client and title', () => {
  it('reads addresses', () => {
    assert.deepEqual(parseAddress('"山田 太郎" <Yamada@Acme.co.jp>'), { name: '山田 太郎', email: 'yamada@acme.co.jp' });
    assert.deepEqual(parseAddress('jane@example.com'), { email: 'jane@example.com' });
    assert.deepEqual(parseAddress('Jane Doe <jane@example.com>'), { name: 'Jane Doe', email: 'jane@example.com' });
  });

  const signatures: Array<[string, string, string]> = [
    ['"山田 太郎" <yamada@acme.co.jp>', 'よろしくお願いします。\n\n--\n株式会社アクメ 営業部\n山田 太郎\nTEL 03-0000-0000', '株式会社アクメ'],
    ['yamada@acme.co.jp', '以上です。\n━━━━━━━━\nアクメ株式会社\n山田', 'アクメ株式会社'],
    ['Jane <jane@globex.com>', 'Thanks,\nJane Doe\nMarketing Lead\nGlobex Corporation', 'Globex Corporation'],
    ['Bob <bob@initech.com>', 'Best,\nBob\n-- \nInitech, Inc.\n', 'Initech, Inc.'],
    ['Olivia Brown <olivia@blueharbor.example>', 'Could you?\n\nBest,\nOlivia Brown\nMarketing Manager, Blue Harbor Coffee', 'Blue Harbor Coffee'],
    ['Megan <megan@saltandcedar.example>', 'Thanks,\nMegan\n\nMegan Doyle | Owner | Salt & Cedar', 'Salt & Cedar'],
    ['森本 <m@clinic.example>', 'よろしくお願いいたします。\n\n医療法人 花水木会\nはなみずきクリニック 事務長\n森本 さやか', '医療法人 花水木会'],
    ['北斗書店 <info@hokuto.example>', 'よろしくお願いします。\n\n北斗書店\n大川 清', '北斗書店'],
  ];
  for (const [from, body, company] of signatures) {
    it(`finds ${company} in the signature`, () => {
      const client = clientOf(from, body);
      assert.equal(client.value, company);
      assert.equal(client.source?.where, 'signature');
      assert.equal(client.sure, true);
    });
  }

  it('takes the company, not the person, from an English signature, and ignores a disclaimer', () => {
    const c = clientOf('Akira Tanaka <a@meridian.example>', 'Best regards,\nAkira Tanaka\nMedical Communications\nMeridian Pharma Japan K.K.\n\nCONFIDENTIALITY NOTICE: notify the sender of Global Compliance Services Inc. and delete it.');
    assert.equal(c.value, 'Meridian Pharma Japan K.K.');
  });

  it('falls back to the domain, then the person, and says it is unsure', () => {
    const person = clientOf('"佐藤 花子" <hanako@gmail.example>', 'よろしくお願いします');
    assert.equal(person.value, '佐藤 花子');
    assert.deepEqual([person.sure, person.flags], [false, ['person']]);
    const domain = clientOf('info@studio.example', 'hello');
    assert.equal(domain.value, 'studio.example');
    assert.deepEqual([domain.sure, domain.flags], [false, ['domain']]);
  });

  it('for a mail the office sent, the client is the addressee (salutation, To display name, quoted signature)', () => {
    const salutation = clientOf('佐藤 <sato@example.co.jp>', '株式会社アクメ\n販売促進部 田中様\n\nいつもお世話になっております。\n\n--\nアトリエ襷\n佐藤', { to: '田中 <tanaka@acme.example>' });
    assert.deepEqual([salutation.value, salutation.email, salutation.source?.where], ['株式会社アクメ', 'tanaka@acme.example', 'salutation']);
    const display = clientOf('Emma <emma@example.co.jp>', 'Dear Ms. Schulz,\nOur estimate.\n\nKind regards,\nEmma\nAtelier Tasuki', { to: '"Schulz, Hannah (Alpenblick Hotels AG)" <h@alpenblick.example>' });
    assert.equal(display.value, 'Alpenblick Hotels AG');
    const quoted = clientOf('Emma <emma@example.co.jp>', 'Hi Olivia,\nHere is our quote.\n\nOn Wed, Nov 25, 2026 at 11:20 AM Olivia Brown <olivia@blueharbor.example> wrote:\n> Hi Emma,\n> Best,\n> Olivia Brown\n> Marketing Manager, Blue Harbor Coffee', { to: 'olivia@blueharbor.example', cc: 'office@example.co.jp' });
    assert.equal(quoted.value, 'Blue Harbor Coffee');
  });

  it('for a forward inside the office, the client is the forwarded sender', () => {
    const c = clientOf('Emma <emma@example.co.jp>', 'Sato-san, for you.\n\n---------- Forwarded message ---------\nFrom: 河野 <kono@washi.example>\nDate: 2026年11月28日(土) 11:02\nTo: <office@example.co.jp>\n\nよろしくお願いいたします。\n\n一般社団法人 日本和紙振興会\n事務局 河野', { to: 'sato@example.co.jp' });
    assert.deepEqual([c.value, c.email], ['一般社団法人 日本和紙振興会', 'kono@washi.example']);
  });

  const subjects: Array<[string, string]> = [
    ['Re: 【ご依頼】ポスター制作のお願い', 'ポスター制作のお願い'],
    ['Fwd: RE: [Request] Brochure redesign', 'Brochure redesign'],
    ['ご依頼：展示会パネル', '展示会パネル'],
    ['転送: 看板デザイン', '看板デザイン'],
    ['【至急】', '【至急】'],
  ];
  for (const [subject, title] of subjects) {
    it(`title of ${JSON.stringify(subject)}`, () => assert.equal(titleFromSubject(subject), title));
  }

  it('parses a whole request mail, with the evidence of each field', () => {
    const parsed = parseRequest(
      {
        id: 'm1',
        subject: '【ご依頼】展示会パネル制作',
        from: '"山田 太郎" <yamada@acme.co.jp>',
        to: 'sato@example.co.jp',
        date: '2026-11-27T01:00:00Z',
        plainBody: 'いつもお世話になっております。\n展示会用のパネルをお願いします。\n納期：12月20日\nご予算：30万円\n\n--\n株式会社アクメ\n山田 太郎',
        attachments: [{ name: 'brief.pdf', mimeType: 'application/pdf', size: 1234 }],
      },
      FRI,
      OFFICE,
    );
    assert.equal(parsed.title, '展示会パネル制作');
    assert.deepEqual([parsed.client.value, parsed.client.email, parsed.client.sure], ['株式会社アクメ', 'yamada@acme.co.jp', true]);
    assert.deepEqual(parsed.due.source, { where: 'body', text: '12月20日', line: '納期：12月20日', excerpt: '納期：12月20日' });
    assert.equal(parsed.due.value, '2026-12-20');
    assert.deepEqual(parsed.amount.value, { value: 300_000, currency: 'JPY' });
    assert.deepEqual([parsed.amount.source?.text, parsed.amount.sure], ['30万円', true]);
    assert.equal(parsed.attachments.length, 1);
  });
});

describe('form values', () => {
  it('reads amounts as people type them, and refuses what is not whole yen', async () => {
    const { amountFromText, dueFromText } = await import('../addon/jobRequests.js');
    const cases: Array<[string, number | undefined]> = [
      ['300000', 300_000], ['300,000', 300_000], ['¥300,000', 300_000], ['300,000円', 300_000],
      ['30万', 300_000], ['3.5万円', 35_000], ['３０万円', 300_000], ['', undefined],
    ];
    for (const [text, value] of cases) assert.equal(amountFromText(text), value, text);
    for (const bad of ['about 30', '12.5', '-3', '1e5']) assert.throws(() => amountFromText(bad), /errAmountFormat/, bad);
    assert.equal(dueFromText('2026/12/5'), '2026-12-05');
    assert.equal(dueFromText(''), undefined);
    assert.throws(() => dueFromText('2026-02-30'), /errDueFormat/);
  });
});
