/**
 * The Gmail request parser over Japanese and English samples: due dates (absolute and relative
 * to the message date), amounts, client from sender and signature, title from subject.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAmount } from '../addon/parse/amount.js';
import { parseClient, parseFrom } from '../addon/parse/client.js';
import { parseDueDate } from '../addon/parse/dueDate.js';
import { parseRequest, titleFromSubject } from '../addon/requestParser.js';

// Friday 2026-11-27 (the message date in the user's time zone).
const FRI = { year: 2026, month: 11, day: 27 };
// Wednesday 2026-12-23: month/day already past this year roll to next year.
const WED_DEC = { year: 2026, month: 12, day: 23 };

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
    ['今週水曜まで', '2026-11-25'],
    ['再来週火曜に納品', '2026-12-08'],
    ['明日までに初稿をください', '2026-11-28'],
    ['明後日納品でお願いします', '2026-11-29'],
    ['今月末までにお願いします', '2026-11-30'],
    ['来月末が納期です', '2026-12-31'],
    ['月末締めで', '2026-11-30'],
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
    ['納期：12月10日', '2027-12-10', WED_DEC],
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
    ['来月上旬に納品希望', undefined],
    ['12月中旬ごろ', undefined],
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

  it('ignores dates in the quoted part of a reply', () => {
    const body = 'よろしくお願いします。\n\nOn Mon, Nov 23, 2026 at 10:00 AM Taro <t@x.jp> wrote:\n> 納期：12月1日';
    assert.equal(parseDueDate(body, FRI), undefined);
    assert.equal(parseDueDate('ok\n> deadline Dec 1', FRI), undefined);
  });
});

describe('amount', () => {
  const cases: Array<[string, number | undefined, ('JPY' | 'USD')?]> = [
    ['ご予算は30万円です', 300_000, 'JPY'],
    ['予算：3.5万円', 35_000, 'JPY'],
    ['金額 ¥300,000（税別）', 300_000, 'JPY'],
    ['金額 ￥３００，０００', 300_000, 'JPY'],
    ['300,000円でお願いします', 300_000, 'JPY'],
    ['1億2000万円の案件', 120_000_000, 'JPY'],
    ['予算は150万円程度', 1_500_000, 'JPY'],
    ['Budget: $2,000', 2_000, 'USD'],
    ['fee USD 2,500', 2_500, 'USD'],
    ['around 3k USD', 3_000, 'USD'],
    ['予算は2,500ドルです', 2_500, 'USD'],
    ['ご予算 1.2万ドル', 12_000, 'USD'],
    ['Budget: JPY 450000', 450_000, 'JPY'],
    ['Our budget is 80,000 yen', 80_000, 'JPY'],
    ['見積金額 1,234,567円', 1_234_567, 'JPY'],
    ['予算：50万円～80万円', 500_000, 'JPY'],
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
  it('reads the From header', () => {
    assert.deepEqual(parseFrom('"山田 太郎" <Yamada@Acme.co.jp>'), { name: '山田 太郎', email: 'yamada@acme.co.jp' });
    assert.deepEqual(parseFrom('jane@example.com'), { email: 'jane@example.com' });
    assert.deepEqual(parseFrom('Jane Doe <jane@example.com>'), { name: 'Jane Doe', email: 'jane@example.com' });
  });

  const signatures: Array<[string, string, string]> = [
    ['"山田 太郎" <yamada@acme.co.jp>', 'よろしくお願いします。\n\n--\n株式会社アクメ 営業部\n山田 太郎\nTEL 03-0000-0000', '株式会社アクメ'],
    ['yamada@acme.co.jp', '以上です。\n━━━━━━━━\nアクメ株式会社\n山田', 'アクメ株式会社'],
    ['Jane <jane@globex.com>', 'Thanks,\nJane Doe\nMarketing Lead\nGlobex Corporation', 'Globex Corporation'],
    ['Bob <bob@initech.com>', 'Best,\nBob\n-- \nInitech, Inc.\n', 'Initech, Inc.'],
  ];
  for (const [from, body, company] of signatures) {
    it(`finds ${company} in the signature`, () => {
      const client = parseClient(from, body);
      assert.equal(client.company, company);
      assert.equal(client.name, company);
    });
  }

  it('falls back to the sender name, then the domain', () => {
    assert.equal(parseClient('"佐藤 花子" <hanako@example.jp>', 'よろしくお願いします').name, '佐藤 花子');
    assert.equal(parseClient('info@studio.example', 'hello').name, 'studio.example');
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

  it('parses a whole request mail', () => {
    const parsed = parseRequest(
      {
        id: 'm1',
        subject: '【ご依頼】展示会パネル制作',
        from: '"山田 太郎" <yamada@acme.co.jp>',
        date: '2026-11-27T01:00:00Z',
        plainBody: 'いつもお世話になっております。\n展示会用のパネルをお願いします。\n納期：12月20日\nご予算：30万円\n\n--\n株式会社アクメ\n山田 太郎',
        attachments: [{ name: 'brief.pdf', mimeType: 'application/pdf', size: 1234 }],
      },
      FRI,
    );
    assert.equal(parsed.title, '展示会パネル制作');
    assert.equal(parsed.client.name, '株式会社アクメ');
    assert.equal(parsed.client.email, 'yamada@acme.co.jp');
    assert.equal(parsed.due, '2026-12-20');
    assert.deepEqual(parsed.amount, { value: 300_000, currency: 'JPY', matched: '30万円' });
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
