/**
 * Reads the opened message inside Apps Script with the per-message access token from the event
 * (GmailApp.setCurrentMessageAccessToken + getMessageById). The content goes into the job input;
 * the token itself never leaves Apps Script.
 */
import { UserFacingError } from '../errors.js';
import type { AddonEvent } from '../event.js';
import type { CalendarDay } from '../parse/calendarDay.js';
import type { MailMessage } from '../requestParser.js';

const MAX_BODY = 50_000;

export function readOpenedMessage(e: AddonEvent): MailMessage {
  const messageId = e.gmail?.messageId;
  const token = e.gmail?.accessToken;
  if (!messageId) throw new UserFacingError('errMissingField', { field: 'gmail.messageId' });
  if (!token) throw new UserFacingError('errMissingField', { field: 'gmail.accessToken' });
  let message: GoogleAppsScript.Gmail.GmailMessage | null;
  try {
    GmailApp.setCurrentMessageAccessToken(token);
    message = GmailApp.getMessageById(messageId);
  } catch (err) {
    throw new UserFacingError('errMessageUnreadable', { message: err instanceof Error ? err.message : String(err) });
  }
  if (!message) throw new UserFacingError('errMessageUnreadable', { message: messageId });
  return {
    id: messageId,
    subject: message.getSubject() ?? '',
    from: message.getFrom() ?? '',
    to: message.getTo() ?? '',
    cc: message.getCc() ?? '',
    date: message.getDate().toISOString(),
    plainBody: (message.getPlainBody() ?? '').slice(0, MAX_BODY),
    attachments: message.getAttachments({ includeInlineImages: false }).map((a) => ({
      name: a.getName(),
      mimeType: a.getContentType(),
      size: a.getSize(),
    })),
  };
}

/** The message's day in the user's time zone: what 明日 or "next Friday" count from. */
export function messageDay(message: MailMessage, timeZone: string): CalendarDay {
  const [year, month, day] = Utilities.formatDate(new Date(message.date), timeZone, 'yyyy-MM-dd').split('-').map(Number);
  return { year: year!, month: month!, day: day! };
}
