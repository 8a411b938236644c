/** Resource ids in the forms Google uses for each API (opaque, but the right alphabet and length). */
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** Drive file ids: 33 characters of [A-Za-z0-9_-], starting with 1. */
export const driveFileId = () => '1' + randomFrom(ALNUM + '_-', 32);
/** Chat message ids: `AbCdEfGhIjK.AbCdEfGhIjK`. */
export const chatMessageId = () => `${randomFrom(ALNUM, 11)}.${randomFrom(ALNUM, 11)}`;
export const chatThreadId = () => randomFrom(ALNUM, 11);
/** Gmail message/thread ids: 16 hex digits. */
export const gmailId = () => randomFrom('0123456789abcdef', 16);
/** Calendar event ids Google generates: base32hex, 26 characters. */
export const calendarEventId = () => randomFrom('abcdefghijklmnopqrstuv0123456789', 26);

/** Chat `users/{id}` for an e-mail: Google's ids are opaque digit strings; derive a stable one. */
export function chatUserName(email: string): string {
  let h = 0n;
  for (const c of email.toLowerCase()) h = (h * 131n + BigInt(c.codePointAt(0)!)) % 10n ** 21n;
  return `users/${h.toString().padStart(21, '1')}`;
}
