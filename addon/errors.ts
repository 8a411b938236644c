/**
 * The one error type the add-on shows to people: a localized message (never a stack trace).
 * Anything else thrown inside a handler is caught by the guard and reported as "unexpected",
 * with the details only in the Apps Script log.
 */
import type { Locale } from '../shared/locale.js';
import type { MessageParams } from '../shared/text/format.js';
import { ADDON_TEXTS, FIELD_TEXTS, phrase } from '../shared/messages.js';
import { t, type TextKey } from './i18n.js';

export type FieldIssue = { path: string; message?: string };

/**
 * "案件番号は P-2026-014 の形で入力してください、件名の値が正しくありません" from the service's
 * (or the local schema's) issue paths; '' when no path has a name in the catalogue (the caller
 * then asks to check the input as a whole). The English issue messages are for the log.
 */
export function describeFieldIssues(issues: FieldIssue[], locale: Locale): string {
  const parts: string[] = [];
  for (const issue of issues) {
    const field = FIELD_TEXTS[issue.path];
    if (!field) continue;
    const text = field.example
      ? phrase(locale, ADDON_TEXTS.errFieldExample, { field: field.label[locale], example: field.example })
      : phrase(locale, ADDON_TEXTS.errFieldProblem, { field: field.label[locale] });
    if (!parts.includes(text)) parts.push(text);
  }
  return parts.join(locale === 'ja' ? '、' : '; ');
}

export class UserFacingError extends Error {
  constructor(
    readonly key: TextKey,
    readonly vars: MessageParams = {},
    /** HTTP status from the service, when the error came from it. */
    readonly status?: number,
    /** Field issues of a 400 (or of the local check), named in the user's language by `text`. */
    readonly issues?: FieldIssue[],
  ) {
    super(key);
    this.name = 'UserFacingError';
  }

  text(locale: Locale): string {
    if (this.issues) {
      const details = describeFieldIssues(this.issues, locale);
      return details ? t(locale, this.key, { ...this.vars, details }) : t(locale, 'errInvalidGeneric');
    }
    return t(locale, this.key, this.vars);
  }
}

/**
 * The message a person sees for any thrown value. Anything but a UserFacingError is a bug or a
 * platform failure whose text (a JavaScript error, an Apps Script exception) means nothing to
 * staff and may leak internals: they get the catalogue's "unexpected" text; the guard logs the rest.
 */
export function userMessage(err: unknown, locale: Locale): string {
  if (err instanceof UserFacingError) return err.text(locale);
  return t(locale, 'errUnexpected');
}
