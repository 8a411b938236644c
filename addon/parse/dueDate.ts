/**
 * The due date of a request e-mail, read the way the office manager reads it.
 *
 * Every date in the thread is a candidate — absolute (`2026/12/20`, `2026年12月20日`, `令和8年12月25日`,
 * `12月20日(日)`, `12/20`, `Dec 20`, `Tuesday 1 April`, `12/11/2026`, `14/12/2026`), named periods
 * (`12月末`, `12月の末日`, `12月中旬`, `mid-January`), and relative to the day its message was
 * written (`今月中`, `月内`, `来月頭`, `年内`, `来週金曜`, `週明け`, `3営業日以内`, `本日中`, `明後日`,
 * `until Monday`, `next Friday`, `end of next week`, `within two weeks`, `by the 15th`, `EOD tomorrow`).
 * Each is scored by the words of its clause: 納期/締切/必着/deadline/due/deliver beat まで/by/until,
 * which beat a plain request (お願いします, need); "final"/最終 adds; a meeting, a reply-by date, a
 * quote, a first draft, a launch or an event (打ち合わせ, 見積, ご連絡, ラフ, kickoff, quote by …)
 * makes it not a due date. The new text beats the subject, which beats quoted history; a later
 * line wins a tie (a revised date follows the first). Past dates and dates with no such word are
 * kept and shown, never offered. A weekday that contradicts its date flags the date and offers the
 * nearest date with that weekday as the runner-up. Vague words (ASAP, なるべく早く) give no date.
 *
 * Why our own code: chrono-node (the well-kept candidate, tried for issue 12) reads nothing in
 * 12月末, 今月中, 12月の末日, 明後日, 週明け, 3営業日以内 or "by the 15th", reads 来週金曜日 as this
 * Friday and "mid-January" as January 1st, accepts past dates silently, and knows nothing of
 * which date a business mail means as its deadline; its ja+en parsers alone are 55 KB minified,
 * against the add-on's 150 KB budget. Japanese business-mail dates are a small closed language:
 * rules we can read and test against our corpus cost less and do more.
 */
import {
  addBusinessDays,
  addDays,
  compareDays,
  endOfMonth,
  isValidDay,
  monthFromName,
  nearestWorkday,
  nextWeekday,
  toIsoDate,
  weekday,
  weekdayInWeek,
  yearlessDay,
  type CalendarDay,
} from './calendarDay.js';
import { choose, sourceOf, WHERE_PENALTY, type Candidate, type Flag, type Reading } from './evidence.js';
import { clauseAround, nextClauseStart, sentenceBefore } from './text.js';
import { placedLines, type MailThread } from './thread.js';

const JA_WD = '日月火水木金土';
const EN_WD = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tues?|wed|thu(?:rs?)?|fri|sat)';
/** `(木)`, `（木曜）`, `木曜日`, ` (Fri)` written after a date. */
const WD_AFTER = `(?:\\s*[(（]\\s*([${JA_WD}]|[A-Za-z]{3})[^)）]{0,3}[)）]|\\s*([${JA_WD}])曜日?)?`;
/** `Tuesday `, `Monday, `, `Fri ` written before a date. */
const WD_BEFORE = `(?:${WEEKDAY}\\.?,?\\s+(?:the\\s+)?)?`;
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };

type Found = { day: CalendarDay; approximate?: boolean; writtenWeekday?: number };
type Rule = {
  re: RegExp;
  resolve: (m: RegExpExecArray, day: CalendarDay) => Found | undefined;
  /** Relative to the message's day: not used in an older message whose day is unknown. */
  relative?: boolean;
  /** Words also common in greetings (本日, tomorrow, Friday): only on a clause about the deadline. */
  keywordOnly?: (matched: string) => boolean;
};

const always = () => true;
const WEEKS: Record<string, number> = { 今週: 0, 来週: 1, 再来週: 2 };

function weekdayOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ja = JA_WD.indexOf(text);
  if (ja >= 0 && text.length === 1) return ja;
  const en = EN_WD.indexOf(text.toLowerCase().slice(0, 3));
  return en >= 0 ? en : undefined;
}

function exact(day: CalendarDay | undefined, ...weekdays: Array<string | undefined>): Found | undefined {
  if (!day) return undefined;
  const written = weekdays.map(weekdayOf).find((w) => w !== undefined);
  return written === undefined ? { day } : { day, writtenWeekday: written };
}

function ymd(year: number, month: number, day: number): CalendarDay | undefined {
  return isValidDay(year, month, day) ? { year, month, day } : undefined;
}

