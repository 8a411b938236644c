/**
 * AccountingProvider for freee: the estimate becomes a 見積書 (quotation) and the invoice a
 * 請求書 in freee請求書, numbered with tasuki's number, for the partner (取引先) of the client.
 *
 * Steps (named by the handler `freee:<step>`), each idempotent for the gap between freee's answer
 * and the step record:
 * - partner  the client's partner in freee会計: searched by name (GET /api/1/partners?keyword)
 *            and matched on the normalised name (株式会社/(株)/㈱, width and spaces ignored);
 *            created (POST /api/1/partners) only when none matches, so a redelivery finds it.
 * - create   the document looked up by OUR number first (GET /invoices?invoice_number=…), and
 *            created (POST /invoices) only when absent; freee's id is the step's output.
 *            The company must number documents by hand (freee請求書 ▸ 設定 ▸ 採番: not 自動採番),
 *            so freee keeps tasuki's number; freee says so in a 400 otherwise.
 * - read     the document read back (GET /invoices/{id}): per-rate amounts and tax, and the
 *            registration number of freee's template, must equal ours (qualifiedInvoice.ts).
 * - copy-doc / copy-fill / copy-pdf  a PDF copy (控え) of the document rendered from the same
 *            Docs template into the project folder, so the folder holds the invoice too (freee's
 *            API offers no PDF download); its first line says it is a copy and that the
 *            original is in freee請求書.
 * Void: the freee document's subject gets a 【取消】 prefix and its memo the reason (PUT), and the
 * Drive copy gets the banner; the 取消 of freee's deal itself is done in freee's screens.
 */
import type { BillingDraft, IssuedDocument, StepRunner, VoidRequest } from '../accountingProvider.js';
import type { AccountingProvider } from '../accountingProvider.js';
import { GoogleDocsPdfProvider } from '../googleDocsProvider.js';
import { COPY_MARKER, copyBanner } from '../../../shared/kinds/billingDocumentTexts.js';
import { requireDraftElements, requirePrinted } from '../qualifiedInvoice.js';
import type { TaxRounding } from '../tax.js';
import type { FreeeApi } from './freeeApi.js';
import type { Fraction, Invoice, InvoiceRequest, Partner, Quotation, QuotationRequest } from './freeeSchemas.js';

const FRACTION: Record<TaxRounding, Fraction> = { floor: 'omit', ceil: 'round_up', round: 'round' };
const VOID_PREFIX = '【取消】';

/** A company name without legal-form words, widths or spaces, for matching partners. */
export function partnerKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/株式会社|有限会社|合同会社|\(株\)|\(有\)|\(同\)/g, '')
    .replace(/\b(co\.?,?\s*ltd\.?|inc\.?|corp\.?|llc)\b/gi, '')
    .replace(/[\s,.・]/g, '')
    .toLowerCase();
}

function memoOf(draft: BillingDraft, projectNumber: string): string {
  return `tasuki ${projectNumber} ${draft.documentNumber} (job ${draft.jobId})`;
}

function linesOf(draft: BillingDraft, withSalesDate: boolean) {
  return draft.totals.lines.map((l) => ({
    type: 'item' as const,
    description: l.description.slice(0, 255),
    quantity: l.quantity,
    unit_price: String(l.unitPrice),
    tax_rate: l.taxRate,
    reduced_tax_rate: l.reduced,
    withholding: false,
    ...(withSalesDate && draft.transactionDate ? { sales_date: draft.transactionDate } : {}),
  }));
}

