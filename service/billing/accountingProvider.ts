/**
 * AccountingProvider port: where numbered estimates and qualified invoices are produced. Two
 * implementations, chosen by TASUKI_BILLING_PROVIDER (providers.ts):
 * - google-docs (googleDocsProvider.ts): a Google Doc from the office's template, exported to PDF
 *   in the project folder;
 * - freee (freeeProvider.ts): the document created in freee請求書 through its public API, the
 *   partner (取引先) found or created in freee会計, and a PDF copy filed in the project folder.
 *
 * Contract (test/billing-provider-contract.test.ts runs the same suite against both):
 * - `issue` does its side effects inside the named steps it is given, each idempotent on its own:
 *   the process may die between a remote call and the step record, and the next delivery must
 *   find what the first one made (tagged Drive files; freee documents looked up by our number).
 * - The document states exactly `draft.documentNumber`, the totals per rate of `draft.totals`
 *   and, for an invoice, the issuer's registration number; `issue` reads the issued document
 *   back and fails (JobFailure naming the missing element, in both languages) when it does not.
 * - `void` marks an issued document as cancelled where people see it, idempotently.
 */
import type { Link } from '../../shared/kinds/common.js';
import type { RateTotal, Totals } from './tax.js';

export type StepRunner = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export type Issuer = {
  name: string;
  address: string;
  /** T + 13 digits; '' when not configured (then only estimates can be issued). */
  registrationNumber: string;
};

export type BillingDraft = {
  type: 'estimate' | 'invoice';
  /** E-2026-003 / I-2026-002, already allocated. */
  documentNumber: string;
  projectNumber: string;
  /** The recipient (宛名) as on the ledger's client column. */
  client: { name: string; email?: string };
  title: string;
  totals: Totals;
  /** ISO dates. */
  issueDate: string;
  dueDate: string;
  /** 取引年月日; always set for an invoice. */
  transactionDate?: string;
  issuer: Issuer;
  /** Drive folder of the project (where the PDF goes). */
  folderId: string;
  /** Job id, for tagging what the provider creates. */
  jobId: string;
};

/** What the issued document states, read back from where it was issued. */
export type PrintedFacts = {
  registrationNumber?: string;
  byRate: Array<Pick<RateTotal, 'rate' | 'reduced' | 'subtotal' | 'tax'>>;
  total: number;
};

export type IssuedDocument = {
  /** The editable document in Drive (the Doc; for freee, the Doc of the PDF copy). */
  docId: string;
  docUrl: string;
  pdfFileId: string;
  pdfUrl: string;
  /** The accounting service's id of the document (freee's invoice or quotation id). */
  accountingId?: string;
  /** Where the document of record is opened (the PDF, or the accounting service's page). */
  documentUrl: string;
  printed: PrintedFacts;
  links: Link[];
};

export type VoidRequest = {
  type: 'estimate' | 'invoice';
  documentNumber: string;
  reason: string;
  /** The number issued in its place. */
  replacedBy: string;
  /** ISO date of the voiding. */
  date: string;
  docId?: string;
  pdfFileId?: string;
  accountingId?: string;
};

export interface AccountingProvider {
  readonly id: string;
  issue(draft: BillingDraft, step: StepRunner): Promise<IssuedDocument>;
  void(request: VoidRequest, step: StepRunner): Promise<void>;
}