/** Day of a named part of a month: 末/中 the last day; 上旬 10th, 中旬 20th, 下旬 last (approximate); 頭 first workday. */
function monthPart(year: number, month: number, part: string): Found {
  const end = endOfMonth(year, month);
  if (/^(末日?|中|いっぱい|内|end)$/i.test(part)) return { day: end };
  if (/^(上旬|初旬|early)$/i.test(part)) return { day: { ...end, day: 10 }, approximate: true };
  if (/^中旬$/.test(part)) return { day: { ...end, day: 20 }, approximate: true };
  if (/^mid$/i.test(part)) return { day: { ...end, day: 15 }, approximate: true };
  if (/^(下旬|late)$/i.test(part)) return { day: end, approximate: true };
  return { day: nearestWorkday({ ...end, day: 1 }, 1), approximate: true };
}

/** A month without a year: this year's, or next year's once it is well past. */
function comingMonth(today: CalendarDay, month: number): number {
  return month < today.month && today.month - month > 3 ? today.year + 1 : today.year;
}

function upcomingDayOfMonth(today: CalendarDay, n: number): CalendarDay | undefined {
  for (let ahead = 0; ahead < 3; ahead++) {
    const e = endOfMonth(today.year, today.month + ahead);
    const d = ymd(e.year, e.month, n);
    if (d && compareDays(d, today) >= 0) return d;
  }
  return undefined;
}

function count(word: string): number {
  return NUMBER_WORDS[word.toLowerCase()] ?? Number(word);
}

