// Billing arithmetic (per-rate tax, rounded once per rate per document), registration numbers
// (corporate-number check digit) and Japanese date formats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJapaneseDate, formatWarekiDate } from '../service/billing/japaneseDates.js';
import { addDays, daysBetween, endOfNextMonth, isIsoDate, isoDateIn } from '../service/isoDates.js';
import { checkRegistrationNumber, corporateNumberCheckDigit, isCorporateNumber } from '../service/billing/registrationNumber.js';
import { computeTotals, formatYen, lineAmount, taxOnRate } from '../service/billing/tax.js';

const line = (description: string, unitPrice: number, taxRate: 10 | 8, quantity = 1) => ({ description, quantity, unitPrice, taxRate });

test('NTA インボイスQ&A 問54 worked example: 10%対象 ¥88,000 and 8%対象 ¥43,200 (tax included) → tax ¥8,000 and ¥3,200', () => {
  // The Q&A's example invoice (小麦粉※, 牛肉※, キッチンペーパー, …) states per rate: 10%対象 88,000円
  // (消費税 8,000円) and 8%対象 43,200円 (消費税 3,200円), 合計 131,200円. Its item list is elided
  // ("："), so the lines here are ours, chosen to sum to the example's per-rate amounts.
  const totals = computeTotals(
    [line('小麦粉', 5_000, 8), line('牛肉', 8_000, 8), line('キッチンペーパー', 2_000, 10), line('食料品 その他', 27_000, 8), line('日用品 その他', 78_000, 10)],
    'floor',
  );
  assert.deepEqual(
    totals.byRate.map(({ rate, reduced, subtotal, tax, total }) => ({ rate, reduced, subtotal, tax, total })),
    [
      { rate: 10, reduced: false, subtotal: 80_000, tax: 8_000, total: 88_000 },
      { rate: 8, reduced: true, subtotal: 40_000, tax: 3_200, total: 43_200 },
    ],
  );
  assert.equal(totals.tax, 11_200);
  assert.equal(totals.total, 131_200);
  assert.deepEqual(totals.lines.map((l) => l.reduced), [true, true, false, true, false]);
});

test('NTA Q&A 問57: tax is rounded once per rate per invoice, never per line', () => {
  // Three ¥105 lines at 10%, floor: per line 10.5→10 each (30, which 問57 says is not allowed);
  // once on the sum 315 → 31.5 → 31.
  const threeLines = computeTotals([line('a', 105, 10), line('b', 105, 10), line('c', 105, 10)], 'floor');
  assert.equal(threeLines.tax, 31);
  assert.notEqual(threeLines.tax, [105, 105, 105].reduce((sum, p) => sum + Math.floor((p * 10) / 100), 0));
  // Mixed rates: each rate's sum rounded on its own. 10%: 315 → 31.5; 8%: 3 × ¥1,001 = 3,003 → 240.24.
  const mixed = computeTotals([line('a', 105, 10), line('b', 105, 10), line('c', 105, 10), line('お茶', 1_001, 8, 3)], 'floor');
  assert.deepEqual(mixed.byRate.map((r) => [r.rate, r.subtotal, r.tax]), [[10, 315, 31], [8, 3_003, 240]]);
  assert.equal(mixed.total, 315 + 31 + 3_003 + 240);
  // Rounding across rates together (3,318 × ? ) is also wrong: per-rate sums are what is rounded.
  assert.deepEqual(computeTotals([line('a', 105, 10), line('b', 105, 10), line('c', 105, 10), line('お茶', 1_001, 8, 3)], 'ceil').byRate.map((r) => r.tax), [32, 241]);
  assert.deepEqual(computeTotals([line('a', 105, 10), line('b', 105, 10), line('c', 105, 10), line('お茶', 1_001, 8, 3)], 'round').byRate.map((r) => r.tax), [32, 240]);
});

test('rounding rule: floor, ceil, half-up on exactly half a yen; a rate with no lines is not printed', () => {
  assert.equal(taxOnRate(5, 10, 'floor'), 0);
  assert.equal(taxOnRate(5, 10, 'ceil'), 1);
  assert.equal(taxOnRate(5, 10, 'round'), 1);
  assert.equal(taxOnRate(1_000, 10, 'ceil'), 100);
  assert.equal(taxOnRate(1_001, 8, 'round'), 80);
  const onlyStandard = computeTotals([line('ロゴデザイン', 123_455, 10), line('修正', 3_333, 10, 1.5)], 'floor');
  // 3333 × 1.5 = 4999.5 → 5000 (half-up per line amount); subtotal 128455; 10% = 12845.5
  assert.deepEqual(onlyStandard.lines.map((l) => l.amount), [123_455, 5_000]);
  assert.equal(onlyStandard.byRate.length, 1);
  assert.equal(onlyStandard.tax, 12_845);
  assert.equal(onlyStandard.total, 141_300);
});

