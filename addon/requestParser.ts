/**
 * Turns an e-mail (as read in Apps Script) into the request the Gmail card shows and the user
 * corrects: client, title, due date, amount, attachments. Pure: "today" (the message date in the
 * user's time zone) is given by the caller, so the parser is tested in Node with fixed days.
 */
import { parseAmount, type AmountMatch } from './parse/amount.js';
import type { CalendarDay } from './parse/calendarDay.js';
import { parseClient, type ParsedClient } from './parse/client.js';
import { parseDueDate } from './parse/dueDate.js';

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
  client: ParsedClient;
  title: string;
  /** ISO date, when the mail names one. */
  due?: string;
  dueText?: string;
  amount?: AmountMatch;
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

export function parseRequest(message: MailMessage, today: CalendarDay): ParsedRequest {
  const text = `${message.subject}\n${message.plainBody}`;
  const request: ParsedRequest = {
    client: parseClient(message.from, message.plainBody),
    title: titleFromSubject(message.subject),
    attachments: message.attachments,
  };
  const due = parseDueDate(text, today);
  if (due) {
    request.due = due.date;
    request.dueText = due.matched;
  }
  const amount = parseAmount(text);
  if (amount) request.amount = amount;
  return request;
}
