/**
 * Finds the amount a request states: `30万円`, `3.5万円`, `1億2000万円`, `¥300,000`,
 * `300,000円`, `JPY 300000`, `$2,000`, `USD 2,000`, `2k USD`, `2,000ドル`. A line that talks about money
 * (予算, 金額, 見積, budget, fee …) wins over any other; among equals the first wins.
 * Yen amounts are whole yen; other currencies are reported as found, for the user to convert.
 */
import { ownLines, toHalfWidth } from './text.js';

export type AmountMatch = { value: number; currency: 'JPY' | 'USD'; matched: string };

const MONEY_KEYWORD = /予算|金額|見積|費用|報酬|価格|料金|代金|税込|税別|税抜|budget|amount|fee|price|cost|quote|rate/i;

const UNIT: Record<string, number> = { 千: 1_000, 万: 10_000, 億: 100_000_000, k: 1_000, K: 1_000 };

function num(text: string): number {
  return Number(text.replace(/,/g, ''));
}

type Rule = { re: RegExp; currency: 'JPY' | 'USD'; value: (m: RegExpExecArray) => number };

const NUMBER = '(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d+))?';

const RULES: Rule[] = [
  // 1億2000万円
  { re: /(\d+)\s*億\s*(\d+)\s*万\s*円/g, currency: 'JPY', value: (m) => num(m[1]!) * 1e8 + num(m[2]!) * 1e4 },
  { re: new RegExp(`[¥]\\s*${NUMBER}\\s*(千|万|億)?`, 'g'), currency: 'JPY', value: (m) => decimal(m) * (UNIT[m[3] ?? ''] ?? 1) },
  { re: new RegExp(`${NUMBER}\\s*(千|万|億)?\\s*円`, 'g'), currency: 'JPY', value: (m) => decimal(m) * (UNIT[m[3] ?? ''] ?? 1) },
  { re: new RegExp(`\\bJPY\\s*${NUMBER}|${NUMBER}\\s*(?:JPY|yen)\\b`, 'gi'), currency: 'JPY', value: (m) => (m[1] ? decimal(m) : decimal(m, 3)) },
  { re: new RegExp(`(?:US)?\\$\\s*${NUMBER}\\s*(k|K)?`, 'g'), currency: 'USD', value: (m) => decimal(m) * (UNIT[m[3] ?? ''] ?? 1) },
  { re: new RegExp(`${NUMBER}\\s*(千|万)?\\s*(?:米)?ドル`, 'g'), currency: 'USD', value: (m) => decimal(m) * (UNIT[m[3] ?? ''] ?? 1) },
  {
    re: new RegExp(`\\bUSD\\s*${NUMBER}\\s*(k|K)?|${NUMBER}\\s*(k|K)?\\s*(?:USD|dollars)\\b`, 'g'),
    currency: 'USD',
    value: (m) => (m[1] ? decimal(m) * (UNIT[m[3] ?? ''] ?? 1) : decimal(m, 4) * (UNIT[m[6] ?? ''] ?? 1)),
  },
];

function decimal(m: RegExpExecArray, at = 1): number {
  const whole = m[at];
  const frac = m[at + 1];
  return num(`${whole ?? '0'}${frac ? `.${frac}` : ''}`);
}

export function parseAmount(text: string): AmountMatch | undefined {
  let best: { score: number; match: AmountMatch } | undefined;
  for (const raw of ownLines(toHalfWidth(text))) {
    const line = raw.trim();
    if (!line) continue;
    const score = MONEY_KEYWORD.test(line) ? 1 : 0;
    const taken: Array<[number, number]> = [];
    const found: Array<{ index: number; match: AmountMatch }> = [];
    for (const rule of RULES) {
      rule.re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = rule.re.exec(line))) {
        const start = m.index;
        const end = start + m[0].length;
        if (taken.some(([s, e]) => start < e && end > s)) continue;
        const value = rule.value(m);
        if (!Number.isFinite(value) || value <= 0) continue;
        taken.push([start, end]);
        const rounded = rule.currency === 'JPY' ? Math.round(value) : Math.round(value * 100) / 100;
        found.push({ index: start, match: { value: rounded, currency: rule.currency, matched: m[0].trim() } });
      }
    }
    found.sort((a, b) => a.index - b.index);
    const first = found[0];
    if (first && (!best || score > best.score)) best = { score, match: first.match };
  }
  return best?.match;
}