function printedOf(doc: Invoice | Quotation, registrationNumber?: string) {
  const byRate = [
    ...(doc.amount_excluding_tax_10 ? [{ rate: 10 as const, reduced: false, subtotal: doc.amount_excluding_tax_10, tax: doc.amount_tax_10 ?? 0 }] : []),
    ...(doc.amount_excluding_tax_8_reduced ? [{ rate: 8 as const, reduced: true, subtotal: doc.amount_excluding_tax_8_reduced, tax: doc.amount_tax_8_reduced ?? 0 }] : []),
    // An 8% line not marked reduced is the pre-2019 standard rate: never what tasuki sends.
    ...(doc.amount_excluding_tax_8 ? [{ rate: 8 as const, reduced: false, subtotal: doc.amount_excluding_tax_8, tax: doc.amount_tax_8 ?? 0 }] : []),
  ];
  return { ...(registrationNumber ? { registrationNumber } : {}), byRate, total: doc.total_amount };
}

export class FreeeProvider implements AccountingProvider {
  readonly id = 'freee';

  constructor(
    private readonly api: FreeeApi,
    private readonly copies: GoogleDocsPdfProvider,
    private readonly opts: { rounding: TaxRounding; documentUrl: string },
  ) {}

  private async partner(companyId: number, draft: BillingDraft): Promise<Partner> {
    const key = partnerKey(draft.client.name);
    const candidates = await this.api.findPartners(companyId, draft.client.name);
    const match = candidates.find((p) => partnerKey(p.name) === key || (p.long_name && partnerKey(p.long_name) === key));
    if (match) return match;
    return this.api.createPartner({
      company_id: companyId,
      name: draft.client.name.slice(0, 255),
      long_name: draft.client.name.slice(0, 255),
      default_title: '御中',
      ...(draft.client.email ? { email: draft.client.email } : {}),
    });
  }

  private invoiceRequest(companyId: number, partnerId: number, draft: BillingDraft): InvoiceRequest {
    return {
      ...this.documentFields(companyId, partnerId, draft),
      invoice_number: draft.documentNumber,
      billing_date: draft.issueDate,
      payment_date: draft.dueDate,
      payment_type: 'transfer',
      lines: linesOf(draft, true),
    };
  }

  private quotationRequest(companyId: number, partnerId: number, draft: BillingDraft): QuotationRequest {
    return {
      ...this.documentFields(companyId, partnerId, draft),
      quotation_number: draft.documentNumber,
      quotation_date: draft.issueDate,
      expiration_date: draft.dueDate,
      lines: linesOf(draft, false),
    };
  }

  /** What an invoice and a quotation request share: issuer, recipient, tax handling, memo. */
  private documentFields(companyId: number, partnerId: number, draft: BillingDraft) {
    return {
      company_id: companyId,
      subject: draft.title.slice(0, 255) || draft.documentNumber,
      tax_entry_method: 'out',
      tax_fraction: FRACTION[this.opts.rounding],
      line_amount_fraction: 'round',
      withholding_tax_entry_method: 'out',
      memo: memoOf(draft, draft.projectNumber),
      partner_id: partnerId,
      partner_title: '御中',
      partner_display_name: draft.client.name.slice(0, 255),
    } as const;
  }

  private urlOf(kind: 'invoices' | 'quotations', id: number, fallback: string): string {
    return this.opts.documentUrl ? this.opts.documentUrl.replace('{kind}', kind).replace('{id}', String(id)) : fallback;
  }

