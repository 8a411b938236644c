/**
 * Finds the requested due date in an e-mail, in the forms Japanese and English business mail
 * uses: absolute (`2026/12/20`, `2026年12月20日`, `12月20日`, `12/20`, `Dec 20`, `20 December`,
 * `December 20th, 2026`) and relative to the day the message was sent (`明日`, `来週金曜`,
 * `今月末`, `3日後`, `tomorrow`, `next Friday`, `end of the month`, `in 5 days`).
 *
 * On one line an explicit date wins over a relative one ("by Friday, December 4").
 * `12/20/2026` is read month-first (day-first only when the first number exceeds 12).
 * A date on a line that talks about delivery (納期, 締切, due, deadline, by …) wins over any
 * other date; among equals the first one in the text wins. A date without a year that would lie
 * before the message date is read as next year's (due dates are in the future).
 */
import {
  addDays,
  compareDays,
  endOfMonth,
  isValidDay,
  toIsoDate,
  weekday,
  type CalendarDay,
} from './calendarDay.js';
import { ownLines, toHalfWidth } from './text.js';

export type DueDateMatch = { date: string; matched: string };

const DUE_KEYWORD = /納期|納品|締切|締め切り|〆切|〆|期限|期日|まで|提出|due|deadline|by\b|no later than|deliver/i;

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH_NAME = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const JA_WEEKDAYS = '日月火水木金土';
const EN_WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const EN_WEEKDAY = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tues?|wed|thu(?:rs?)?|fri|sat)\\.?';

type Candidate = { index: number; length: number; day: CalendarDay; rank: number };
type Rule = {
  re: RegExp;
  resolve: (m: RegExpExecArray, today: CalendarDay) => CalendarDay | undefined;
  /** Words common in greetings (本日, tomorrow, Friday) count only on a line about the deadline. */
  keywordOnly?: boolean;
};

function monthNumber(name: string): number {
  return MONTHS[name.toLowerCase().slice(0, name.toLowerCase().startsWith('sept') ? 4 : 3)] ?? 0;
}

function absolute(year: number, month: number, day: number): CalendarDay | undefined {
  return isValidDay(year, month, day) ? { year, month, day } : undefined;
}

/** Month and day without a year: this year, or next year when that is already past. */
function upcoming(today: CalendarDay, month: number, day: number): CalendarDay | undefined {
  const thisYear = absolute(today.year, month, day);
  if (thisYear && compareDays(thisYear, today) >= 0) return thisYear;
  return absolute(today.year + 1, month, day);
}

/** The given weekday in the week (Monday first) that is `weeksAhead` weeks from today's. */
function weekdayInWeek(today: CalendarDay, target: number, weeksAhead: number): CalendarDay {
  const mondayOffset = (weekday(today) + 6) % 7;
  const monday = addDays(today, -mondayOffset + 7 * weeksAhead);
  return addDays(monday, (target + 6) % 7);
}

/** The next such weekday on or after today. */
function nextWeekday(today: CalendarDay, target: number): CalendarDay {
  return addDays(today, (target - weekday(today) + 7) % 7);
}

