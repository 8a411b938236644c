/**
 * The built-in AccountingProvider: copy the estimate/invoice Docs template into the project's
 * folder, fill it, export it to PDF next to it.
 *
 * Template conventions (the sandbox seeds them): placeholders
 *   {{documentNumber}} {{projectNumber}} {{client}} (or {{recipient}}) {{title}}
 *   {{issueDate}} {{dueDate}} {{transactionDate}} (+ …Wareki for era dates)
 *   {{issuerName}} {{issuerAddress}} {{registrationNumber}}
 *   {{subtotal}} {{tax}} {{total}} {{taxBreakdown}} (one line per rate: 10%対象 … 消費税 …)
 *   {{reducedRateNote}} ("※は軽減税率対象品目です。" when a line is reduced-rate, else empty)
 *   {{taxRate}} (older templates: "10%" or "10% / 8%")
 * and an items table whose template row holds {{item.description}} {{item.quantity}}
 * {{item.unitPrice}} {{item.taxRate}} {{item.amount}}; a reduced-rate line's description ends
 * with ※ and its rate reads "8%※".
 *
 * An invoice template must carry every element a qualified invoice states ({{issuerName}},
 * {{registrationNumber}}, {{transactionDate}}, {{client}}, the items table, {{taxBreakdown}});
 * one that does not is refused before anything is copied, naming the element and placeholder.
 *
 * Steps:
 * - doc   the template checked, copied, tagged {tasukiJob, tasukiKey:'billing-doc'}, found before copying.
 * - fill  (a) rows for items 2…n inserted below the template row, counting empty rows already
 *         there so a retry inserts only what is missing; (b) ONE batchUpdate that writes every
 *         new cell (highest index first, so indexes stay valid) and replaces every placeholder.
 *         A batchUpdate applies entirely or not at all, and once it has, no placeholder is left,
 *         which is how a retry knows to skip it. Then the filled text is read back and must state
 *         the registration number and every per-rate line.
 * - pdf   the Doc exported to PDF and uploaded, tagged 'billing-pdf', found before uploading.
 * Void: a banner written once at the top of the Doc (marker 【取消 VOID】), and the Doc and PDF
 * renamed with a 【取消】 prefix, so the folder shows it too.
 */
import type { docs_v1 } from '@googleapis/docs';
import type { drive_v3 } from '@googleapis/drive';
import { BILLING_TEXTS, taxBreakdownLines, templateLacks, voidBanner, type RequiredElement } from '../../shared/kinds/billingDocumentTexts.js';
import { JobFailure } from '../jobFailure.js';
import { documentText, getDocument, placeholder, replaceAllRequests, writeTextOnce } from '../workspace/docsContent.js';
import { forDocsValue } from '../../shared/userText.js';
import { ensureCopy, ensureUpload, exportPdf, getFile } from '../workspace/driveFiles.js';
import { callGoogle } from '../workspace/googleCall.js';
import type { AccountingProvider, BillingDraft, IssuedDocument, PrintedFacts, StepRunner, VoidRequest } from './accountingProvider.js';
import { formatJapaneseDate, formatWarekiDate } from './japaneseDates.js';
import { requireDraftElements, requirePrinted } from './qualifiedInvoice.js';
import { formatYen } from './tax.js';

const ITEM_FIELDS = ['description', 'quantity', 'unitPrice', 'taxRate', 'amount'] as const;
const TITLES = { estimate: '御見積書', invoice: '御請求書' } as const;
export const VOID_MARKER = '【取消 VOID】';
const VOID_PREFIX = '【取消】';

/** Placeholders an invoice template must carry, one per required element (any of each list). */
const INVOICE_TEMPLATE_NEEDS: Array<{ element: RequiredElement; any: string[] }> = [
  { element: 'issuer', any: ['issuerName'] },
  { element: 'registrationNumber', any: ['registrationNumber'] },
  { element: 'transactionDate', any: ['transactionDate', 'transactionDateWareki'] },
  { element: 'recipient', any: ['client', 'recipient'] },
  { element: 'items', any: ['item.description'] },
  { element: 'ratesAndTotals', any: ['taxBreakdown'] },
];
const ESTIMATE_TEMPLATE_NEEDS: typeof INVOICE_TEMPLATE_NEEDS = [
  { element: 'recipient', any: ['client', 'recipient'] },
  { element: 'items', any: ['item.description'] },
];