  async issue(draft: BillingDraft, step: StepRunner): Promise<IssuedDocument> {
    requireDraftElements(draft);
    const invoice = draft.type === 'invoice';
    const { companyId, partnerId } = await step('partner', async () => {
      const companyId = await this.api.companyId();
      return { companyId, partnerId: (await this.partner(companyId, draft)).id };
    });
    const accountingId = await step('create', async () => {
      if (invoice) {
        return (await this.api.findInvoiceByNumber(companyId, draft.documentNumber)) ?? (await this.api.createInvoice(this.invoiceRequest(companyId, partnerId, draft))).id;
      }
      return (await this.api.findQuotationByNumber(companyId, draft.documentNumber)) ?? (await this.api.createQuotation(this.quotationRequest(companyId, partnerId, draft))).id;
    });
    const printed = await step('read', async () => {
      if (invoice) {
        const doc = await this.api.getInvoice(companyId, accountingId);
        return printedOf(doc, doc.template?.invoice_registration_number);
      }
      return printedOf(await this.api.getQuotation(companyId, accountingId));
    });
    requirePrinted(
      draft,
      printed,
      { ja: `freee請求書の帳票テンプレート（登録番号）と端数処理の設定を確認してから再発行してください（管理者へ）。`, en: "Check freee請求書's document template (registration number) and rounding setting, then reissue (ask your administrator)." },
      `freee ${invoice ? 'invoice' : 'quotation'} ${accountingId} states ${JSON.stringify(printed)}; set the registration number on its template (設定 ▸ 帳票テンプレート) to TASUKI_ISSUER_REGISTRATION_NUMBER and match TASUKI_TAX_ROUNDING`,
    );
    const copy = await this.copies.render(draft, (name, fn) => step(`copy-${name}`, fn), {
      nameSuffix: '（freee 控え）',
      banner: copyBanner(draft.type, draft.documentNumber, { ja: 'freee請求書', en: 'freee' }),
      marker: COPY_MARKER,
    });
    const kind = invoice ? 'invoices' : 'quotations';
    const documentUrl = this.urlOf(kind, accountingId, copy.pdf.url);
    return {
      docId: copy.doc.id,
      docUrl: copy.doc.url,
      pdfFileId: copy.pdf.id,
      pdfUrl: copy.pdf.url,
      accountingId: String(accountingId),
      documentUrl,
      printed,
      links: [
        ...(documentUrl !== copy.pdf.url ? [{ title: `${draft.documentNumber} freee`, url: documentUrl }] : []),
        { title: `${draft.documentNumber} PDF`, url: copy.pdf.url },
      ],
    };
  }

  async void(request: VoidRequest, step: StepRunner): Promise<void> {
    if (request.accountingId) {
      const id = Number(request.accountingId);
      await step('void', async () => {
        const companyId = await this.api.companyId();
        const note = `取消 ${request.date}: ${request.reason} → ${request.replacedBy}`;
        const current = request.type === 'invoice' ? await this.api.getInvoice(companyId, id) : await this.api.getQuotation(companyId, id);
        if (current.subject.startsWith(VOID_PREFIX)) return true;
        const common = {
          company_id: companyId,
          subject: `${VOID_PREFIX}${current.subject}`.slice(0, 255),
          tax_entry_method: 'out' as const,
          tax_fraction: current.tax_fraction ?? FRACTION[this.opts.rounding],
          line_amount_fraction: 'round' as const,
          withholding_tax_entry_method: 'out' as const,
          memo: `${current.memo ? `${current.memo}\n` : ''}${note}`.slice(0, 2000),
          partner_id: current.partner_id,
          partner_title: '御中' as const,
          ...(current.partner_display_name ? { partner_display_name: current.partner_display_name } : {}),
        };
        const lines = current.lines
          .filter((l) => l.type === 'item')
          .map((l) => ({
            type: 'item' as const,
            description: l.description,
            quantity: l.quantity ?? 1,
            unit_price: l.unit_price ?? '0',
            tax_rate: l.tax_rate ?? 10,
            reduced_tax_rate: l.reduced_tax_rate ?? false,
            ...(l.sales_date ? { sales_date: l.sales_date } : {}),
          }));
        if (request.type === 'invoice') {
          const inv = current as Invoice;
          await this.api.updateInvoice(id, { ...common, invoice_number: inv.invoice_number, billing_date: inv.billing_date, ...(inv.payment_date ? { payment_date: inv.payment_date } : {}), lines });
        } else {
          const quo = current as Quotation;
          await this.api.updateQuotation(id, { ...common, quotation_number: quo.quotation_number, quotation_date: quo.quotation_date, ...(quo.expiration_date ? { expiration_date: quo.expiration_date } : {}), lines: lines.map(({ sales_date: _omit, ...rest }) => rest) });
        }
        return true;
      });
    }
    await this.copies.void(request, (name, fn) => step(`copy-${name}`, fn));
  }
}
