/**
 * The people a newcomer can act as in the console. The service trusts only ID tokens, so the
 * console mints one for the chosen person with the local issuer, exactly as Apps Script's
 * ScriptApp.getIdentityToken() would for that user. Both are on the default allowed domain.
 */
import type { Locale } from '../../shared/locale.js';

export type ConsoleUser = { email: string; name: string; locale: Locale };

export const CONSOLE_USERS: readonly ConsoleUser[] = [
  { email: 'sato@example.co.jp', name: '佐藤 美咲', locale: 'ja' },
  { email: 'emma@example.co.jp', name: 'Emma Clarke', locale: 'en' },
];

/** The user named by `email`, or a clear error naming the allowed ones. */
export function consoleUser(email: unknown): ConsoleUser {
  const user = CONSOLE_USERS.find((u) => u.email === email);
  if (!user) {
    throw new ConsoleInputError(`user must be one of ${CONSOLE_USERS.map((u) => u.email).join(', ')}; got ${JSON.stringify(email ?? null)}`);
  }
  return user;
}

/** Bad input from the page: answered as 400 { error: { code: 'invalid_request', message } }. */
export class ConsoleInputError extends Error {
  override readonly name = 'ConsoleInputError';
}