test('line amounts never suffer binary fractions', () => {
  assert.equal(lineAmount(0.1, 30), 3);
  assert.equal(lineAmount(3, 1_000_000), 3_000_000);
  assert.equal(lineAmount(2.675, 100), 268);
});

test('bad billing inputs are refused with the value named', () => {
  assert.throws(() => computeTotals([line('x', 10.5 as number, 10)], 'floor'), /whole yen: 10.5/);
  assert.throws(() => computeTotals([{ ...line('x', 10, 10), quantity: 0 }], 'floor'), /quantity must be positive/);
  assert.throws(() => computeTotals([{ ...line('x', 10, 10), quantity: 1.2345 }], 'floor'), /three decimals/);
  assert.throws(() => computeTotals([{ ...line('x', 10, 10), taxRate: 5 as 10 }], 'floor'), /10 or 8/);
});

test('corporate-number check digit: published numbers and the ordinance worked example', () => {
  // 国税庁 (NTA) 7000012050002; エックスサーバー株式会社 T7120001168421 and 株式会社GROWI
  // T9011101097073 (registration numbers they publish); 4011001098993 and 2120901007402 from
  // published walk-throughs of the formula; 7123456789012 is the formula's worked example.
  for (const n of ['7000012050002', '7120001168421', '9011101097073', '4011001098993', '2120901007402', '7123456789012']) {
    assert.ok(isCorporateNumber(n), n);
    assert.equal(corporateNumberCheckDigit(n.slice(1)), Number(n[0]), n);
  }
  // A sum divisible by 9 gives check digit 9 (never 0): GROWI's 011101097073 sums to 45.
  assert.equal(corporateNumberCheckDigit('011101097073'), 9);
  // Any single-digit typo is caught.
  const good = '7000012050002';
  for (let i = 0; i < 13; i++) {
    const typo = `${good.slice(0, i)}${(Number(good[i]) + 1) % 10}${good.slice(i + 1)}`;
    assert.equal(isCorporateNumber(typo), false, typo);
  }
});

test('registration numbers: T + 13 digits with the check digit; typed forms normalised; clear problems', () => {
  assert.deepEqual(checkRegistrationNumber('T7000012050002'), { ok: true, value: 'T7000012050002' });
  assert.deepEqual(checkRegistrationNumber('Ｔ７０００－０１２０－５０００２'), { ok: true, value: 'T7000012050002' });
  assert.deepEqual(checkRegistrationNumber('t 7120-0011-68421'), { ok: true, value: 'T7120001168421' });
  const typo = checkRegistrationNumber('T7000012050003');
  assert.equal(typo.ok, false);
  assert.match(!typo.ok ? typo.problem : '', /check digit.*should be 6/);
  assert.match((checkRegistrationNumber('7000012050002') as { problem: string }).problem, /T followed by 13 digits/);
  assert.match((checkRegistrationNumber('T700001205000') as { problem: string }).problem, /T followed by 13 digits/);
});

test('Japanese date formats: Gregorian and era, with 元年', () => {
  assert.equal(formatJapaneseDate('2026-12-20'), '2026年12月20日');
  assert.equal(formatWarekiDate('2026-12-20'), '令和8年12月20日');
  assert.equal(formatWarekiDate('2019-05-01'), '令和元年5月1日');
  assert.equal(formatWarekiDate('2019-04-30'), '平成31年4月30日');
  assert.equal(formatWarekiDate('1989-01-08'), '平成元年1月8日');
  assert.throws(() => formatJapaneseDate('2026-02-30'), /no such date/);
  assert.equal(isIsoDate('2026-13-01'), false);
  assert.equal(formatYen(1_234_567), '¥1,234,567');
});

test('calendar arithmetic for due dates and lead times', () => {
  assert.equal(endOfNextMonth('2026-01-31'), '2026-02-28');
  assert.equal(endOfNextMonth('2026-12-05'), '2027-01-31');
  assert.equal(addDays('2026-12-20', 30), '2027-01-19');
  assert.equal(daysBetween('2026-11-01', '2026-12-01'), 30);
  // 2026-12-19T20:00Z is already the 20th in Tokyo.
  assert.equal(isoDateIn('Asia/Tokyo', new Date('2026-12-19T20:00:00Z')), '2026-12-20');
});
