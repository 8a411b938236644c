/**
 * The amount a request states, read the way the office manager reads it.
 *
 * Numbers as Japanese and English business mail writes them: `30万円`, `2億8千万円`, `1億2000万円`,
 * `16万5千円`, `8.5万円`, `¥1,200,000-`, `\300,000` (a yen sign turned into a backslash by an old
 * mail program), `JPY 350,000`, `500k yen`, `1.5 million yen`, `$2,000`, `US$4,200`, `$12k`,
 * `USD 18,000`, `7,800 dollars`, `€600`, `£1,800`, `AUD 3,800`; ranges (`20〜30万円`, `40万〜60万円`,
 * `USD 4,000–5,000`, `USD 8,000 to 9,500`: the upper bound, flagged, the lower one as runner-up);
 * 税込/税別/excl. tax noted.
 *
 * Each is scored by its clause: 予算/金額/費用/報酬/fee/budget/pay/offer say it is the fee; 合計/total
 * beats the items it sums; でお願い/程度/以内/around or a `項目：` colon make it likely; 送料, 印刷費,
 * a price being corrected (`9,800円 → 8,800円`), a unit price (`per piece`) make it not the fee.
 * An amount with no such word is shown, never offered. The office's own quote in the thread counts
 * a little more; quoted history counts less than the new text. Among equals the first one wins.
 */
import { choose, sourceOf, WHERE_PENALTY, type Candidate, type Flag, type Reading } from './evidence.js';
import { clauseAround, sentenceBefore } from './text.js';
import { placedLines, type MailThread } from './thread.js';

export type Currency = 'JPY' | 'USD' | 'EUR' | 'GBP' | 'AUD';
export type Money = { value: number; currency: Currency };
export type AmountReading = Reading<Money>;

const NUM = '(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)';
const JA_UNITS: Record<string, number> = { 億: 1e8, 千万: 1e7, 百万: 1e6, 万: 1e4, 千: 1e3 };
const EN_UNITS: Record<string, number> = { k: 1e3, m: 1e6, million: 1e6 };

function num(text: string): number {
  return Number(text.replace(/,/g, ''));
}

/** `2億8千万`, `16万5千`, `1,200,000`, `8.5万` → a number. */
function kanjiAmount(text: string): number {
  let total = 0;
  let rest = 0;
  const re = /(\d[\d,]*(?:\.\d+)?)\s*(億|千万|百万|万|千)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[2]) total += num(m[1]!) * JA_UNITS[m[2]]!;
    else rest += num(m[1]!);
  }
  return total + rest;
}

function scaled(n: string, unit: string | undefined): number {
  return num(n) * (unit ? (EN_UNITS[unit.toLowerCase()] ?? JA_UNITS[unit] ?? 1) : 1);
}

type Rule = { re: RegExp; currency: Currency; value: (m: RegExpExecArray) => number };
const JA_NUMBER = '((?:\\d[\\d,]*(?:\\.\\d+)?\\s*(?:億|千万|百万|万|千)\\s*)+(?:\\d[\\d,]*)?|\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?)';
const EN_UNIT = '(k|m|million)?';

/** A currency written before the number (symbols, code) or after it (code, words). */
function currencyRule(currency: Currency, before: string, after: string): Rule {
  return {
    re: new RegExp(`(?:${before})\\s*${NUM}\\s*${EN_UNIT}\\b|${NUM}\\s*${EN_UNIT}\\s*(?:${after})`, 'gi'),
    currency,
    value: (m) => (m[1] ? scaled(m[1], m[2]) : scaled(m[3]!, m[4])),
  };
}

