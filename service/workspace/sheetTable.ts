/**
 * One sheet of the office's spreadsheets read and written by the column layouts in
 * shared/sheetLayouts.ts. Rows that tasuki creates are keyed (by job id, intake id, row key…):
 * `appendKeyed` looks for the key first and appends only when it is absent, so a job redelivered
 * after a crash between the append and its step record finds its row instead of adding another.
 *
 * Columns are found by their row-1 header (shared/sheetHeaders.ts), never by position: an office
 * that reorders its columns or inserts its own between them keeps its records right. Row 1 is read
 * once per table (one table lives for one job run). Contract:
 * - A read or write that needs a column whose header row 1 lacks fails permanently with code
 *   `sheet_header_missing`: the user reads the catalogue's sentence naming the sheet and the
 *   header (shared/messages.ts SHEET_HEADER_MISSING; Retry after fixing row 1), the job record and
 *   the log get the spreadsheet, its setting and what row 1 holds. A read needs every column of the
 *   layout except tasuki's own status pair (the reply port adds those, tasukiColumns.ts), unless
 *   the caller names the columns it reads; a write needs the columns it writes.
 * - Cells of columns tasuki does not write (the office's own, and layout columns a record leaves
 *   out) are sent as null, which Google skips, so they are never overwritten, even inside a row
 *   tasuki writes whole (an append, a mirrored sheet's replaceAll).
 *
 * A missing or renamed sheet answers 400 "Unable to parse range" from Google; that becomes a
 * permanent failure telling the user which sheet to restore, as does an unknown spreadsheet id.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { SHEET_HEADER_MISSING, phrase } from '../../shared/messages.js';
import { headerIndex } from '../../shared/sheetHeaders.js';
import { TASUKI_JOB_HEADER, TASUKI_STATUS_HEADER } from '../../shared/sheetLayouts.js';
import { JobFailure } from '../jobFailure.js';
import { callGoogle, type GoogleFixes } from './googleCall.js';
import { columnLetter, quoteSheet } from './tasukiColumns.js';

export type SheetLayout<K extends string> = {
  sheetName: string;
  columns: ReadonlyArray<{ key: K; header: string }>;
};

export type Cell = string | number;
export type SheetRow<K extends string> = { row: number; values: Record<K, string> };

/** tasuki's own status pair: added by the reply port when missing, so no read needs them. */
const ADDED_WHEN_MISSING = new Set([TASUKI_STATUS_HEADER, TASUKI_JOB_HEADER]);

export class SheetTable<K extends string> {
  private header?: Promise<Map<K, number>>;
  private row1?: unknown[];

  constructor(
    private readonly sheets: sheets_v4.Sheets,
    readonly spreadsheetId: string,
    readonly layout: SheetLayout<K>,
    /** Config variable holding spreadsheetId, named in error messages. */
    private readonly configVariable = 'the spreadsheet id',
  ) {}

  private fixes(): GoogleFixes {
    const sheet = this.layout.sheetName;
    return {
      badRequest: {
        ja: `シート「${sheet}」が見つかりません。シート名を「${sheet}」に戻すか、作り直してください。`,
        en: `The sheet "${sheet}" was not found. Rename it back to "${sheet}" or recreate it.`,
      },
      adminHint: `check ${this.configVariable} (spreadsheet ${this.spreadsheetId})`,
      // The spreadsheet id and its setting are in the record's detail; staff ask the administrator.
      notFound: {
        ja: `「${sheet}」シートのあるスプレッドシートが見つかりません。管理者に連絡してください。`,
        en: `The spreadsheet with the "${sheet}" sheet was not found. Ask your administrator.`,
      },
      forbidden: {
        ja: `スプレッドシート ${this.spreadsheetId} を編集する権限がありません。サービスアカウントに編集者として共有してください。`,
        en: `No permission to edit spreadsheet ${this.spreadsheetId}. Share it with tasuki's service account as an editor.`,
      },
    };
  }

  range(a1: string): string {
    return `${quoteSheet(this.layout.sheetName)}!${a1}`;
  }

