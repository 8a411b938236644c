/**
 * The add-on's lookup into the catalogue (shared/messages.ts ADDON_TEXTS): `t(locale, key, vars)`.
 * The locale comes from the event (`commonEventObject.userLocale`), never from the server.
 */
import type { Locale } from '../shared/locale.js';
import { ADDON_TEXTS, phrase } from '../shared/messages.js';
import type { MessageParams } from '../shared/text/format.js';

export type TextKey = keyof typeof ADDON_TEXTS;

export function t(locale: Locale, key: TextKey, vars: MessageParams = {}): string {
  return phrase(locale, ADDON_TEXTS[key], vars);
}