type Cell = docs_v1.Schema$TableCell;
type TableHit = { tableStart: number; rows: docs_v1.Schema$TableRow[]; templateRow: number };

function cellText(cell: Cell | undefined): string {
  return documentText({ body: { content: cell?.content ?? [] } });
}

/** The items table: the first table with a row containing {{item.description}}. */
function findItemsTable(doc: docs_v1.Schema$Document): TableHit | null {
  for (const el of doc.body?.content ?? []) {
    const rows = el.table?.tableRows ?? [];
    const templateRow = rows.findIndex((r) => (r.tableCells ?? []).some((c) => cellText(c).includes(placeholder('item.description'))));
    if (templateRow >= 0) return { tableStart: el.startIndex ?? 0, rows, templateRow };
  }
  return null;
}

function emptyRowsBelow(hit: TableHit): number {
  let n = 0;
  for (let r = hit.templateRow + 1; r < hit.rows.length; r++) {
    if ((hit.rows[r]!.tableCells ?? []).every((c) => cellText(c).trim() === '')) n++;
    else break;
  }
  return n;
}

function itemCells(draft: BillingDraft, i: number): Record<(typeof ITEM_FIELDS)[number], string> {
  const line = draft.totals.lines[i]!;
  return {
    description: line.reduced ? `${line.description} ※` : line.description,
    quantity: String(line.quantity),
    unitPrice: formatYen(line.unitPrice),
    taxRate: line.reduced ? `${line.taxRate}%※` : `${line.taxRate}%`,
    amount: formatYen(line.amount),
  };
}

function scalarValues(draft: BillingDraft): Record<string, string> {
  const transaction = draft.transactionDate;
  const reduced = draft.totals.byRate.some((r) => r.reduced);
  return {
    documentNumber: draft.documentNumber,
    projectNumber: draft.projectNumber,
    client: draft.client.name,
    recipient: draft.client.name,
    title: draft.title,
    issueDate: formatJapaneseDate(draft.issueDate),
    dueDate: formatJapaneseDate(draft.dueDate),
    issueDateWareki: formatWarekiDate(draft.issueDate),
    dueDateWareki: formatWarekiDate(draft.dueDate),
    transactionDate: transaction ? formatJapaneseDate(transaction) : '',
    transactionDateWareki: transaction ? formatWarekiDate(transaction) : '',
    issuerName: draft.issuer.name,
    issuerAddress: draft.issuer.address,
    registrationNumber: draft.issuer.registrationNumber,
    subtotal: formatYen(draft.totals.subtotal),
    tax: formatYen(draft.totals.tax),
    taxRate: draft.totals.byRate.map((r) => `${r.rate}%`).join(' / '),
    total: formatYen(draft.totals.total),
    taxBreakdown: taxBreakdownLines(draft.totals.byRate).join('\n'),
    reducedRateNote: reduced ? `${BILLING_TEXTS.reducedRateNote.ja} ${BILLING_TEXTS.reducedRateNote.en}` : '',
  };
}

/** Reads the per-rate lines, the registration number and the total back from a filled Doc. */
export function printedFacts(text: string): PrintedFacts {
  const byRate: PrintedFacts['byRate'] = [];
  for (const m of text.matchAll(/(10|8)%対象(※?)[^¥\n]*¥([\d,]+)[^¥\n]*¥([\d,]+)/g)) {
    const num = (s: string) => Number(s.replace(/,/g, ''));
    byRate.push({ rate: Number(m[1]) as 10 | 8, reduced: m[2] === '※', subtotal: num(m[3]!), tax: num(m[4]!) });
  }
  const registrationNumber = /T\d{13}/.exec(text)?.[0];
  const total = byRate.reduce((sum, r) => sum + r.subtotal + r.tax, 0);
  return { ...(registrationNumber ? { registrationNumber } : {}), byRate, total };
}

