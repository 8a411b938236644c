/**
 * The Documents sheet (書類台帳, shared/sheetLayouts.ts DOCUMENTS) in the ledger spreadsheet: one
 * row per estimate/invoice number with the amounts and tax per rate, the registration number, the
 * link, and the status (発行 / 取消 with the reason and the replacing number, in the office's sheet
 * language, TASUKI_SHEET_LOCALE, like everything tasuki writes into shared sheets). Rows
 * are keyed by number, so a redelivered job updates its row instead of adding another.
 *
 * An office whose spreadsheet predates this sheet gets it added (at the right of its sheets, with
 * the header row) on the first write; nothing else in the spreadsheet moves.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { DOCUMENTS } from '../../shared/kinds/billingDocumentSheet.js';
import { callGoogle } from '../workspace/googleCall.js';
import { SheetTable, type Cell } from '../workspace/sheetTable.js';

type Key = (typeof DOCUMENTS.columns)[number]['key'];
export type DocumentRow = Partial<Record<Key, Cell>>;


export async function ensureDocumentsSheet(sheets: sheets_v4.Sheets, spreadsheetId: string): Promise<void> {
  const meta = await callGoogle('sheets.spreadsheets.get', () => sheets.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties.title' }));
  if ((meta.data.sheets ?? []).some((s) => s.properties?.title === DOCUMENTS.sheetName)) return;
  try {
    await callGoogle('sheets.spreadsheets.batchUpdate (addSheet Documents)', () =>
      sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: DOCUMENTS.sheetName } } }] } }),
    );
  } catch (err) {
    // Another job added it between our read and our add: that is what we wanted.
    if (!/already exists/.test(String((err as Error).message))) throw err;
  }
  await callGoogle('sheets.values.update (Documents header)', () =>
    sheets.spreadsheets.values.update({
      spreadsheetId,
      range: `'${DOCUMENTS.sheetName}'!A1:${DOCUMENTS.lastLetter}1`,
      valueInputOption: 'RAW',
      requestBody: { values: [DOCUMENTS.headers] },
    }),
  );
}

/** Writes (or adds) the row of each number; cells not given stay as they are. */
export async function upsertDocumentRows(sheets: sheets_v4.Sheets, spreadsheetId: string, rows: DocumentRow[]): Promise<void> {
  await ensureDocumentsSheet(sheets, spreadsheetId);
  const table = new SheetTable(sheets, spreadsheetId, DOCUMENTS, 'TASUKI_LEDGER_SPREADSHEET_ID');
  for (const row of rows) {
    const number = String(row.documentNumber ?? '');
    const existing = await table.findRow('documentNumber', number);
    if (existing === null) await table.appendKeyed('documentNumber', row);
    else await table.updateRow(existing, row);
  }
}