const RULES: Rule[] = [
  // 12月第2週 (the week holding the 1st is the first), the week of January 11: that week's Friday
  {
    re: /(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*の?\s*第\s*([1-5])\s*週/g,
    resolve: (m, t) => {
      const month = +m[2]!;
      if (month < 1 || month > 12) return undefined;
      const first = { year: m[1] ? +m[1] : comingMonth(t, month), month, day: 1 };
      return { day: weekdayInWeek(first, 5, +m[3]! - 1), approximate: true };
    },
  },
  {
    re: new RegExp(`\\b(?:the\\s+)?week\\s+of\\s+${MONTH}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`, 'gi'),
    resolve: (m, t) => {
      const day = yearlessDay(t, monthFromName(m[1]!), +m[2]!);
      return day && { day: weekdayInWeek(day, 5, 0), approximate: true };
    },
  },
  // 2026/12/20, 2026-12-20, 2026.12.20, 2026年12月20日（日）
  { re: new RegExp(`${WD_BEFORE}(\\d{4})\\s*[/\\-.年]\\s*(\\d{1,2})\\s*[/\\-.月]\\s*(\\d{1,2})\\s*日?${WD_AFTER}`, 'gi'), resolve: (m) => exact(ymd(+m[2]!, +m[3]!, +m[4]!), m[1], m[5], m[6]) },
  // 令和8年12月25日, R8.12.25
  {
    re: new RegExp(`(令和|平成|R)\\s*(元|\\d{1,2})\\s*[年./]\\s*(\\d{1,2})\\s*[月./]\\s*(\\d{1,2})\\s*日?${WD_AFTER}`, 'g'),
    resolve: (m) => exact(ymd((m[1] === '平成' ? 1988 : 2018) + (m[2] === '元' ? 1 : +m[2]!), +m[3]!, +m[4]!), m[5], m[6]),
  },
  // 来月15日
  {
    re: new RegExp(`(今月|来月|再来月)\\s*の?\\s*(\\d{1,2})\\s*日${WD_AFTER}`, 'g'),
    relative: true,
    resolve: (m, t) => {
      const e = endOfMonth(t.year, t.month + (m[1] === '今月' ? 0 : m[1] === '来月' ? 1 : 2));
      return exact(ymd(e.year, e.month, +m[2]!), m[3], m[4]);
    },
  },
  // 12月末, 12月の末日, 2027年1月中旬, 12月中, 1月頭
  {
    re: /(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*の?\s*(末日|末|中旬|上旬|初旬|下旬|いっぱい|中|頭|初め|はじめ)/g,
    resolve: (m, t) => (+m[2]! >= 1 && +m[2]! <= 12 ? monthPart(m[1] ? +m[1] : comingMonth(t, +m[2]!), +m[2]!, m[3]!) : undefined),
  },
  // 今月末, 来月末日, 月末, 月内, 今月中, 来月頭, 来月早々, 再来月上旬
  {
    re: /(?<!\d)(今月|来月|再来月|月)\s*の?\s*(末日|末|中旬|上旬|初旬|下旬|いっぱい|中|内|頭|初め|はじめ|早々)/g,
    relative: true,
    resolve: (m, t) => {
      if (m[1] === '月' && !/^(末日?|内)$/.test(m[2]!)) return undefined;
      const ahead = m[1] === '来月' ? 1 : m[1] === '再来月' ? 2 : 0;
      const e = endOfMonth(t.year, t.month + ahead);
      return monthPart(e.year, e.month, m[2] === '早々' ? '頭' : m[2]!);
    },
  },
  // 12月20日(日)
  { re: new RegExp(`(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*日${WD_AFTER}`, 'g'), resolve: (m, t) => exact(yearlessDay(t, +m[1]!, +m[2]!), m[3], m[4]) },
  // 12/11/2026 (US order), 14/12/2026 (day first when the first number cannot be a month)
  {
    re: new RegExp(`(?<![\\d/.])(\\d{1,2})/(\\d{1,2})/(\\d{4})(?!\\d)${WD_AFTER}`, 'g'),
    resolve: (m) => exact(+m[1]! > 12 ? ymd(+m[3]!, +m[2]!, +m[1]!) : ymd(+m[3]!, +m[1]!, +m[2]!), m[4], m[5]),
  },
  // 12/20(金)
  { re: new RegExp(`(?<![\\d/.\\w])(\\d{1,2})/(\\d{1,2})(?![\\d/])${WD_AFTER}`, 'g'), resolve: (m, t) => exact(yearlessDay(t, +m[1]!, +m[2]!), m[3], m[4]) },
  // Tuesday, December 15, 2026 · Dec. 20 · December 20th
  {
    re: new RegExp(`${WD_BEFORE}\\b${MONTH}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s*(\\d{4}))?${WD_AFTER}`, 'gi'),
    resolve: (m, t) => {
      const month = monthFromName(m[2]!);
      return exact(m[4] ? ymd(+m[4], month, +m[3]!) : yearlessDay(t, month, +m[3]!), m[1], m[5], m[6]);
    },
  },
  // Tuesday 1 April · the 21st of December 2026
  {
    re: new RegExp(`${WD_BEFORE}\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\b\\.?(?:,?\\s*(\\d{4}))?${WD_AFTER}`, 'gi'),
    resolve: (m, t) => {
      const month = monthFromName(m[3]!);
      return exact(m[4] ? ymd(+m[4], month, +m[2]!) : yearlessDay(t, month, +m[2]!), m[1], m[5], m[6]);
    },
  },
  // early December, mid-January, late March, end of January
  {
    re: new RegExp(`\\b(early|mid|late|end of|the end of)[\\s-]+${MONTH}\\b`, 'gi'),
    resolve: (m, t) => {
      const month = monthFromName(m[2]!);
      return monthPart(comingMonth(t, month), month, /end/i.test(m[1]!) ? 'end' : m[1]!.toLowerCase());
    },
  },
  // 明後日, 明日, 本日中; 明日 and 本日 alone also greet ("本日はありがとうございました")
  {
    re: /明後日|あさって|明日|あした|本日中?|今日中?|\bday after tomorrow\b|\btomorrow\b|\btoday\b|\btonight\b/gi,
    relative: true,
    keywordOnly: (w) => !/明後日|あさって|中|after/i.test(w),
    resolve: (m, t) => ({ day: addDays(t, /明後日|あさって|after/i.test(m[0]) ? 2 : /明日|あした|tomorrow/i.test(m[0]) ? 1 : 0) }),
  },
  { re: /(\d{1,2})\s*営業日\s*(?:以内|後|内)?/g, relative: true, resolve: (m, t) => ({ day: addBusinessDays(t, +m[1]!) }) },
  { re: /(\d{1,3})\s*日\s*(?:後|以内)/g, relative: true, resolve: (m, t) => ({ day: addDays(t, +m[1]!) }) },
  { re: /(\d{1,2})\s*週間\s*(?:後|以内)/g, relative: true, resolve: (m, t) => ({ day: addDays(t, 7 * +m[1]!) }) },
  // 年内: before the office closes for the year (the last workday on or before 12/28)
  { re: /年内/g, relative: true, resolve: (_m, t) => ({ day: nearestWorkday({ year: t.year, month: 12, day: 28 }, -1), approximate: true }) },
  // 来週金曜, 今週の水曜日
  {
    re: new RegExp(`(今週|来週|再来週)\\s*の?\\s*([${JA_WD}])\\s*曜日?`, 'g'),
    relative: true,
    resolve: (m, t) => exact(weekdayInWeek(t, JA_WD.indexOf(m[2]!), WEEKS[m[1]!]!)),
  },
  // 今週中, 来週いっぱい, 来週末: that week's Friday
  { re: /(今週|来週|再来週)\s*(?:中|いっぱい|末)/g, relative: true, resolve: (m, t) => ({ day: weekdayInWeek(t, 5, WEEKS[m[1]!]!) }) },
  // 週明け: next week's Monday
  { re: /週明け/g, relative: true, resolve: (_m, t) => ({ day: weekdayInWeek(t, 1, 1) }) },
  // 15日まで
  { re: /(?<![\d/月])(\d{1,2})\s*日(?=\s*(?:まで|迄|必着|締|〆|に納|納))/g, relative: true, keywordOnly: always, resolve: (m, t) => exact(upcomingDayOfMonth(t, +m[1]!)) },
  // 金曜日まで (the coming one)
  { re: new RegExp(`(?<![週の])([${JA_WD}])曜日?`, 'g'), relative: true, keywordOnly: always, resolve: (m, t) => exact(nextWeekday(t, JA_WD.indexOf(m[1]!))) },
  // EOD, COB Friday, end of day tomorrow
  {
    re: new RegExp(`\\b(?:EOD|COB|EOB|close of business|end of (?:the )?(?:business )?day)\\b(?:\\s+(today|tomorrow|${WEEKDAY}))?`, 'gi'),
    relative: true,
    resolve: (m, t) => {
      const w = m[1]?.toLowerCase();
      if (!w || w === 'today') return { day: t };
      if (w === 'tomorrow') return { day: addDays(t, 1) };
      return { day: nextWeekday(t, weekdayOf(w)!) };
    },
  },
  {
    re: /\b(?:in|within)\s+(\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(business\s+|working\s+)?(days?|weeks?)\b/gi,
    relative: true,
    resolve: (m, t) => {
      const n = count(m[1]!);
      if (/week/i.test(m[3]!)) return { day: addDays(t, 7 * n) };
      return { day: m[2] ? addBusinessDays(t, n) : addDays(t, n) };
    },
  },
  { re: /\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(next\s+)?week\b/gi, relative: true, resolve: (m, t) => ({ day: weekdayInWeek(t, 5, m[1] ? 1 : 0) }) },
  { re: /\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(next\s+)?month\b|\bEOM\b/gi, relative: true, resolve: (m, t) => ({ day: endOfMonth(t.year, t.month + (m[1] ? 1 : 0)) }) },
  { re: /\bnext week\b/gi, relative: true, keywordOnly: always, resolve: (_m, t) => ({ day: weekdayInWeek(t, 5, 1), approximate: true }) },
  // this Friday, next Friday (Friday of next week)
  {
    re: new RegExp(`\\b(this|next|coming)\\s+${WEEKDAY}\\b`, 'gi'),
    relative: true,
    resolve: (m, t) => exact(weekdayInWeek(t, weekdayOf(m[2])!, m[1]!.toLowerCase() === 'next' ? 1 : 0)),
  },
  // Monday the 7th, by the 15th
  {
    re: new RegExp(`${WD_BEFORE}\\bthe\\s+(\\d{1,2})(?:st|nd|rd|th)\\b`, 'gi'),
    relative: true,
    keywordOnly: always,
    resolve: (m, t) => exact(upcomingDayOfMonth(t, +m[2]!), m[1]),
  },
  // until Monday, by Friday (the coming one)
  { re: new RegExp(`\\b${WEEKDAY}\\b`, 'gi'), relative: true, keywordOnly: always, resolve: (m, t) => exact(nextWeekday(t, weekdayOf(m[1])!)) },
];

type Label = 'strong' | 'until' | 'cue' | 'none' | 'milestone' | 'negative';
const STRONG = /納期|納品|納入|締切|締め切り|〆切|〆|期限|期日|入稿|必着|完了|履行|仕上|最終|deadline|\bdue\b|deliver|print-ready|turnaround|\bfinal\b/i;
const FINAL = /最終|\bfinal\b/i;
const UNTIL = /まで|迄|以内|中に|内に|\bby\b|\buntil\b|\btill\b|\bbefore\b|no later than|at the latest/i;
const CUE = /お願い|いただけ|頂け|いただき|ください|下さい|希望|欲し|ほし|助かり|幸い|ありがた|嬉し|必要|間に合|\bneed|\bwould like|\bhave (?:it|them)\b|\bget (?:it|them)\b|\bsend\b|\bready\b|\bpossible\b|\bsee\b/i;
const NEGATIVE = /打ち?合わ?せ|ミーティング|MTG|会議|面談|訪問|来社|電話|見積|返信|回答|返事|連絡|原稿|説明会|発売|発表|開院|開業|開店|オープン|開催|挙式|式は|取材|撮影|休業|営業|\bmeeting|\bcall\b|kick-?off|\bquote|quotation|estimate|proposal|\brepl(?:y|ies)\b|\brespon|question|launch|announce|\bopens?\b|opening|\bevent\b|trade show|\bpost\b|\bshoot|interview/i;
/** A milestone of the same job (first draft, proof): offered only when nothing better is written, and flagged. */
const MILESTONE = /初稿|初校|ラフ|校正|draft|first round|\bconcepts?\b|\bproof/i;

/** What the clause around a date says it is (see the file header). */
function labelOf(line: string, start: number, end: number): Label {
  const { before, after } = clauseAround(line, start, end);
  const clause = `${before} ${after}`;
  if (!FINAL.test(before) && (NEGATIVE.test(before) || NEGATIVE.test(after.slice(0, 8)))) return 'negative';
  if (!FINAL.test(before) && (MILESTONE.test(before) || MILESTONE.test(after.slice(0, 8)))) return 'milestone';
  if (STRONG.test(clause)) return 'strong';
  if (UNTIL.test(clause) || /^(?:それ|その日)まで/.test(nextClauseStart(line, end))) return 'until';
  if (CUE.test(clause)) return 'cue';
  // "納期は、来週金曜で": the sentence's topic labels its later clauses.
  const sentence = sentenceBefore(line, start);
  return STRONG.test(sentence) || UNTIL.test(sentence) ? 'cue' : 'none';
}

const LABEL_SCORE: Record<Label, number> = { strong: 4, until: 2, cue: 1, none: 0, milestone: 0.5, negative: -4 };

export type DueDateReading = Reading<string>;

/** The nearest day with the written weekday: the other reading of "Tuesday 1 April". */
function nearestWithWeekday(day: CalendarDay, target: number): CalendarDay {
  const back = (weekday(day) - target + 7) % 7;
  const ahead = (target - weekday(day) + 7) % 7;
  return back < ahead ? addDays(day, -back) : addDays(day, ahead);
}

/** Every date candidate in the thread, scored. */
export function dueDateCandidates(thread: MailThread, today: CalendarDay): Array<Candidate<string>> {
  const out: Array<Candidate<string>> = [];
  let position = 0;
  for (const { line, block, where } of placedLines(thread)) {
    const text = line.text;
    if (!text) continue;
    position++;
    const taken: Array<[number, number]> = [];
    for (const rule of RULES) {
      if (rule.relative && !block.day) continue;
      rule.re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = rule.re.exec(text))) {
        const start = m.index;
        const end = start + m[0].length;
        if (m[0].length === 0) {
          rule.re.lastIndex++;
          continue;
        }
        if (taken.some(([s, e]) => start < e && end > s)) continue;
        const found = rule.resolve(m, block.day ?? today);
        if (!found) continue;
        taken.push([start, end]);
        const label = labelOf(text, start, end);
        if (rule.keywordOnly?.(m[0]) && label !== 'strong' && label !== 'until' && label !== 'milestone') continue;
        const flags: Flag[] = [];
        const past = compareDays(found.day, today) < 0;
        if (past) flags.push('past');
        if (found.approximate) flags.push('approximate');
        if (where === 'quoted') flags.push('quoted');
        if (label === 'negative') flags.push('otherPurpose');
        if (label === 'milestone') flags.push('milestone');
        if (label === 'none') flags.push('noLabel');
        const wrongWeekday = found.writtenWeekday !== undefined && found.writtenWeekday !== weekday(found.day);
        if (wrongWeekday) flags.push('weekday');
        const score = LABEL_SCORE[label] + (FINAL.test(text) && label !== 'negative' ? 2 : 0) + (WHERE_PENALTY[where] ?? 0) - (found.approximate ? 0.5 : 0) + position * 1e-4;
        const source = sourceOf(where, line.raw.slice(start, end), line.raw);
        const offerable = !past && label !== 'none' && label !== 'negative';
        out.push({ value: toIsoDate(found.day), key: toIsoDate(found.day), score, offerable, flags, source });
        if (wrongWeekday) {
          const other = nearestWithWeekday(found.day, found.writtenWeekday!);
          const otherPast = compareDays(other, today) < 0;
          out.push({ value: toIsoDate(other), key: toIsoDate(other), score: score - 0.5, offerable: false, flags: otherPast ? ['weekday', 'past'] : ['weekday'], source });
        }
      }
    }
  }
  return out;
}

export function readDueDate(thread: MailThread, today: CalendarDay): DueDateReading {
  return choose(dueDateCandidates(thread, today));
}
