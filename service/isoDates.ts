/**
 * Calendar dates as ISO strings (YYYY-MM-DD): validity, today in a time zone, +N days, end of
 * next month, days between. Taking and returning ISO dates, never Date objects, means no time
 * zone can shift a day. A leaf module: billing, the schedule sync and the summary all use it.
 */

/** Year, month, day of an ISO date; RangeError when it is not a real calendar date. */
export function isoDateParts(isoDate: string): { y: number; m: number; d: number } {
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
    isoDateParts(value);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date an instant falls on in a time zone. */
export function isoDateIn(timeZone: string, instant: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export function addDays(isoDate: string, days: number): string {
  const { y, m, d } = isoDateParts(isoDate);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Last day of the month after the given date: the usual 月末締め翌月末払い due date. */
export function endOfNextMonth(isoDate: string): string {
  const { y, m } = isoDateParts(isoDate);
  // Day 0 of the month after next = last day of next month.
  return new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = isoDateParts(from);
  const b = isoDateParts(to);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000);
}
