/**
 * Google Sheets spreadsheets as the sandbox stores them, A1 notation, and how Sheets turns typed
 * input into cell values.
 *
 * A cell is `{v}` (number, string or boolean) with an optional display string `f` (what
 * FORMATTED_VALUE returns: "¥300,000", "2026/12/20") and formula `x` (`=HYPERLINK(…)`). Dates
 * entered as USER_ENTERED are stored like Sheets does: a serial number (days since 1899-12-30)
 * displayed in the form they were typed.
 *
 * A1 ranges: `Sheet!A2:M`, `'My sheet'!A1`, `A1:B2` (first sheet), `Sheet` (whole sheet),
 * `Sheet!A:A`, `Sheet!2:5`; bounds are 0-based and inclusive, undefined = open.
 */
import { badRequest } from './googleError.js';

export type CellValue = number | string | boolean;
/** `d`: a date (serial number in `v`), so dateTimeRenderOption=FORMATTED_STRING can show `f`. */
export type Cell = { v: CellValue; f?: string; x?: string; d?: 1 } | null;
export type StoredSheet = {
  properties: { sheetId: number; title: string; index: number; sheetType: 'GRID'; gridProperties: { rowCount: number; columnCount: number; frozenRowCount?: number } };
  rows: Cell[][];
};
export type StoredSpreadsheet = {
  spreadsheetId: string;
  properties: { title: string; locale: string; timeZone: string; autoRecalc: 'ON_CHANGE' };
  sheets: StoredSheet[];
};

/** `single`: written as one cell (A1), which writes treat as an anchor, as Sheets does. */
export type GridRange = { sheet: StoredSheet; r0?: number; c0?: number; r1?: number; c1?: number; single?: boolean };

export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function quoteSheetName(title: string): string {
  return /^[A-Za-z0-9_]+$/.test(title) && !/^[A-Za-z]{1,3}\d+$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

/** Parses an A1 range against a spreadsheet; 400 naming the range when it is not valid. */
export function parseA1(ss: StoredSpreadsheet, range: string): GridRange {
  let sheetPart: string | undefined;
  let cells: string | undefined;
  const quoted = /^'((?:[^']|'')+)'(?:!(.*))?$/.exec(range);
  if (quoted) {
    sheetPart = quoted[1]!.replace(/''/g, "'");
    cells = quoted[2];
  } else if (range.includes('!')) {
    const at = range.lastIndexOf('!');
    sheetPart = range.slice(0, at);
    cells = range.slice(at + 1);
  } else if (ss.sheets.some((s) => s.properties.title === range)) {
    sheetPart = range;
  } else {
    cells = range;
  }
  const sheet = sheetPart === undefined ? ss.sheets[0] : ss.sheets.find((s) => s.properties.title === sheetPart);
  if (!sheet) throw badRequest(`Unable to parse range: ${range}`);
  if (cells === undefined || cells === '') return { sheet };
  const m = /^([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?$/.exec(cells);
  if (!m || (!m[1] && !m[2])) throw badRequest(`Unable to parse range: ${range}`);
  const [, ca, ra, cb, rb] = m;
  const hasEnd = cells.includes(':');
  const r: GridRange = { sheet };
  if (ca) r.c0 = columnIndex(ca);
  if (ra) r.r0 = Number(ra) - 1;
  if (!hasEnd) {
    // A single cell (A1), a whole column (A) or a whole row (5).
    r.c1 = r.c0;
    r.r1 = r.r0;
    r.single = Boolean(ca && ra);
  } else {
    if (cb) r.c1 = columnIndex(cb);
    if (rb) r.r1 = Number(rb) - 1;
    if ((ca && !cb && !rb) || (!ca && cb)) throw badRequest(`Unable to parse range: ${range}`);
  }
  if ((r.r0 !== undefined && r.r0 < 0) || (r.r1 !== undefined && r.r0 !== undefined && r.r1 < r.r0) || (r.c1 !== undefined && r.c0 !== undefined && r.c1 < r.c0)) {
    throw badRequest(`Unable to parse range: ${range}`);
  }
  return r;
}

/** The A1 form of a bounded range: `Ledger!A2:M14`. */
export function formatA1(sheet: StoredSheet, r0: number, c0: number, r1: number, c1: number): string {
  const name = quoteSheetName(sheet.properties.title);
  const a = `${columnLetter(c0)}${r0 + 1}`;
  const b = `${columnLetter(c1)}${r1 + 1}`;
  return a === b ? `${name}!${a}` : `${name}!${a}:${b}`;
}

/** Closes open bounds against the sheet's grid. */
export function bounded(r: GridRange): { r0: number; c0: number; r1: number; c1: number } {
  const g = r.sheet.properties.gridProperties;
  return { r0: r.r0 ?? 0, c0: r.c0 ?? 0, r1: r.r1 ?? g.rowCount - 1, c1: r.c1 ?? g.columnCount - 1 };
}

// --- values in and out -------------------------------------------------------------------------

const EPOCH = Date.UTC(1899, 11, 30);
export function dateSerial(y: number, m: number, d: number): number {
  return (Date.UTC(y, m - 1, d) - EPOCH) / 86_400_000;
}
export function serialToIso(serial: number): string {
  return new Date(EPOCH + Math.round(serial * 86_400_000)).toISOString().slice(0, 10);
}

/** What typing `raw` into a cell gives, roughly as Sheets does (ja/en locales). */
export function userEntered(raw: CellValue | null): Cell {
  if (raw === null || raw === '') return null;
  if (typeof raw !== 'string') return { v: raw };
  const s = raw;
  if (s.startsWith('=')) {
    const link = /^=HYPERLINK\(\s*"([^"]*)"\s*(?:[,;]\s*"([^"]*)"\s*)?\)$/i.exec(s);
    return { v: link ? (link[2] ?? link[1]!) : s, x: s };
  }
  if (s.startsWith("'")) return { v: s.slice(1) };
  if (/^(true|false)$/i.test(s)) return { v: s.toUpperCase() === 'TRUE' };
  const num = /^([-+]?)([¥$€]?)\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(%?)$/.exec(s.trim());
  if (num) {
    const [, sign, , int, frac, pct] = num;
    let v = Number(`${sign}${int!.replace(/,/g, '')}${frac ?? ''}`);
    if (pct) v /= 100;
    return /[,¥$€%]/.test(s) || frac?.endsWith('0') ? { v, f: s.trim() } : { v };
  }
  const ymd = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s.trim()) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(s.trim());
  if (ymd) {
    const [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
    if (m >= 1 && m <= 12 && d >= 1 && d <= 31) return { v: dateSerial(y, m, d), f: s.trim(), d: 1 };
  }
  return { v: s };
}

