/**
 * Create project sends the open mail's attachments to the service first (POST /v1/uploads, one
 * raw request each, serviceClient.uploadAttachment), so project.create files them without ever
 * reading the user's mailbox. GmailApp hands them over as GmailAttachment blobs under the
 * add-on's current-message scope, after readOpenedMessage set the message's access token.
 *
 * Within the action's 30 s deadline: no upload starts after UPLOAD_START_MS, nor one that would end
 * past UPLOAD_BUDGET_MS at the rate measured so far (once over a megabyte has gone: small files
 * measure latency, not bandwidth), and an attachment over the service's limit is not sent; those go
 * into the job without an upload id, and the job files them through Gmail delegation when the
 * operator turned it on, else reports them as not filed.
 */
import type { RequestAttachment } from '../../shared/kinds/projectCreate.js';
import { uploadAttachment } from '../serviceClient.js';

/** The service's limit (service/workspace/attachmentUploads.ts MAX_UPLOAD_BYTES). */
const MAX_UPLOAD_BYTES = 30 * 1024 * 1024;
/** Leaves ~10 s of the 30 s action deadline for reading the mail, enqueueing and answering. */
export const UPLOAD_BUDGET_MS = 20_000;
export const UPLOAD_START_MS = 15_000;

export function uploadAttachments(messageId: string): RequestAttachment[] {
  const message = GmailApp.getMessageById(messageId);
  const started = Date.now();
  let sent = 0;
  return (message?.getAttachments({ includeInlineImages: false }) ?? []).slice(0, 50).map((a, index) => {
    const item: RequestAttachment = { name: a.getName(), mimeType: a.getContentType(), size: a.getSize() };
    const elapsed = Date.now() - started;
    const expected = sent > 1 << 20 ? (item.size * elapsed) / sent : 0;
    if (item.size > MAX_UPLOAD_BYTES || elapsed > UPLOAD_START_MS || elapsed + expected > UPLOAD_BUDGET_MS) return item;
    const uploadId = uploadAttachment(messageId, index, a);
    if (uploadId) {
      item.uploadId = uploadId;
      sent += item.size;
    }
    return item;
  });
}
