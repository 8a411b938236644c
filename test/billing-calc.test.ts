// Billing arithmetic and Japanese date formats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJapaneseDate, formatWarekiDate } from '../service/billing/japaneseDates.js';
import { addDays, daysBetween, endOfNextMonth, isIsoDate, isoDateIn } from '../service/isoDates.js';
import { computeTotals, formatYen, lineAmount } from '../service/billing/tax.js';

test('tax is computed once on the subtotal with the configured rounding', () => {
  const items = [
    { description: 'ロゴデザイン', quantity: 1, unitPrice: 123_455 },
    { description: '修正', quantity: 1.5, unitPrice: 3_333 },
  ];
  // 3333 × 1.5 = 4999.5 → 5000 (half-up per line); subtotal 128455; 10% = 12845.5
  const floor = computeTotals(items, 10, 'floor');
  assert.deepEqual(floor.lines.map((l) => l.amount), [123_455, 5_000]);
  assert.equal(floor.subtotal, 128_455);
  assert.equal(floor.tax, 12_845);
  assert.equal(floor.total, 141_300);
  assert.equal(computeTotals(items, 10, 'round').tax, 12_846);
  assert.equal(computeTotals(items, 10, 'ceil').tax, 12_846);
  assert.equal(computeTotals([{ description: 'x', quantity: 1, unitPrice: 1000 }], 10, 'ceil').tax, 100);
  assert.equal(computeTotals([{ description: 'x', quantity: 1, unitPrice: 1001 }], 8, 'round').tax, 80);
});

test('line amounts never suffer binary fractions', () => {
  assert.equal(lineAmount(0.1, 30), 3);
  assert.equal(lineAmount(3, 1_000_000), 3_000_000);
  assert.equal(lineAmount(2.675, 100), 268);
});

test('bad billing inputs are refused with the value named', () => {
  assert.throws(() => computeTotals([{ description: 'x', quantity: 1, unitPrice: 10.5 }], 10, 'floor'), /whole yen: 10.5/);
  assert.throws(() => computeTotals([{ description: 'x', quantity: 0, unitPrice: 10 }], 10, 'floor'), /quantity must be positive/);
  assert.throws(() => computeTotals([], 101, 'floor'), /tax rate/);
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
