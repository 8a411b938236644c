/**
 * `billing.document`: a numbered estimate or qualified invoice (適格請求書) for a project, issued
 * once per project and type; a second request answers with the document already issued, and only
 * an explicit `reissue` with a reason issues a new number and voids the old one.
 */
import * as z from '../zod.js';
import { IsoDate, Link, ProjectNumber, Yen } from './common.js';

/** An estimate's or invoice's number: E-2026-012, I-2026-010 (the letter says which). */
export const DOCUMENT_NUMBER = /^[EI]-\d{4}-\d{3,}$/;

/** The document type a number belongs to, or undefined for anything else. */
export function documentTypeOf(number: string): 'estimate' | 'invoice' | undefined {
  if (!DOCUMENT_NUMBER.test(number)) return undefined;
  return number.startsWith('E') ? 'estimate' : 'invoice';
}

/** 10 = standard rate; 8 = reduced rate (軽減税率: food and drink, newspapers), printed with ※. */
// A refine, not z.literal: the literal type alone adds ~0.8 KB to the add-on bundle.
export const TaxRatePercent = z.number().check(z.refine((n) => n === 10 || n === 8, 'must be 10 or 8 (percent)')) as unknown as z.ZodMiniType<10 | 8>;

export const BillingItem = z.strictObject({
  description: z.string().check(z.trim(), z.minLength(1), z.maxLength(255)),
  /** At most three decimals, as freee請求書 accepts. */
  quantity: z.number().check(
    z.positive(),
    z.lte(99_999_999),
    z.refine((q) => Math.abs(q * 1000 - Math.round(q * 1000)) < 1e-6, 'at most three decimals'),
  ),
  unitPrice: Yen,
  /** Omitted: TASUKI_TAX_RATE_PERCENT (10 unless configured). */
  taxRate: z.optional(TaxRatePercent),
});
export type BillingItem = z.infer<typeof BillingItem>;

export const BillingDocumentInput = z.strictObject({
  type: z.enum(['estimate', 'invoice']),
  projectNumber: ProjectNumber,
  /** Line items; when absent, one line from the ledger row's title and amount. */
  items: z.optional(z.array(BillingItem).check(z.minLength(1), z.maxLength(100))),
  issueDate: z.optional(IsoDate),
  dueDate: z.optional(IsoDate),
  /**
   * 取引年月日 printed on an invoice; default the ledger row's delivery date (納品日). An invoice
   * with neither fails and says which to fill in.
   */
  transactionDate: z.optional(IsoDate),
  /**
   * Issue a new number for a project that already has a document of this type: the old number
   * is kept and marked void (取消) in the ledger, the Documents sheet and the old document.
   */
  reissue: z.optional(
    z.strictObject({
      reason: z.string().check(z.trim(), z.minLength(1, 'a reason is required to reissue'), z.maxLength(200)),
      /**
       * The number the requester saw and means to replace (a card's Reissue button sends it):
       * when the project's current document is already another one (someone reissued first),
       * nothing is voided and that document is shown.
       */
      replaces: z.optional(z.string().check(z.regex(DOCUMENT_NUMBER, 'must be a document number like I-2026-010'))),
    }),
  ),
  /**
   * Also save a Gmail draft with the PDF attached in the requester's mailbox (needs Gmail access
   * through delegation): a reply in the request e-mail's thread when replyToGmailMessageId is
   * given, addressed to `to`, else the ledger's client e-mail, else the replied message's sender.
   */
  emailDraft: z.optional(
    z.strictObject({
      replyToGmailMessageId: z.optional(z.string().check(z.minLength(1))),
      to: z.optional(z.string().check(z.email())),
    }),
  ),
});
export type BillingDocumentInput = z.infer<typeof BillingDocumentInput>;

/** One rate's block of a document's totals. */
export type RateTotalView = { rate: 10 | 8; reduced: boolean; subtotal: number; tax: number };

/**
 * What a billing.document job returns. The worker checks a result with this schema: the fields
 * every reader relies on (number, outcome, the sentence for people, links) are validated and the
 * rest pass through as the TypeScript type below says, so the add-on bundle (which compiles
 * against the schemas, and whose size budget is tight) carries no validator for every field.
 */
const CheckedResult = z.looseObject({
  documentNumber: z.string().check(z.regex(DOCUMENT_NUMBER)),
  /**
   * issued: this job issued it; existing: the project already had it and nothing new was issued
   * (the ledger may hold a number from before tasuki, then only the number is known).
   */
  outcome: z.enum(['issued', 'existing']),
  /** One line for people, in the job's language (what the card and the Chat text say first). */
  summary: z.string(),
  links: z.array(Link),
});
export type BillingDocumentResult = z.infer<typeof CheckedResult> & {
  /** 10%対象 ¥200,000 消費税 ¥20,000 / 8%対象※ … in the job's language. */
  taxSummary?: string;
  provider?: string;
  docId?: string;
  pdfFileId?: string;
  pdfUrl?: string;
  /** The accounting service's own id of the document (freee's invoice/quotation id). */
  accountingId?: string;
  registrationNumber?: string;
  recipient?: string;
  transactionDate?: string;
  byRate?: RateTotalView[];
  subtotal?: number;
  tax?: number;
  total?: number;
  /** The number this one replaced (reissue), now void. */
  voidedNumber?: string;
  /** Gmail message id of the saved draft, when emailDraft was asked for. */
  draftMessageId?: string;
};
export const BillingDocumentResult = CheckedResult as unknown as z.ZodMiniType<BillingDocumentResult>;
