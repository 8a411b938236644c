/**
 * The line under each parsed field of the Gmail request card: where the value was read and how
 * sure the parser is ("✓ 本文「納期：12月20日」より"), or why it is unsure and what else the mail
 * said ("要確認（曜日が日付と合いません）…", "次の候補: …"), or why nothing was filled in ("未入力
 * （過去の日付）: 2026年11月10日 — 本文「2026年11月10日」"). The quoted text is the mail's own words.
 */
import type { Locale } from '../../shared/locale.js';
import type { Flag, Reading, Source, Where } from '../parse/evidence.js';
import { t, type TextKey } from '../i18n.js';

/** `whereBody`, `flagPast` …: the catalogue keys are named after the parser's words. */
const key = (prefix: 'where' | 'flag', word: Where | Flag) => `${prefix}${word[0]!.toUpperCase()}${word.slice(1)}` as TextKey;

/** What the card shows for one field: the hint under the input, and a runner-up line when unsure. */
export type FieldEvidence = { hint: string; runnerUp?: string };

function place(locale: Locale, source: Source): { where: string; text: string } {
  return { where: t(locale, key('where', source.where)), text: source.excerpt };
}

function reasons(locale: Locale, flags: Flag[]): string {
  return flags.map((f) => t(locale, key('flag', f))).join(locale === 'ja' ? '、' : ', ');
}

function note(locale: Locale, flags: Flag[]): string {
  const tax = flags.find((f) => f === 'taxIncluded' || f === 'taxExcluded');
  return tax ? ` · ${t(locale, key('flag', tax))}` : '';
}

export function fieldEvidence<T>(locale: Locale, reading: Reading<T>, show: (value: T) => string): FieldEvidence {
  const runner = reading.runnerUp;
  if (reading.value === undefined || !reading.source) {
    if (!runner) return { hint: t(locale, 'evidenceNone') };
    return { hint: t(locale, 'evidenceNotOffered', { reasons: reasons(locale, runner.flags), value: show(runner.value), ...place(locale, runner.source) }) };
  }
  const hint = t(locale, reading.sure ? 'evidenceSure' : 'evidenceUnsure', { reasons: reasons(locale, reading.flags), note: reading.sure ? note(locale, reading.flags) : '', ...place(locale, reading.source) });
  if (reading.sure || !runner) return { hint };
  return { hint, runnerUp: t(locale, 'evidenceRunnerUp', { value: show(runner.value), ...place(locale, runner.source) }) };
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2026-12-20 → 2026年12月20日 / Dec 20, 2026. */
export function formatDay(locale: Locale, iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return locale === 'ja' ? `${y}年${m}月${d}日` : `${EN_MONTHS[m! - 1]} ${d}, ${y}`;
}

/** 450000 JPY → ¥450,000; 2000 USD → USD 2,000. */
export function formatMoney(value: number, currency: string): string {
  const [whole, cents] = String(value).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (cents ? `.${cents}` : '');
  return currency === 'JPY' ? `¥${grouped}` : `${currency} ${grouped}`;
}
