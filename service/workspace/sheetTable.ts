/**
 * One sheet of the office's spreadsheets read and written by the column layouts in
 * shared/sheetLayouts.ts. Rows that tasuki creates are keyed (by job id, intake id, row key…):
 * `appendKeyed` looks for the key first and appends only when it is absent, so a job redelivered
 * after a crash between the append and its step record finds its row instead of adding another.
 *
 * A missing or renamed sheet answers 400 "Unable to parse range" from Google; that becomes a
 * permanent failure telling the user which sheet to restore, as does an unknown spreadsheet id.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { callGoogle, type GoogleFixes } from './googleCall.js';

export type SheetLayout<K extends string> = {
  sheetName: string;
  columns: ReadonlyArray<{ key: K; header: string }>;
  index: Record<K, number>;
  letter: Record<K, string>;
  lastLetter: string;
};

export type Cell = string | number;
export type SheetRow<K extends string> = { row: number; values: Record<K, string> };

function a1Sheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

export class SheetTable<K extends string> {
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
    return `${a1Sheet(this.layout.sheetName)}!${a1}`;
  }

  private toRecord(cells: unknown[] | undefined): Record<K, string> {
    const out = {} as Record<K, string>;
    this.layout.columns.forEach((c, i) => {
      const v = cells?.[i];
      out[c.key] = v === undefined || v === null ? '' : String(v);
    });
    return out;
  }

  /** Every data row (from row 2), blank rows included so row numbers stay true. */
  async readRows(): Promise<SheetRow<K>[]> {
    const res = await callGoogle(`sheets.values.get ${this.layout.sheetName}`, () =>
      this.sheets.spreadsheets.values.get({ spreadsheetId: this.spreadsheetId, range: this.range(`A2:${this.layout.lastLetter}`) }),
    this.fixes());
    return (res.data.values ?? []).map((cells, i) => ({ row: i + 2, values: this.toRecord(cells) }));
  }

  /** Row number of the first row whose `column` equals `value`, or null. */
  async findRow(column: K, value: string): Promise<number | null> {
    const letter = this.layout.letter[column];
    const res = await callGoogle(`sheets.values.get ${this.layout.sheetName}`, () =>
      this.sheets.spreadsheets.values.get({ spreadsheetId: this.spreadsheetId, range: this.range(`${letter}2:${letter}`) }),
    this.fixes());
    const index = (res.data.values ?? []).findIndex((cells) => String(cells?.[0] ?? '') === value);
    return index < 0 ? null : index + 2;
  }

  private cellsOf(record: Partial<Record<K, Cell>>): Cell[] {
    return this.layout.columns.map((c) => record[c.key] ?? '');
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
    const letter = this.layout.letter[keyColumn];
    for (let attempt = 1; ; attempt++) {
      const res = await callGoogle(`sheets.values.append ${this.layout.sheetName}`, () =>
        this.sheets.spreadsheets.values.append({
          spreadsheetId: this.spreadsheetId,
          range: this.range(`A1:${this.layout.lastLetter}1`),
          valueInputOption: 'RAW',
          insertDataOption: 'INSERT_ROWS',
          requestBody: { values: [this.cellsOf(record)] },
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
    const data = updates.flatMap(({ row, record }) =>
      (Object.entries(record) as Array<[K, Cell]>).map(([key, value]) => ({ range: this.range(`${this.layout.letter[key]}${row}`), values: [[value]] })),
    );
    if (data.length === 0) return;
    await callGoogle(`sheets.values.batchUpdate ${this.layout.sheetName}`, () =>
      this.sheets.spreadsheets.values.batchUpdate({ spreadsheetId: this.spreadsheetId, requestBody: { valueInputOption: 'RAW', data } }),
    this.fixes());
  }

  /** Replaces all data rows with `records` (blanking rows past the end). For mirrored sheets. */
  async replaceAll(records: Array<Partial<Record<K, Cell>>>): Promise<void> {
    const existing = (await this.readRows()).length;
    const width = this.layout.columns.length;
    const values: Cell[][] = records.map((r) => this.cellsOf(r));
    while (values.length < existing) values.push(new Array<Cell>(width).fill(''));
    if (values.length === 0) return;
    await callGoogle(`sheets.values.update ${this.layout.sheetName}`, () =>
      this.sheets.spreadsheets.values.update({
        spreadsheetId: this.spreadsheetId,
        range: this.range(`A2:${this.layout.lastLetter}${values.length + 1}`),
        valueInputOption: 'RAW',
        requestBody: { values },
      }),
    this.fixes());
  }
}
