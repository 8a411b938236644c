/**
 * The one error type the add-on shows to people: a localized message (never a stack trace).
 * Anything else thrown inside a handler is caught by the guard and reported as "unexpected",
 * with the details only in the Apps Script log.
 */
import type { Locale } from '../shared/locale.js';
import { t, type TextKey } from './i18n.js';

export class UserFacingError extends Error {
  constructor(
    readonly key: TextKey,
    readonly vars: Record<string, string | number> = {},
    /** HTTP status from the service, when the error came from it. */
    readonly status?: number,
  ) {
    super(key);
    this.name = 'UserFacingError';
  }

  text(locale: Locale): string {
    return t(locale, this.key, this.vars);
  }
}

/** The message a person sees for any thrown value. */
export function userMessage(err: unknown, locale: Locale): string {
  if (err instanceof UserFacingError) return err.text(locale);
  const message = err instanceof Error ? err.message : String(err);
  return t(locale, 'errUnexpected', { message: message.split('\n')[0]!.slice(0, 200) });
}