export function rawEntered(raw: CellValue | null): Cell {
  if (raw === null || raw === '') return null;
  return { v: raw };
}

export type RenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';

export function renderCell(cell: Cell, opt: RenderOption, datesAsStrings = false): CellValue | '' {
  if (!cell) return '';
  if (datesAsStrings && cell.d && cell.f !== undefined && opt !== 'FORMULA') return cell.f;
  if (opt === 'FORMULA' && cell.x) return cell.x;
  if (opt === 'FORMATTED_VALUE') {
    if (cell.f !== undefined) return cell.f;
    if (typeof cell.v === 'boolean') return cell.v ? 'TRUE' : 'FALSE';
    return String(cell.v);
  }
  return cell.v;
}

/** Values of a range as Sheets returns them: trailing empty rows and cells trimmed. */
export function readRange(r: GridRange, opt: RenderOption, major: 'ROWS' | 'COLUMNS', datesAsStrings = false): { range: string; values?: CellValue[][] } {
  const b = bounded(r);
  const rows: CellValue[][] = [];
  const lastRow = Math.min(b.r1, r.sheet.rows.length - 1);
  for (let i = b.r0; i <= lastRow; i++) {
    const src = r.sheet.rows[i] ?? [];
    const row: CellValue[] = [];
    for (let j = b.c0; j <= Math.min(b.c1, src.length - 1); j++) row.push(renderCell(src[j] ?? null, opt, datesAsStrings));
    while (row.length && row[row.length - 1] === '') row.pop();
    rows.push(row);
  }
  while (rows.length && rows[rows.length - 1]!.length === 0) rows.pop();
  const range = formatA1(r.sheet, b.r0, b.c0, b.r1, b.c1);
  let values = rows;
  if (major === 'COLUMNS') {
    const width = Math.max(0, ...rows.map((x) => x.length));
    values = Array.from({ length: width }, (_, j) => {
      const col = rows.map((x) => x[j] ?? '');
      while (col.length && col[col.length - 1] === '') col.pop();
      return col;
    });
  }
  return values.length ? { range, values } : { range };
}

/**
 * Writes a block of values at (r0, c0); grows columns if needed. Returns the written extent. A
 * null value is skipped, the cell left as it is, as Google documents for ValueRange.values
 * ("Null values will be skipped. To set a cell to an empty value, set the string value to an
 * empty string.").
 */
export function writeBlock(sheet: StoredSheet, r0: number, c0: number, values: Array<Array<CellValue | null>>, parse: (v: CellValue | null) => Cell): { rows: number; cols: number; cells: number } {
  let cols = 0;
  let cells = 0;
  const g = sheet.properties.gridProperties;
  values.forEach((rowValues, i) => {
    const r = r0 + i;
    while (sheet.rows.length <= r) sheet.rows.push([]);
    const row = sheet.rows[r]!;
    rowValues.forEach((value, j) => {
      if (value === null) return;
      const c = c0 + j;
      while (row.length <= c) row.push(null);
      row[c] = parse(value);
      cells++;
    });
    cols = Math.max(cols, rowValues.length);
    while (row.length && row[row.length - 1] === null) row.pop();
  });
  if (c0 + cols > g.columnCount) g.columnCount = c0 + cols;
  if (r0 + values.length > g.rowCount) g.rowCount = r0 + values.length;
  return { rows: values.filter((v) => v.length).length, cols, cells };
}

export function sheetJson(sheet: StoredSheet): { properties: StoredSheet['properties'] } {
  return { properties: sheet.properties };
}

export function newSheet(title: string, index: number, sheetId: number, rows: Cell[][] = [], columnCount = 26): StoredSheet {
  return {
    properties: { sheetId, title, index, sheetType: 'GRID', gridProperties: { rowCount: Math.max(1000, rows.length), columnCount: Math.max(columnCount, ...rows.map((r) => r.length)), frozenRowCount: rows.length ? 1 : undefined } },
    rows,
  };
}

export function spreadsheetUrl(id: string): string {
  return `https://docs.google.com/spreadsheets/d/${id}/edit`;
}