function templateBroken(templateId: string, what: string, whatJa: string): JobFailure {
  return new JobFailure({
    code: 'billing_template_invalid',
    retryable: false,
    userMessage: {
      ja: `見積/請求テンプレート ${templateId} ${whatJa}`,
      en: `The billing template ${templateId} ${what}`,
    },
  });
}

/** Refuses a template that cannot state every element its document must. */
export function checkTemplate(type: BillingDraft['type'], templateId: string, text: string): void {
  for (const need of type === 'invoice' ? INVOICE_TEMPLATE_NEEDS : ESTIMATE_TEMPLATE_NEEDS) {
    if (need.any.some((name) => text.includes(placeholder(name)))) continue;
    const tag = placeholder(need.any[0]!);
    throw new JobFailure({
      code: 'billing_template_incomplete',
      retryable: false,
      message: `${type} template ${templateId} has no ${need.any.map((n) => placeholder(n)).join(' / ')} (${need.element}); add ${tag} to it`,
      userMessage: templateLacks(need.element, `${TITLES[type]}テンプレート`, BILLING_TEXTS.askAdministrator),
    });
  }
}

export async function fillBillingDoc(docs: docs_v1.Docs, documentId: string, draft: BillingDraft, templateId: string): Promise<void> {
  let doc = await getDocument(docs, documentId);
  if (!documentText(doc).includes('{{')) return; // filled already
  const lineCount = draft.totals.lines.length;
  let hit = findItemsTable(doc);
  if (!hit) throw templateBroken(templateId, 'has no items table with a {{item.description}} row.', 'に {{item.description}} を含む明細表がありません。');
  const missingRows = lineCount - 1 - emptyRowsBelow(hit);
  if (missingRows > 0) {
    const location = { tableStartLocation: { index: hit.tableStart }, rowIndex: hit.templateRow, columnIndex: 0 };
    await callGoogle('docs.documents.batchUpdate (insertTableRow)', () =>
      docs.documents.batchUpdate({
        documentId,
        requestBody: { requests: Array.from({ length: missingRows }, () => ({ insertTableRow: { tableCellLocation: location, insertBelow: true } })) },
      }),
    );
    doc = await getDocument(docs, documentId);
    hit = findItemsTable(doc)!;
  }
  // Which template column holds which field, from the template row's placeholders.
  const columns = (hit.rows[hit.templateRow]!.tableCells ?? []).map((c) => ITEM_FIELDS.find((f) => cellText(c).includes(placeholder(`item.${f}`))));
  const inserts: Array<{ index: number; text: string }> = [];
  for (let i = 1; i < lineCount; i++) {
    const row = hit.rows[hit.templateRow + i]!;
    const values = itemCells(draft, i);
    (row.tableCells ?? []).forEach((cell, c) => {
      const field = columns[c];
      const index = cell.content?.[0]?.startIndex;
      // Escaped like the placeholder values: the replaceAllText requests below run over this text too.
      if (field && index !== undefined && index !== null) inserts.push({ index, text: forDocsValue(values[field]) });
    });
  }
  inserts.sort((a, b) => b.index - a.index);
  const first = itemCells(draft, 0);
  const requests: docs_v1.Schema$Request[] = [
    ...inserts.map((ins) => ({ insertText: { location: { index: ins.index }, text: ins.text } })),
    ...replaceAllRequests(Object.fromEntries(ITEM_FIELDS.map((f) => [`item.${f}`, first[f]]))),
    ...replaceAllRequests(scalarValues(draft)),
  ];
  await callGoogle('docs.documents.batchUpdate (fill)', () => docs.documents.batchUpdate({ documentId, requestBody: { requests } }));
}

export type DocsTemplates = { estimate: string; invoice: string };

export class GoogleDocsPdfProvider implements AccountingProvider {
  readonly id: string = 'google-docs-pdf';

  constructor(
    protected readonly clients: { drive: drive_v3.Drive; docs: docs_v1.Docs },
    private readonly templates: DocsTemplates,
  ) {}

