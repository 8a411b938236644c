/**
 * Calendar days without time or time zone: the due date as the office means it. The caller
 * decides "today" in the user's time zone (Utilities.formatDate in Apps Script); from there on
 * every computation is plain UTC arithmetic, so results never shift with the runtime's zone.
 */

export type CalendarDay = { year: number; month: number; day: number };

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isValidDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(d: CalendarDay): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

export function addDays(d: CalendarDay, n: number): CalendarDay {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export function compareDays(a: CalendarDay, b: CalendarDay): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export function endOfMonth(year: number, month: number): CalendarDay {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((month - 1) % 12) + 1;
  return { year: y, month: m, day: daysInMonth(y, m) };
}

export function toIsoDate(d: CalendarDay): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Parses 2026-12-20 back into a day (undefined when malformed or impossible). */
export function fromIsoDate(text: string): CalendarDay | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidDay(d.year, d.month, d.day) ? d : undefined;
}

export function isWeekend(d: CalendarDay): boolean {
  const w = weekday(d);
  return w === 0 || w === 6;
}

/** `n` working days after `d` (Saturdays and Sundays skipped; public holidays are not known here). */
export function addBusinessDays(d: CalendarDay, n: number): CalendarDay {
  let day = d;
  for (let left = n; left > 0; ) {
    day = addDays(day, 1);
    if (!isWeekend(day)) left--;
  }
  return day;
}

/** The nearest weekday (Mon–Fri) on or after `d` (step 1) or on or before it (step -1). */
export function nearestWorkday(d: CalendarDay, step: 1 | -1): CalendarDay {
  let day = d;
  while (isWeekend(day)) day = addDays(day, step);
  return day;
}

/** The given weekday (0 = Sunday) in the week (Monday first) `weeksAhead` weeks from `d`'s. */
export function weekdayInWeek(d: CalendarDay, target: number, weeksAhead: number): CalendarDay {
  const monday = addDays(d, -((weekday(d) + 6) % 7) + 7 * weeksAhead);
  return addDays(monday, (target + 6) % 7);
}

/** The next such weekday on or after `d`. */
export function nextWeekday(d: CalendarDay, target: number): CalendarDay {
  return addDays(d, (target - weekday(d) + 7) % 7);
}

export function daysBetween(a: CalendarDay, b: CalendarDay): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

/**
 * A month and day written without a year, as the office reads it: this year when still ahead;
 * a date up to three months back stays in the past (a late or mistyped date, to be flagged, not
 * a due date a year away); anything earlier is next year's (December mail about January).
 */
export function yearlessDay(today: CalendarDay, month: number, day: number): CalendarDay | undefined {
  if (!isValidDay(today.year, month, day) && !isValidDay(today.year + 1, month, day)) return undefined;
  const thisYear = { year: today.year, month, day };
  if (isValidDay(today.year, month, day) && (compareDays(thisYear, today) >= 0 || daysBetween(thisYear, today) <= 92)) return thisYear;
  return isValidDay(today.year + 1, month, day) ? { year: today.year + 1, month, day } : undefined;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** 1–12 for "Dec", "December", "Sept."; 0 for anything else. */
export function monthFromName(name: string): number {
  return MONTH_NAMES.indexOf(name.toLowerCase().slice(0, 3)) + 1;
}