const RULES: Rule[] = [
  currencyRule('USD', 'US\\$|\\bUSD', 'USD\\b|dollars?\\b|米?ドル'),
  currencyRule('AUD', 'A\\$|\\bAUD', 'AUD\\b'),
  { re: new RegExp(`[¥\\\\]\\s*${JA_NUMBER}\\s*円?-?`, 'g'), currency: 'JPY', value: (m) => kanjiAmount(m[1]!) },
  { re: new RegExp(`${JA_NUMBER}\\s*円`, 'g'), currency: 'JPY', value: (m) => kanjiAmount(m[1]!) },
  currencyRule('JPY', '\\bJPY', 'JPY\\b|yen\\b'),
  currencyRule('USD', '\\$', '(?!)'),
  { re: new RegExp(`${NUM}\\s*(千|万)\\s*米?ドル`, 'g'), currency: 'USD', value: (m) => kanjiAmount(m[1]! + m[2]!) },
  currencyRule('EUR', '€|\\bEUR', 'EUR\\b|euros?\\b|ユーロ'),
  currencyRule('GBP', '£|\\bGBP', 'GBP\\b|pounds?\\b'),
];


type Label = 'strong' | 'cue' | 'none' | 'negative';
const STRONG = /予算|金額|費用|デザイン費|制作費|報酬|謝礼|上限|合計|総額|支払|見積|ギャラ|修正費|追加費用|料金|代金|\bfee|budget|\bpa(?:y|id)\b|payment|\btotal|\bcost|\boffer|\bspend|set aside|budgeted|\brate\b|compensation|\bquote/i;
const TOTAL = /合計|総額|全部で|全\d+(?:件|点|枚|種|品)で|\btotal\b|altogether/i;
const CUE = /でお願い|でいかが|で考え|を想定|を予定|を確保|程度|以内|前後|ほど|くらい|ぐらい|\baround\b|\babout\b|approximately|roughly|\bfor (?:this|it|the|both|design)\b|\bwe have\b/i;
const NEGATIVE = /送料|印刷費|交通費|実費|定価|価格|売価|販売|大人|子供|小人|誤植|表記|→|単価|あたり|当たり|税額|消費税(?!別|込|抜)|手数料|\bper (?:piece|item|page|unit|hour|person|illustration)|\beach\b|\/\s*(?:枚|個|点)|retail/i;
const TAX_INCLUDED = /税込|消費税込|内税|tax incl|incl(?:\.|uding)? tax|tax included/i;
const TAX_EXCLUDED = /税別|税抜|外税|\+\s*税|excl(?:\.|uding)? tax|plus tax|before tax|tax excluded/i;
const RANGE_BETWEEN = /^\s*(?:~|〜|～|-|–|—|to)\s*$/i;
/** A bare upper bound after a currency amount: "USD 4,000–5,000", "USD 8,000 to 9,500". */
const RANGE_UPPER = new RegExp(`^\\s*(?:~|〜|～|-|–|—|to)\\s*${NUM}\\s*(k|万|千)?(?![\\d]|[,.]\\d)`, 'i');
/** A bare lower bound before a yen amount: "20〜30万円". */
const RANGE_LOWER = /(\d[\d,]*(?:\.\d+)?)\s*(万|千|億)?\s*(?:~|〜|～|-|–|—)\s*$/;

function labelOf(line: string, start: number, end: number): Label {
  const { before, after } = clauseAround(line, start, end);
  if (NEGATIVE.test(before) || NEGATIVE.test(after.slice(0, 10))) return 'negative';
  if (STRONG.test(`${before} ${after}`)) return 'strong';
  if (CUE.test(`${before} ${after}`) || /[:：]\s*$/.test(before)) return 'cue';
  // "予算は1件あたり3万円、全5件で15万円です": the sentence's topic labels its later clauses.
  return STRONG.test(sentenceBefore(line, start)) || TOTAL.test(`${before} ${after}`) ? 'cue' : 'none';
}

const LABEL_SCORE: Record<Label, number> = { strong: 4, cue: 1, none: 0, negative: -4 };

type Match = { start: number; end: number; money: Money; lower?: number };

