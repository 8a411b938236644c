/**
 * Turns an e-mail (as read in Apps Script) into the request the Gmail card shows and the user
 * corrects: client, title, due date, amount — each with where it was read and whether the parser
 * is sure (addon/parse/evidence.ts) — and the attachments. Pure: "today" (the message date in the
 * user's time zone) and the office's own domains are given by the caller, so the parser is tested
 * in Node with fixed days (test/addon-request-parser.test.ts, and the corpus scored by
 * `npm run parse:score`).
 */
import { readAmount, type AmountReading } from './parse/amount.js';
import type { CalendarDay } from './parse/calendarDay.js';
import { readClient, type ClientReading } from './parse/client.js';
import { readDueDate, type DueDateReading } from './parse/dueDate.js';
import { isOfficeAddress, parseAddress, readThread } from './parse/thread.js';

export type MailAttachment = { name: string; mimeType: string; size: number };

export type MailMessage = {
  id: string;
  subject: string;
  from: string;
  /** The To and Cc headers: the client of a mail the office sent is among them. */
  to?: string;
  cc?: string;
  /** ISO time the message was sent. */
  date: string;
  plainBody: string;
  attachments: MailAttachment[];
};

export type ParsedRequest = {
  client: ClientReading;
  title: string;
  due: DueDateReading;
  amount: AmountReading;
  attachments: MailAttachment[];
};

/** Subject without reply/forward prefixes and leading bracket tags like 【ご依頼】 or [Request]. */
export function titleFromSubject(subject: string): string {
  let title = subject.trim();
  for (let i = 0; i < 10; i++) {
    const next = title
      .replace(/^(re|fw|fwd|aw|tr|転送|返信)\s*[:：]\s*/i, '')
      .replace(/^[【\[［(（][^】\]］)）]{0,20}[】\]］)）]\s*/, '')
      .replace(/^(ご依頼|依頼|お見積り?依頼|request|inquiry)\s*[:：]\s*/i, '')
      .trim();
    if (next === title) break;
    title = next;
  }
  return title || subject.trim();
}

/**
 * @param officeDomains the office's own mail domains: a mail from one of them was sent by the
 *   office, and its client is the other party.
 */
export function parseRequest(message: MailMessage, today: CalendarDay, officeDomains: string[] = []): ParsedRequest {
  const from = parseAddress(message.from);
  const thread = readThread(message.subject, message.plainBody, today, from);
  return {
    client: readClient(thread, { from, to: message.to, cc: message.cc }, officeDomains),
    title: titleFromSubject(message.subject),
    due: readDueDate(thread, today),
    amount: readAmount(thread, (email) => isOfficeAddress(email, officeDomains)),
    attachments: message.attachments,
  };
}