  /** Where each layout column's header stands in row 1 (absent: not in the map). Read once. */
  private positions(): Promise<Map<K, number>> {
    this.header ??= callGoogle(`sheets.values.get ${this.layout.sheetName} row 1`, () =>
      this.sheets.spreadsheets.values.get({ spreadsheetId: this.spreadsheetId, range: this.range('1:1') }),
    this.fixes()).then((res) => {
      const row1 = res.data.values?.[0] ?? [];
      this.row1 = row1;
      const found = new Map<K, number>();
      for (const c of this.layout.columns) {
        const i = headerIndex(row1, c.header);
        if (i >= 0) found.set(c.key, i);
      }
      return found;
    });
    // A failed read is not kept: the next call reads again.
    this.header.catch(() => (this.header = undefined));
    return this.header;
  }

  /** The 0-based column of each key, failing with the sheet and the header when one is missing. */
  private async columnsOf(keys: readonly K[]): Promise<Map<K, number>> {
    const found = await this.positions();
    const missing = keys.find((k) => !found.has(k));
    if (missing !== undefined) {
      const header = this.layout.columns.find((c) => c.key === missing)!.header;
      const sheet = this.layout.sheetName;
      throw new JobFailure({
        code: 'sheet_header_missing',
        retryable: false,
        userMessage: { ja: phrase('ja', SHEET_HEADER_MISSING, { sheet, header }), en: phrase('en', SHEET_HEADER_MISSING, { sheet, header }) },
        message: `sheet "${sheet}" of spreadsheet ${this.spreadsheetId} (${this.configVariable}) has no column headed "${header}" in row 1; row 1 is ${JSON.stringify(this.row1 ?? [])}`,
      });
    }
    return found;
  }

  /** Every layout column a read needs. */
  private readKeys(): K[] {
    return this.layout.columns.filter((c) => !ADDED_WHEN_MISSING.has(c.header)).map((c) => c.key);
  }

  private async letterOf(key: K): Promise<string> {
    return columnLetter((await this.columnsOf([key])).get(key)!);
  }

  /** A whole row's cells from a record: its values at their headers' columns, null (skipped by Google) elsewhere. */
  private rowCells(at: Map<K, number>, record: Partial<Record<K, Cell>>, width: number): Array<Cell | null> {
    const cells = new Array<Cell | null>(width).fill(null);
    for (const [key, value] of Object.entries(record) as Array<[K, Cell | undefined]>) {
      if (value !== undefined) cells[at.get(key)!] = value;
    }
    return cells;
  }

  private static width(at: Map<unknown, number>): number {
    return Math.max(0, ...at.values()) + 1;
  }

  /**
   * Every data row (from row 2), blank rows included so row numbers stay true. `needed`: the
   * columns the caller reads (default every layout column but tasuki's own); the others read as ''
   * when their header is missing.
   */
  async readRows(needed: readonly K[] = this.readKeys()): Promise<SheetRow<K>[]> {
    const at = await this.columnsOf(needed);
    const res = await callGoogle(`sheets.values.get ${this.layout.sheetName}`, () =>
      this.sheets.spreadsheets.values.get({ spreadsheetId: this.spreadsheetId, range: this.range(`A2:${columnLetter(SheetTable.width(at) - 1)}`) }),
    this.fixes());
    return (res.data.values ?? []).map((cells, i) => {
      const values = {} as Record<K, string>;
      for (const c of this.layout.columns) {
        const index = at.get(c.key);
        const v = index === undefined ? undefined : cells?.[index];
        values[c.key] = v === undefined || v === null ? '' : String(v);
      }
      return { row: i + 2, values };
    });
  }

  /** Row number of the first row whose `column` equals `value`, or null. */
  async findRow(column: K, value: string): Promise<number | null> {
    const letter = await this.letterOf(column);
    const res = await callGoogle(`sheets.values.get ${this.layout.sheetName}`, () =>
      this.sheets.spreadsheets.values.get({ spreadsheetId: this.spreadsheetId, range: this.range(`${letter}2:${letter}`) }),
    this.fixes());
    const index = (res.data.values ?? []).findIndex((cells) => String(cells?.[0] ?? '') === value);
    return index < 0 ? null : index + 2;
  }

