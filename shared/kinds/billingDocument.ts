/** `billing.document`: a numbered estimate or invoice (Docs template → PDF in the project folder). */
import * as z from 'zod';
import { IsoDate, Link, ProjectNumber, Yen } from './common.js';

export const BillingItem = z
  .object({
    description: z.string().trim().min(1).max(500),
    quantity: z.number().positive().max(1_000_000),
    unitPrice: Yen,
  })
  .strict();

export const BillingDocumentInput = z
  .object({
    type: z.enum(['estimate', 'invoice']),
    projectNumber: ProjectNumber,
    /** Line items; when absent, one line from the ledger row's title and amount. */
    items: z.array(BillingItem).min(1).max(100).optional(),
    issueDate: IsoDate.optional(),
    dueDate: IsoDate.optional(),
    /**
     * Also save a Gmail draft with the PDF attached in the requester's mailbox (needs Gmail access
     * through delegation): a reply in the request e-mail's thread when replyToGmailMessageId is
     * given, addressed to `to`, else the ledger's client e-mail, else the replied message's sender.
     */
    emailDraft: z
      .object({
        replyToGmailMessageId: z.string().min(1).optional(),
        to: z.string().email().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type BillingDocumentInput = z.infer<typeof BillingDocumentInput>;

export const BillingDocumentResult = z.object({
  documentNumber: z.string().regex(/^[EI]-\d{4}-\d{3,}$/),
  docId: z.string(),
  pdfFileId: z.string(),
  pdfUrl: z.string(),
  subtotal: Yen,
  tax: Yen,
  total: Yen,
  links: z.array(Link),
  /** Gmail message id of the saved draft, when emailDraft was asked for. */
  draftMessageId: z.string().optional(),
});
export type BillingDocumentResult = z.infer<typeof BillingDocumentResult>;
