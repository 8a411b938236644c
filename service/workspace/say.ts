/** Picks the job's language for a short user-facing text (progress labels, card lines). */
import type { Locale } from '../../shared/locale.js';

export function say(ctx: { locale: Locale }, ja: string, en: string): string {
  return ctx.locale === 'ja' ? ja : en;
}
