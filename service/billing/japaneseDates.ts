/**
 * Dates as a Japanese office writes them on estimates and invoices: Gregorian `2026年12月20日`
 * and Japanese era (wareki) `令和8年12月20日` (first year written 元年). The calendar arithmetic
 * lives in service/isoDates.ts (also used by the schedule and the summary).
 */
import { isoDateParts as parts } from '../isoDates.js';

type Era = { name: string; start: string };

// Newest first; a date belongs to the first era whose start it is on or after.
const ERAS: Era[] = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
];

/** 2026-12-20 → 2026年12月20日 */
export function formatJapaneseDate(isoDate: string): string {
  const { y, m, d } = parts(isoDate);
  return `${y}年${m}月${d}日`;
}

/** 2026-12-20 → 令和8年12月20日; 2019-05-01 → 令和元年5月1日. */
export function formatWarekiDate(isoDate: string): string {
  const { y, m, d } = parts(isoDate);
  const era = ERAS.find((e) => isoDate >= e.start);
  if (!era) return formatJapaneseDate(isoDate);
  const eraYear = y - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${eraYear === 1 ? '元' : eraYear}年${m}月${d}日`;
}