function matchesIn(line: string): Match[] {
  const found: Match[] = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(line))) {
      const start = m.index;
      const end = start + m[0].length;
      if (found.some((f) => start < f.end && end > f.start)) continue;
      const value = rule.value(m);
      if (!Number.isFinite(value) || value <= 0) continue;
      found.push({ start, end, money: { value: rule.currency === 'JPY' ? Math.round(value) : Math.round(value * 100) / 100, currency: rule.currency } });
    }
  }
  found.sort((a, b) => a.start - b.start);
  // Ranges: two amounts joined by 〜/-/to, a bare upper bound after one, a bare lower bound before one.
  const merged: Match[] = [];
  for (const f of found) {
    const prev = merged[merged.length - 1];
    if (prev && prev.money.currency === f.money.currency && RANGE_BETWEEN.test(line.slice(prev.end, f.start))) {
      merged[merged.length - 1] = { start: prev.start, end: f.end, money: f.money, lower: prev.money.value };
      continue;
    }
    const upper = RANGE_UPPER.exec(line.slice(f.end));
    if (upper) {
      const unit = upper[2] ? JA_UNITS[upper[2]] ?? EN_UNITS[upper[2].toLowerCase()] ?? 1 : 1;
      const value = num(upper[1]!) * unit;
      if (value > f.money.value) {
        merged.push({ start: f.start, end: f.end + upper[0].length, money: { ...f.money, value }, lower: f.money.value });
        continue;
      }
    }
    const lower = f.money.currency === 'JPY' ? RANGE_LOWER.exec(line.slice(0, f.start)) : null;
    if (lower) {
      const unit = lower[2] ? JA_UNITS[lower[2]]! : /万|千|億/.exec(line.slice(f.start, f.end))?.[0];
      const multiplier = typeof unit === 'number' ? unit : unit ? JA_UNITS[unit]! : 1;
      const value = num(lower[1]!) * multiplier;
      if (value < f.money.value) {
        merged.push({ start: f.start - lower[0].length, end: f.end, money: f.money, lower: value });
        continue;
      }
    }
    merged.push(f);
  }
  return merged;
}

export function amountCandidates(thread: MailThread, isOffice: (email: string | undefined) => boolean): Array<Candidate<Money>> {
  const out: Array<Candidate<Money>> = [];
  for (const { line, block, where } of placedLines(thread)) {
    const text = line.text;
    if (!text || !/\d/.test(text)) continue;
    for (const m of matchesIn(text)) {
      const label = labelOf(text, m.start, m.end);
      const { before, after } = clauseAround(text, m.start, m.end);
      const around = `${before}${text.slice(m.start, m.end)}${after}`;
      const flags: Flag[] = [];
      if (m.lower !== undefined) flags.push('range');
      if (where === 'quoted') flags.push('quoted');
      if (label === 'negative') flags.push('otherPurpose');
      if (label === 'none') flags.push('noLabel');
      if (TAX_INCLUDED.test(around)) flags.push('taxIncluded');
      else if (TAX_EXCLUDED.test(around)) flags.push('taxExcluded');
      const score =
        LABEL_SCORE[label] +
        (label !== 'negative' && TOTAL.test(around) ? 1 : 0) +
        // The office's own price (its quote, in the thread) is what gets billed.
        (label !== 'negative' && where !== 'subject' && isOffice(block.author?.email) ? 3 : 0) +
        (WHERE_PENALTY[where] ?? 0) -
        Math.max(0, block.index - 1);
      const source = sourceOf(where, line.raw.slice(m.start, m.end), line.raw);
      const offerable = label === 'strong' || label === 'cue';
      out.push({ value: m.money, key: `${m.money.currency} ${m.money.value}`, score, offerable, flags, source });
      if (m.lower !== undefined) {
        const lower = { ...m.money, value: m.lower };
        out.push({ value: lower, key: `${lower.currency} ${lower.value}`, score: score - 1, offerable: false, flags: ['range', ...flags.filter((f) => f !== 'range')], source });
      }
    }
  }
  return out;
}

export function readAmount(thread: MailThread, isOffice: (email: string | undefined) => boolean): AmountReading {
  return choose(amountCandidates(thread, isOffice));
}
