/**
 * Dates as a Japanese office writes them on estimates and invoices: Gregorian `2026年12月20日`
 * and Japanese era (wareki) `令和8年12月20日` (first year written 元年), plus the calendar
 * arithmetic billing needs (today in the office time zone, +N days, end of next month).
 * All functions take and return ISO dates (YYYY-MM-DD) so no time zone can shift a day.
 */

type Era = { name: string; start: string };

// Newest first; a date belongs to the first era whose start it is on or after.
const ERAS: Era[] = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
];

function parts(isoDate: string): { y: number; m: number; d: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${isoDate}`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw new RangeError(`no such date: ${isoDate}`);
  }
  return { y, m, d };
}

/** True when the string is a real calendar date in YYYY-MM-DD form. */
export function isIsoDate(value: string): boolean {
  try {
    parts(value);
    return true;
  } catch {
    return false;
  }
}

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

/** The calendar date an instant falls on in a time zone. */
export function isoDateIn(timeZone: string, instant: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export function addDays(isoDate: string, days: number): string {
  const { y, m, d } = parts(isoDate);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Last day of the month after the given date: the usual 月末締め翌月末払い due date. */
export function endOfNextMonth(isoDate: string): string {
  const { y, m } = parts(isoDate);
  // Day 0 of the month after next = last day of next month.
  return new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = parts(from);
  const b = parts(to);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
}
