/**
 * What a qualified invoice (適格請求書) must state, checked twice: before anything is issued (the
 * draft has every element: issuer name and registration number, transaction date, items, amounts
 * and tax per rate, recipient) and after (the issued document, read back from where it was
 * issued, states the registration number and exactly our per-rate amounts). Either check fails
 * permanently with a message naming the element in the user's language; estimates are not
 * qualified invoices and only need a recipient.
 */
import {
  BILLING_TEXTS, documentLacks, recipientMissing, transactionDateMissing, type RequiredElement,
} from '../../shared/kinds/billingDocumentTexts.js';
import type { Localized } from '../../shared/locale.js';
import { JobFailure } from '../jobFailure.js';
import type { BillingDraft, PrintedFacts } from './accountingProvider.js';

function missing(code: string, userMessage: Localized, message?: string): JobFailure {
  return new JobFailure({ code, retryable: false, userMessage, ...(message ? { message } : {}) });
}

/** Throws when the draft lacks an element the document must state. */
export function requireDraftElements(draft: BillingDraft): void {
  if (!draft.client.name.trim()) throw missing('recipient_missing', recipientMissing(draft.projectNumber));
  if (draft.type !== 'invoice') return;
  if (!draft.issuer.name.trim()) throw missing('issuer_missing', BILLING_TEXTS.issuerNameMissing, 'TASUKI_ISSUER_NAME is empty');
  if (!draft.issuer.registrationNumber) throw missing('registration_number_missing', BILLING_TEXTS.registrationNumberMissing, 'TASUKI_ISSUER_REGISTRATION_NUMBER is empty: invoices need it (T + 13 digits)');
  if (!draft.transactionDate) throw missing('transaction_date_missing', transactionDateMissing(draft.projectNumber));
}

/**
 * Compares what the issued document states with the draft; returns the first element that
 * differs or is missing, or null when the document states everything.
 */
export function firstMissingElement(draft: BillingDraft, printed: PrintedFacts): RequiredElement | null {
  if (draft.type === 'invoice' && printed.registrationNumber !== draft.issuer.registrationNumber) return 'registrationNumber';
  const want = draft.totals.byRate;
  if (printed.byRate.length !== want.length) return 'ratesAndTotals';
  for (const w of want) {
    const got = printed.byRate.find((p) => p.rate === w.rate);
    if (!got || got.subtotal !== w.subtotal || got.reduced !== w.reduced) return 'ratesAndTotals';
    if (got.tax !== w.tax) return 'taxPerRate';
  }
  if (printed.total !== draft.totals.total) return 'ratesAndTotals';
  return null;
}

/**
 * Throws a permanent failure naming what the issued document lacks: the user reads the element
 * and whom to ask; `detail` (how to fix it: the template, the placeholder) goes to the job record.
 */
export function requirePrinted(draft: BillingDraft, printed: PrintedFacts, fix: Localized, detail: string): void {
  const element = firstMissingElement(draft, printed);
  if (element) throw missing('document_element_missing', documentLacks(element, draft.documentNumber, fix), `${draft.documentNumber} lacks ${element}: ${detail}`);
}