const RULES: Rule[] = [
  // 2026/12/20, 2026-12-20, 2026.12.20, 2026年12月20日
  {
    re: /(\d{4})\s*[\/\-.年]\s*(\d{1,2})\s*[\/\-.月]\s*(\d{1,2})\s*日?/g,
    resolve: (m) => absolute(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  // 来月15日
  {
    re: /(今月|来月|再来月)\s*(\d{1,2})\s*日/g,
    resolve: (m, t) => {
      const ahead = m[1] === '今月' ? 0 : m[1] === '来月' ? 1 : 2;
      const e = endOfMonth(t.year, t.month + ahead);
      return absolute(e.year, e.month, Number(m[2]));
    },
  },
  // 12月20日
  { re: /(\d{1,2})\s*月\s*(\d{1,2})\s*日/g, resolve: (m, t) => upcoming(t, Number(m[1]), Number(m[2])) },
  // 12/20/2026 (US order; 20/12/2026 read day-first when the first number cannot be a month)
  {
    re: /(?<![\d\/.])(\d{1,2})\/(\d{1,2})\/(\d{4})(?!\d)/g,
    resolve: (m) => {
      const a = Number(m[1]);
      const b = Number(m[2]);
      return a > 12 ? absolute(Number(m[3]), b, a) : absolute(Number(m[3]), a, b);
    },
  },
  // 12/20 (not part of a longer number or a fraction chain)
  { re: /(?<![\d\/.])(\d{1,2})\/(\d{1,2})(?![\d\/])/g, resolve: (m, t) => upcoming(t, Number(m[1]), Number(m[2])) },
  // Dec 20, December 20th, 2026
  {
    re: new RegExp(`\\b${MONTH_NAME}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s*(\\d{4}))?`, 'gi'),
    resolve: (m, t) =>
      m[3] ? absolute(Number(m[3]), monthNumber(m[1]!), Number(m[2])) : upcoming(t, monthNumber(m[1]!), Number(m[2])),
  },
  // 20 Dec, 20th of December 2026
  {
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_NAME}\\b\\.?(?:,?\\s*(\\d{4}))?`, 'gi'),
    resolve: (m, t) =>
      m[3] ? absolute(Number(m[3]), monthNumber(m[2]!), Number(m[1])) : upcoming(t, monthNumber(m[2]!), Number(m[1])),
  },
  // 明後日 before 明日; 本日/今日
  { re: /明後日|あさって/g, resolve: (_m, t) => addDays(t, 2) },
  { re: /明日|あした/g, resolve: (_m, t) => addDays(t, 1), keywordOnly: true },
  { re: /本日中|今日中/g, resolve: (_m, t) => t },
  { re: /本日|今日/g, resolve: (_m, t) => t, keywordOnly: true },
  { re: /(\d{1,3})\s*日後/g, resolve: (m, t) => addDays(t, Number(m[1])) },
  // 今月末, 来月末, 月末
  {
    re: /(今月|来月|再来月)?\s*末日?|月末/g,
    resolve: (m, t) => {
      if (m[0] !== '月末' && !m[1]) return undefined;
      const ahead = m[1] === '来月' ? 1 : m[1] === '再来月' ? 2 : 0;
      return endOfMonth(t.year, t.month + ahead);
    },
  },
  // 来週金曜, 今週の水曜日, 再来週月曜
  {
    re: new RegExp(`(今週|来週|再来週)\\s*の?\\s*([${JA_WEEKDAYS}])\\s*曜`, 'g'),
    resolve: (m, t) => weekdayInWeek(t, JA_WEEKDAYS.indexOf(m[2]!), m[1] === '今週' ? 0 : m[1] === '来週' ? 1 : 2),
  },
  // 金曜日まで (the coming one)
  {
    re: new RegExp(`(?<![週の])([${JA_WEEKDAYS}])曜日?`, 'g'),
    resolve: (m, t) => nextWeekday(t, JA_WEEKDAYS.indexOf(m[1]!)),
    keywordOnly: true,
  },
  { re: /\bday after tomorrow\b/gi, resolve: (_m, t) => addDays(t, 2) },
  { re: /\btomorrow\b/gi, resolve: (_m, t) => addDays(t, 1), keywordOnly: true },
  { re: /\b(?:today|end of (?:the )?day|EOD)\b/gi, resolve: (_m, t) => t, keywordOnly: true },
  { re: /\bin (\d{1,3}) days?\b/gi, resolve: (m, t) => addDays(t, Number(m[1])) },
  {
    re: /\b(?:the )?end of (?:the |this )?(next )?month\b|\bEOM\b/gi,
    resolve: (m, t) => endOfMonth(t.year, t.month + (m[1] ? 1 : 0)),
  },
  // next Friday, this Wed
  {
    re: new RegExp(`\\b(this|next)\\s+${EN_WEEKDAY}(?![a-z])`, 'gi'),
    resolve: (m, t) => {
      const target = EN_WEEKDAYS.findIndex((d) => d.startsWith(m[2]!.toLowerCase().slice(0, 3)));
      return weekdayInWeek(t, target, m[1]!.toLowerCase() === 'next' ? 1 : 0);
    },
  },
  // by Friday (the coming one)
  {
    re: new RegExp(`\\b${EN_WEEKDAY}(?![a-z])`, 'gi'),
    resolve: (m, t) => nextWeekday(t, EN_WEEKDAYS.findIndex((d) => d.startsWith(m[1]!.toLowerCase().slice(0, 3)))),
    keywordOnly: true,
  },
];

function candidatesIn(line: string, today: CalendarDay, onDueLine: boolean): Candidate[] {
  const found: Candidate[] = [];
  const taken: Array<[number, number]> = [];
  RULES.forEach((rule, rank) => {
    if (rule.keywordOnly && !onDueLine) return;
    rule.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(line))) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      // Earlier (more specific) rules own their span: 2026/12/20 is not also 12/20.
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const day = rule.resolve(m, today);
      if (!day) continue;
      taken.push([start, end]);
      found.push({ index: start, length: m[0].length, day, rank });
    }
  });
  // A written date beats a relative one on the same line ("by Friday, December 4"): rules are
  // ordered from explicit to relative.
  return found.sort((a, b) => a.rank - b.rank || a.index - b.index);
}

/**
 * The due date in `text` (subject and body), relative to `today` (the message date in the
 * user's time zone); undefined when the text names none.
 */
export function parseDueDate(text: string, today: CalendarDay): DueDateMatch | undefined {
  let best: { score: number; order: number; match: DueDateMatch } | undefined;
  let order = 0;
  for (const rawLine of ownLines(toHalfWidth(text))) {
    const line = rawLine.trim();
    if (!line) continue;
    const score = DUE_KEYWORD.test(line) ? 1 : 0;
    for (const c of candidatesIn(line, today, score > 0)) {
      order++;
      if (!best || score > best.score) {
        best = { score, order, match: { date: toIsoDate(c.day), matched: line.slice(c.index, c.index + c.length) } };
      }
    }
  }
  return best?.match;
}
