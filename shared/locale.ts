/**
 * The two languages tasuki speaks. Every user-facing string is chosen from the user's locale
 * (`commonEventObject.userLocale` in the add-on, recorded on the job for the worker's replies).
 */
import * as z from './zod.js';

export const Locale = z.enum(['ja', 'en']);
export type Locale = z.infer<typeof Locale>;

/** Text in both languages; pick one with `localize`. */
export type Localized = { ja: string; en: string };

/** Maps a BCP-47 tag such as `ja`, `ja-JP`, `en_GB` to a supported locale; anything else is English. */
export function localeFrom(tag: string | undefined | null): Locale {
  return typeof tag === 'string' && /^ja(\b|[-_])/i.test(tag) ? 'ja' : 'en';
}

export function localize(text: Localized, locale: Locale): string {
  return text[locale];
}