  /**
   * The Doc and PDF of a draft, as steps `doc`, `fill`, `pdf`. `copy` marks a copy (控え) of a
   * document whose record lives elsewhere (freee): its file names end with `copy.nameSuffix` and
   * its first line says where the original is (written once, in the fill step); the checks
   * after filling are the caller's.
   */
  async render(
    draft: BillingDraft,
    step: StepRunner,
    copy?: { nameSuffix: string; banner: string; marker: string },
  ): Promise<{ doc: { id: string; url: string }; pdf: { id: string; url: string }; text: string }> {
    const nameSuffix = copy?.nameSuffix ?? '';
    const { drive, docs } = this.clients;
    const templateId = this.templates[draft.type];
    const baseName = `${draft.documentNumber} ${TITLES[draft.type]} ${draft.client.name} ${draft.title}${nameSuffix}`;
    const doc = await step('doc', async () => {
      if (!(await getFile(drive, templateId))) {
        const variable = draft.type === 'estimate' ? 'TASUKI_ESTIMATE_TEMPLATE_DOC_ID' : 'TASUKI_INVOICE_TEMPLATE_DOC_ID';
        throw new JobFailure({
          code: 'template_missing',
          retryable: false,
          message: `The ${draft.type} template ${templateId} was not found. Restore the Doc or set ${variable}.`,
          userMessage: {
            ja: `${TITLES[draft.type]}のテンプレートが見つかりません。管理者に連絡してください。`,
            en: `The ${draft.type} template is missing. Ask your administrator.`,
          },
        });
      }
      checkTemplate(draft.type, templateId, documentText(await getDocument(docs, templateId)));
      return ensureCopy(drive, { sourceId: templateId, parentId: draft.folderId, name: baseName, tag: { jobId: draft.jobId, key: 'billing-doc' } });
    });
    const text = await step('fill', async () => {
      await fillBillingDoc(docs, doc.id, draft, templateId);
      if (copy) await writeTextOnce(docs, doc.id, `${copy.banner}\n`, copy.marker);
      return documentText(await getDocument(docs, doc.id));
    });
    const pdf = await step('pdf', async () => {
      const bytes = () => exportPdf(drive, doc.id);
      return ensureUpload(drive, { parentId: draft.folderId, name: `${baseName}.pdf`, mimeType: 'application/pdf', bytes, tag: { jobId: draft.jobId, key: 'billing-pdf' } });
    });
    return { doc, pdf, text };
  }

  async issue(draft: BillingDraft, step: StepRunner): Promise<IssuedDocument> {
    requireDraftElements(draft);
    const { doc, pdf, text } = await this.render(draft, step);
    const printed = printedFacts(text);
    requirePrinted(draft, printed, BILLING_TEXTS.askAdministrator, `check {{registrationNumber}} and {{taxBreakdown}} in template ${this.templates[draft.type]}`);
    return {
      docId: doc.id,
      docUrl: doc.url,
      pdfFileId: pdf.id,
      pdfUrl: pdf.url,
      documentUrl: pdf.url,
      printed,
      links: [
        { title: `${draft.documentNumber} PDF`, url: pdf.url },
        { title: `${draft.documentNumber} Doc`, url: doc.url },
      ],
    };
  }

  async void(request: VoidRequest, step: StepRunner): Promise<void> {
    await step('void', async () => {
      const { drive, docs } = this.clients;
      const banner = voidBanner(request.type, request.documentNumber, request.date, request.reason, request.replacedBy);
      if (request.docId && (await getFile(drive, request.docId))) await writeTextOnce(docs, request.docId, `${banner}\n`, VOID_MARKER);
      for (const fileId of [request.docId, request.pdfFileId]) {
        if (!fileId) continue;
        const file = await getFile(drive, fileId);
        if (!file || file.name.startsWith(VOID_PREFIX)) continue;
        await callGoogle('drive.files.update (void name)', () => drive.files.update({ fileId, requestBody: { name: `${VOID_PREFIX}${file.name}` }, supportsAllDrives: true }));
      }
      return true;
    });
  }
}
