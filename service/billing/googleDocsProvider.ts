/**
 * The built-in AccountingProvider: copy the estimate/invoice Docs template into the project's
 * folder, fill it, export it to PDF next to it.
 *
 * Template conventions (the sandbox seeds them): placeholders {{documentNumber}} {{client}}
 * {{title}} {{issueDate}} {{dueDate}} {{subtotal}} {{tax}} {{taxRate}} {{total}} (plus
 * {{issueDateWareki}} / {{dueDateWareki}} for era dates, {{projectNumber}}); an items table whose
 * template row holds {{item.description}} {{item.quantity}} {{item.unitPrice}} {{item.amount}}.
 *
 * Steps:
 * - doc   the template copied, tagged {tasukiJob, tasukiKey:'billing-doc'}, found before copying.
 * - fill  (a) rows for items 2…n inserted below the template row, counting empty rows already
 *         there so a retry inserts only what is missing; (b) ONE batchUpdate that writes every
 *         new cell (highest index first, so indexes stay valid) and replaces every placeholder.
 *         A batchUpdate applies entirely or not at all, and once it has, no placeholder is left,
 *         which is how a retry knows to skip it.
 * - pdf   the Doc exported to PDF and uploaded, tagged 'billing-pdf', found before uploading.
 */
import type { docs_v1 } from '@googleapis/docs';
import type { drive_v3 } from '@googleapis/drive';
import { JobFailure } from '../jobFailure.js';
import { documentText, getDocument, placeholder, replaceAllRequests } from '../workspace/docsContent.js';
import { forDocsValue } from '../../shared/userText.js';
import { ensureCopy, ensureUpload, exportPdf, getFile } from '../workspace/driveFiles.js';
import { callGoogle } from '../workspace/googleCall.js';
import type { AccountingProvider, BillingDraft, IssuedDocument, StepRunner } from './accountingProvider.js';
import { formatJapaneseDate, formatWarekiDate } from './japaneseDates.js';
import { formatYen } from './tax.js';

const ITEM_FIELDS = ['description', 'quantity', 'unitPrice', 'amount'] as const;
const TITLES = { estimate: '御見積書', invoice: '御請求書' } as const;

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
    description: line.description,
    quantity: String(line.quantity),
    unitPrice: formatYen(line.unitPrice),
    amount: formatYen(line.amount),
  };
}

function scalarValues(draft: BillingDraft): Record<string, string> {
  return {
    documentNumber: draft.documentNumber,
    projectNumber: draft.projectNumber,
    client: draft.client.name,
    title: draft.title,
    issueDate: formatJapaneseDate(draft.issueDate),
    dueDate: formatJapaneseDate(draft.dueDate),
    issueDateWareki: formatWarekiDate(draft.issueDate),
    dueDateWareki: formatWarekiDate(draft.dueDate),
    subtotal: formatYen(draft.totals.subtotal),
    tax: formatYen(draft.totals.tax),
    taxRate: `${draft.totals.taxRatePercent}%`,
    total: formatYen(draft.totals.total),
  };
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

export class GoogleDocsPdfProvider implements AccountingProvider {
  readonly id = 'google-docs-pdf';

  constructor(
    private readonly clients: { drive: drive_v3.Drive; docs: docs_v1.Docs },
    private readonly templates: { estimate: string; invoice: string },
  ) {}

  async issue(draft: BillingDraft, step: StepRunner): Promise<IssuedDocument> {
    const { drive, docs } = this.clients;
    const templateId = this.templates[draft.type];
    const baseName = `${draft.documentNumber} ${TITLES[draft.type]} ${draft.client.name} ${draft.title}`;
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
      return ensureCopy(drive, { sourceId: templateId, parentId: draft.folderId, name: baseName, tag: { jobId: draft.jobId, key: 'billing-doc' } });
    });
    await step('fill', async () => {
      await fillBillingDoc(docs, doc.id, draft, templateId);
      return true;
    });
    const pdf = await step('pdf', async () => {
      const bytes = () => exportPdf(drive, doc.id);
      return ensureUpload(drive, { parentId: draft.folderId, name: `${baseName}.pdf`, mimeType: 'application/pdf', bytes, tag: { jobId: draft.jobId, key: 'billing-pdf' } });
    });
    return {
      docId: doc.id,
      docUrl: doc.url,
      pdfFileId: pdf.id,
      pdfUrl: pdf.url,
      links: [
        { title: `${draft.documentNumber} PDF`, url: pdf.url },
        { title: `${draft.documentNumber} Doc`, url: doc.url },
      ],
    };
  }
}
