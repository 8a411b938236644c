/**
 * A Gmail draft with one attachment (an estimate or invoice PDF), saved in a user's mailbox
 * through domain-wide delegation, optionally as a reply in the thread of the request e-mail.
 *
 * Drafts cannot be tagged like Drive files, so the subject carries a key (the document number)
 * and an existing draft with that key in its subject is found before a new one is made: a job
 * redelivered after the draft was saved does not save a second one.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import { randomBytes } from 'node:crypto';
import { forMailHeader } from '../../shared/userText.js';
import { callGoogle } from './googleCall.js';

function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

function wrap76(b64: string): string {
  return b64.replace(/.{76}/g, '$&\r\n');
}

/** RFC 822 multipart/mixed: a UTF-8 text body and one base64 attachment. */
export function buildMimeMessage(opts: {
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  attachment: { filename: string; mimeType: string; data: Buffer };
}): string {
  const boundary = `tasuki-${randomBytes(12).toString('hex')}`;
  // The recipient and Message-ID can come from a received e-mail: one line each (forMailHeader).
  // The subject is encoded whenever it is not plain printable ASCII, line breaks included.
  const inReplyTo = opts.inReplyTo ? forMailHeader(opts.inReplyTo) : undefined;
  const headers = [
    `To: ${forMailHeader(opts.to)}`,
    `Subject: ${encodeWord(opts.subject)}`,
    'MIME-Version: 1.0',
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`] : []),
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const name = encodeWord(opts.attachment.filename);
  return [
    ...headers,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: base64',
    '',
    wrap76(Buffer.from(opts.text, 'utf8').toString('base64')),
    `--${boundary}`,
    `Content-Type: ${opts.attachment.mimeType}; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    wrap76(opts.attachment.data.toString('base64')),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** Thread id, Message-ID and sender of a message, for replying to it. */
export async function replyContext(gmail: gmail_v1.Gmail, messageId: string): Promise<{ threadId: string; messageIdHeader?: string; from?: string }> {
  const res = await callGoogle(
    'gmail.users.messages.get',
    () => gmail.users.messages.get({ userId: 'me', id: messageId, format: 'metadata', metadataHeaders: ['Message-ID', 'From'] }),
    { notFound: { ja: `返信元のメール ${messageId} が見つかりません。`, en: `The e-mail ${messageId} to reply to was not found.` } },
  );
  const header = (name: string) => res.data.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;
  return { threadId: res.data.threadId!, messageIdHeader: header('Message-ID'), from: header('From') };
}

/** Saves the draft unless a draft whose subject contains `key` exists; returns the draft's message id. */
export async function ensureDraft(
  gmail: gmail_v1.Gmail,
  opts: { key: string; raw: string; threadId?: string },
): Promise<{ messageId: string; created: boolean }> {
  const found = await callGoogle('gmail.users.messages.list (drafts)', () =>
    gmail.users.messages.list({ userId: 'me', labelIds: ['DRAFT'], q: `subject:${opts.key}`, maxResults: 5 }),
  );
  const existing = found.data.messages?.[0]?.id;
  if (existing) return { messageId: existing, created: false };
  const res = await callGoogle('gmail.users.drafts.create', () =>
    gmail.users.drafts.create({
      userId: 'me',
      requestBody: { message: { raw: Buffer.from(opts.raw, 'utf8').toString('base64url'), ...(opts.threadId ? { threadId: opts.threadId } : {}) } },
    }),
  );
  return { messageId: res.data.message?.id ?? res.data.id ?? '', created: true };
}
