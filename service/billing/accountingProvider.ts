/**
 * Where numbered estimates and invoices are produced. The built-in provider makes a Google Doc
 * from a template and exports it to PDF (googleDocsProvider.ts); an accounting service (freee,
 * Money Forward…) can be added as another implementation without touching billing.document.
 *
 * A provider receives the job's `step` function and must do its side effects inside named steps,
 * each idempotent on its own (the process may die between a remote call and the step record).
 */
import type { Link } from '../../shared/kinds/common.js';
import type { Totals } from './tax.js';

export type StepRunner = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export type BillingDraft = {
  type: 'estimate' | 'invoice';
  /** E-2026-003 / I-2026-002, already allocated. */
  documentNumber: string;
  projectNumber: string;
  client: { name: string; email?: string };
  title: string;
  totals: Totals;
  /** ISO dates. */
  issueDate: string;
  dueDate: string;
  /** Drive folder of the project (where the PDF goes). */
  folderId: string;
  /** Job id, for tagging what the provider creates. */
  jobId: string;
};

export type IssuedDocument = {
  /** The editable document (a Google Doc id for the built-in provider). */
  docId: string;
  docUrl: string;
  pdfFileId: string;
  pdfUrl: string;
  links: Link[];
};

export interface AccountingProvider {
  readonly id: string;
  issue(draft: BillingDraft, step: StepRunner): Promise<IssuedDocument>;
}
