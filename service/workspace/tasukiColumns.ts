/**
 * tasuki's own columns in a sheet it answers into (shared/sheetLayouts.ts tasukiStatusColumns):
 * found by their row-1 header, and added when missing.
 *
 * Contract:
 * - `locate` reads row 1 once and returns the A1 letters of the wanted headers. A header the row
 *   lacks is written into the first empty cells to the right of the last non-empty header: the
 *   office's columns never move and are never written. This is the migration for sheets made
 *   before tasuki had its own columns; running it twice finds the headers the first run wrote.
 * - Headers are compared as shared/sheetHeaders.ts says (without case, spaces collapsed), so "tasuki 状態  Tasuki Status"
 *   typed by hand still matches. Nothing else matches: the office's "ステータス Status" is never
 *   taken for tasuki's status column.
 * - Two writers migrating the same sheet at once write the same header into the same cell (both
 *   start from the same row 1), so the race is harmless.
 * - Sheets refuses a write past the sheet's grid ("exceeds grid limits. Max rows: …, max columns:
 *   …"), and a sheet trimmed to its data or imported from CSV has no spare columns; the migration
 *   appends the columns it needs first (appendDimension). Two migrations at once may both append:
 *   a spare empty column at the right, never a moved or overwritten one.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { headerIndex, normalizeHeader } from '../../shared/sheetHeaders.js';

/** Letters of the columns, and the headers this call had to add (the migration, when not empty). */
export type TasukiColumnLetters = { status: string; job?: string; added: string[] };

/** A1 column letters for a 0-based index (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/**
 * Where each wanted header stands in `row1` (0-based), placing missing ones after the last
 * non-empty header. Pure, so the placement rule is tested without a sheet.
 */
export function placeHeaders(row1: unknown[], wanted: string[]): { indexes: number[]; added: Array<{ index: number; header: string }> } {
  const lastFilled = row1.reduce<number>((last, cell, i) => (normalizeHeader(cell) ? i : last), -1);
  let next = lastFilled + 1;
  const added: Array<{ index: number; header: string }> = [];
  const indexes = wanted.map((header) => {
    const found = headerIndex(row1, header);
    if (found >= 0) return found;
    const index = next++;
    added.push({ index, header });
    return index;
  });
  return { indexes, added };
}

/** The letters of tasuki's status (and job) columns in `sheetName`, adding missing headers. */
export async function locateTasukiColumns(
  sheets: sheets_v4.Sheets,
  spreadsheetId: string,
  sheetName: string,
  headers: { status: string; job?: string },
): Promise<TasukiColumnLetters> {
  const res = await sheets.spreadsheets.values.get({ spreadsheetId, range: `${quoteSheet(sheetName)}!1:1` });
  const wanted = headers.job ? [headers.status, headers.job] : [headers.status];
  const { indexes, added } = placeHeaders(res.data.values?.[0] ?? [], wanted);
  if (added.length) {
    await growGrid(sheets, spreadsheetId, sheetName, Math.max(...added.map((a) => a.index)) + 1);
    await sheets.spreadsheets.values.batchUpdate({
      spreadsheetId,
      requestBody: {
        valueInputOption: 'RAW',
        data: added.map((a) => ({ range: `${quoteSheet(sheetName)}!${columnLetter(a.index)}1`, values: [[a.header]] })),
      },
    });
  }
  return { status: columnLetter(indexes[0]!), ...(headers.job ? { job: columnLetter(indexes[1]!) } : {}), added: added.map((a) => `${columnLetter(a.index)}1 ${a.header}`) };
}

/** Makes the sheet's grid at least `columns` wide (appendDimension), so the headers can be written. */
async function growGrid(sheets: sheets_v4.Sheets, spreadsheetId: string, sheetName: string, columns: number): Promise<void> {
  const res = await sheets.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties(sheetId,title,gridProperties.columnCount)' });
  const sheet = res.data.sheets?.find((s) => s.properties?.title === sheetName)?.properties;
  const have = sheet?.gridProperties?.columnCount ?? 0;
  if (!sheet || sheet.sheetId === undefined || sheet.sheetId === null || have >= columns) return;
  await sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ appendDimension: { sheetId: sheet.sheetId, dimension: 'COLUMNS', length: columns - have } }] } });
}
