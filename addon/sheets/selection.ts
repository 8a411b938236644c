/**
 * The rows a person selected in the active sheet, read for a Sheets menu item, with their cells
 * found by row-1 header (shared/sheetHeaders.ts), never by position: an office that reordered
 * its columns or inserted its own still gets the right cell.
 *
 * Contract: `readSelection` returns the selected data rows (row ≥ 2, header excluded), in sheet
 * order, each once however the selection was made (several ranges, overlapping ranges), with
 * every cell up to the sheet's last column. `column` answers a header's index, or throws the
 * catalogue's "row 1 has no such column" naming the sheet and the header, for the menu's alert.
 * `officeContent` is a short digest of what the office wrote in a row (tasuki's own status pair
 * left out), so a request keyed by it is the same request until someone changes the row.
 */
import { headerIndex } from '../../shared/sheetHeaders.js';
import { TASUKI_JOB_HEADER, TASUKI_STATUS_HEADER } from '../../shared/sheetLayouts.js';
import { UserFacingError } from '../errors.js';

export type Selection = { sheetName: string; header: unknown[]; rows: Array<{ row: number; values: unknown[] }> };

export function readSelection(sheet: GoogleAppsScript.Spreadsheet.Sheet): Selection {
  const width = Math.max(1, sheet.getLastColumn());
  const header = sheet.getRange(1, 1, 1, width).getValues()[0] ?? [];
  const rows = new Map<number, unknown[]>();
  for (const range of sheet.getActiveRangeList()?.getRanges() ?? []) {
    const first = range.getRow();
    const values = sheet.getRange(first, 1, range.getNumRows(), width).getValues();
    values.forEach((v, i) => {
      if (first + i >= 2) rows.set(first + i, v);
    });
  }
  return { sheetName: sheet.getName(), header, rows: [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([row, values]) => ({ row, values })) };
}

/** The 0-based index of `header`'s column in the selection's sheet. */
export function column(selection: Selection, header: string): number {
  const index = headerIndex(selection.header, header);
  if (index < 0) throw new UserFacingError('sheetsHeaderMissing', { sheet: selection.sheetName, header });
  return index;
}

/** A cell of a selected row as trimmed text. */
export function cellText(values: unknown[], index: number): string {
  return String(values[index] ?? '').trim();
}

/** 16 hex characters of SHA-256 over the row's cells, without tasuki's own status and job cells. */
export function officeContent(selection: Selection, values: unknown[]): string {
  const own = new Set([headerIndex(selection.header, TASUKI_STATUS_HEADER), headerIndex(selection.header, TASUKI_JOB_HEADER)]);
  const cells = values.map((v, i) => (own.has(i) ? '' : String(v ?? '')));
  return Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, JSON.stringify(cells), Utilities.Charset.UTF_8)
    .slice(0, 8)
    .map((b) => ((b + 256) % 256).toString(16).padStart(2, '0'))
    .join('');
}