  /**
   * Appends `record` unless a row whose `keyColumn` holds the same value exists; returns its row.
   * Concurrent appends to one sheet can land on the same row in Google Sheets (the later write
   * wins), so the key is read back from the row the append reports; if another writer took the
   * row, the record is appended again.
   */
  async appendKeyed(keyColumn: K, record: Partial<Record<K, Cell>>): Promise<{ row: number; created: boolean }> {
    const key = String(record[keyColumn] ?? '');
    if (!key) throw new Error(`appendKeyed: the record has no ${keyColumn}`);
    const existing = await this.findRow(keyColumn, key);
    if (existing !== null) return { row: existing, created: false };
    const at = await this.columnsOf([keyColumn, ...(Object.keys(record) as K[])]);
    const letter = columnLetter(at.get(keyColumn)!);
    const width = SheetTable.width(at);
    for (let attempt = 1; ; attempt++) {
      const res = await callGoogle(`sheets.values.append ${this.layout.sheetName}`, () =>
        this.sheets.spreadsheets.values.append({
          spreadsheetId: this.spreadsheetId,
          range: this.range(`A1:${columnLetter(width - 1)}1`),
          valueInputOption: 'RAW',
          insertDataOption: 'INSERT_ROWS',
          requestBody: { values: [this.rowCells(at, record, width)] },
        }),
      this.fixes());
      const row = Number(/![A-Z]+(\d+)/.exec(res.data.updates?.updatedRange ?? '')?.[1]);
      if (Number.isFinite(row) && row > 0) {
        const check = await callGoogle(`sheets.values.get ${this.layout.sheetName}`, () =>
          this.sheets.spreadsheets.values.get({ spreadsheetId: this.spreadsheetId, range: this.range(`${letter}${row}`) }),
        this.fixes());
        if (String(check.data.values?.[0]?.[0] ?? '') === key) return { row, created: true };
      }
      // The reported row holds someone else's record (or the answer had no range): look for ours.
      const found = await this.findRow(keyColumn, key);
      if (found !== null) return { row: found, created: true };
      if (attempt >= 3) throw new Error(`appended to ${this.layout.sheetName} ${attempt} times but the row keyed ${key} keeps disappearing`);
    }
  }

  /** Writes some cells of one row (other cells untouched). */
  async updateRow(row: number, record: Partial<Record<K, Cell>>): Promise<void> {
    await this.updateRows([{ row, record }]);
  }

  async updateRows(updates: Array<{ row: number; record: Partial<Record<K, Cell>> }>): Promise<void> {
    const keys = [...new Set(updates.flatMap(({ record }) => Object.keys(record) as K[]))];
    if (keys.length === 0) return;
    const at = await this.columnsOf(keys);
    const data = updates.flatMap(({ row, record }) =>
      (Object.entries(record) as Array<[K, Cell]>).map(([key, value]) => ({ range: this.range(`${columnLetter(at.get(key)!)}${row}`), values: [[value]] })),
    );
    if (data.length === 0) return;
    await callGoogle(`sheets.values.batchUpdate ${this.layout.sheetName}`, () =>
      this.sheets.spreadsheets.values.batchUpdate({ spreadsheetId: this.spreadsheetId, requestBody: { valueInputOption: 'RAW', data } }),
    this.fixes());
  }

  /**
   * Replaces all data rows with `records` (blanking the layout's cells of rows past the end). For
   * mirrored sheets: the office's own columns beside them are left as they are.
   */
  async replaceAll(records: Array<Partial<Record<K, Cell>>>): Promise<void> {
    const existing = (await this.readRows()).length;
    const at = await this.columnsOf(this.readKeys());
    const width = SheetTable.width(at);
    const blank = Object.fromEntries(this.readKeys().map((k) => [k, ''])) as Partial<Record<K, Cell>>;
    const values = records.map((r) => this.rowCells(at, { ...blank, ...r }, width));
    while (values.length < existing) values.push(this.rowCells(at, blank, width));
    if (values.length === 0) return;
    await callGoogle(`sheets.values.update ${this.layout.sheetName}`, () =>
      this.sheets.spreadsheets.values.update({
        spreadsheetId: this.spreadsheetId,
        range: this.range(`A2:${columnLetter(width - 1)}${values.length + 1}`),
        valueInputOption: 'RAW',
        requestBody: { values },
      }),
    this.fixes());
  }
}
