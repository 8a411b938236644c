/**
 * Google Sheets API v4, the subset tasuki uses, mounted at `<sandbox>/sheets/` (client paths `v4/…`):
 *
 *   GET  v4/spreadsheets/{id}                          spreadsheets.get (properties, sheets[].properties)
 *   POST v4/spreadsheets/{id}:batchUpdate              spreadsheets.batchUpdate (addSheet, appendDimension)
 *   GET  v4/spreadsheets/{id}/values/{range}           values.get     ?majorDimension&valueRenderOption&dateTimeRenderOption
 *   PUT  v4/spreadsheets/{id}/values/{range}           values.update  ?valueInputOption (required)&includeValuesInResponse
 *   POST v4/spreadsheets/{id}/values/{range}:append    values.append  ?valueInputOption&insertDataOption
 *   POST v4/spreadsheets/{id}/values/{range}:clear     values.clear
 *   GET  v4/spreadsheets/{id}/values:batchGet          values.batchGet ?ranges=…&ranges=…
 *   POST v4/spreadsheets/{id}/values:batchUpdate       values.batchUpdate
 *   POST v4/spreadsheets/{id}/values:batchClear        values.batchClear
 *
 * A1 ranges and value parsing live in sheetsModel.ts. Writes past a bounded range are refused
 * as Sheets refuses them, and so are values.update/batchUpdate writes past the sheet's grid (rows
 * or columns: "exceeds grid limits"; appendDimension grows it); append finds the table's last row in the range's columns and writes
 * below it (INSERT_ROWS shifts what is below), answering `updates.updatedRange`.
 */
import express, { type Request, type Router } from 'express';
import * as z from 'zod';
import { applyFieldMask, parseFieldMask } from './fieldMask.js';
import { badRequest, notFound } from './googleError.js';
import { checkQuery, parseBody, q, qAll, qBool } from './requestShape.js';
import { Routes } from './routes.js';
import type { SandboxState } from './sandboxState.js';
import {
  type CellValue, type GridRange, type RenderOption, type StoredSpreadsheet,
  bounded, formatA1, newSheet, parseA1, rawEntered, readRange, sheetJson, spreadsheetUrl, userEntered, writeBlock,
} from './sheetsModel.js';

const API = 'sheets';
const ScalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const ValueRange = z.strictObject({
  range: z.string().optional(),
  majorDimension: z.enum(['ROWS', 'COLUMNS', 'DIMENSION_UNSPECIFIED']).optional(),
  values: z.array(z.array(ScalarValue)).optional(),
});
type ValueRange = z.infer<typeof ValueRange>;
const BatchUpdateValues = z.strictObject({
  valueInputOption: z.enum(['RAW', 'USER_ENTERED', 'INPUT_VALUE_OPTION_UNSPECIFIED']).optional(),
  data: z.array(ValueRange).optional(),
  includeValuesInResponse: z.boolean().optional(),
  responseValueRenderOption: z.enum(['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA']).optional(),
  responseDateTimeRenderOption: z.enum(['SERIAL_NUMBER', 'FORMATTED_STRING']).optional(),
});
const BatchClear = z.strictObject({ ranges: z.array(z.string()) });
const BatchUpdateSpreadsheet = z.strictObject({
  requests: z.array(
    z.union([
      z.strictObject({
        addSheet: z.strictObject({
          properties: z.strictObject({
            title: z.string().min(1),
            index: z.number().int().optional(),
            sheetId: z.number().int().optional(),
            gridProperties: z.strictObject({ rowCount: z.number().int().min(1).optional(), columnCount: z.number().int().min(1).optional() }).optional(),
          }),
        }),
      }),
      z.strictObject({ appendDimension: z.strictObject({ sheetId: z.number().int(), dimension: z.enum(['ROWS', 'COLUMNS']), length: z.number().int().min(1) }) }),
    ]),
  ),
  includeSpreadsheetInResponse: z.boolean().optional(),
  responseRanges: z.array(z.string()).optional(),
  responseIncludeGridData: z.boolean().optional(),
});

const RENDER_PARAMS = ['majorDimension', 'valueRenderOption', 'dateTimeRenderOption'];

function renderOption(req: Request, name = 'valueRenderOption'): RenderOption {
  const v = q(req, name) ?? 'FORMATTED_VALUE';
  if (v !== 'FORMATTED_VALUE' && v !== 'UNFORMATTED_VALUE' && v !== 'FORMULA') throw badRequest(`Invalid value at '${name}': "${v}"`);
  return v;
}
/** dateTimeRenderOption: SERIAL_NUMBER (default) or FORMATTED_STRING; only matters for unformatted values. */
function datesAsStrings(req: Request): boolean {
  const v = q(req, 'dateTimeRenderOption') ?? 'SERIAL_NUMBER';
  if (v !== 'SERIAL_NUMBER' && v !== 'FORMATTED_STRING') throw badRequest(`Invalid value at 'date_time_render_option': "${v}"`);
  return v === 'FORMATTED_STRING';
}
function majorOf(v: string | undefined): 'ROWS' | 'COLUMNS' {
  if (v === undefined || v === 'ROWS' || v === 'DIMENSION_UNSPECIFIED') return 'ROWS';
  if (v === 'COLUMNS') return 'COLUMNS';
  throw badRequest(`Invalid value at 'major_dimension': "${v}"`);
}
function inputParser(option: string | undefined): (v: CellValue | null) => ReturnType<typeof userEntered> {
  if (option === undefined || option === 'INPUT_VALUE_OPTION_UNSPECIFIED') throw badRequest("'valueInputOption' is required but not specified");
  if (option === 'RAW') return rawEntered;
  if (option === 'USER_ENTERED') return userEntered;
  throw badRequest(`Invalid value at 'value_input_option': "${option}"`);
}
function transpose(values: Array<Array<CellValue | null>>): Array<Array<CellValue | null>> {
  const width = Math.max(0, ...values.map((r) => r.length));
  return Array.from({ length: width }, (_, j) => values.map((r) => r[j] ?? null));
}

export function sheetsRouter(opts: { state: SandboxState }): Router {
  const { state } = opts;
  const routes = new Routes();

  const load = (id: string): StoredSpreadsheet => {
    const ss = state.get<StoredSpreadsheet>(API, 'spreadsheet', id);
    if (!ss) throw notFound(`Requested entity was not found. (spreadsheet ${id})`);
    return ss;
  };
  const save = (ss: StoredSpreadsheet) => state.put(API, 'spreadsheet', ss.spreadsheetId, ss);

  /** Writes one ValueRange at `range`; the response's update counts. */
  function write(ss: StoredSpreadsheet, range: string, body: ValueRange, parse: (v: CellValue | null) => ReturnType<typeof userEntered>) {
    const r = parseA1(ss, range);
    if (body.range !== undefined) {
      const b = parseA1(ss, body.range);
      if (b.sheet !== r.sheet || (b.r0 ?? 0) !== (r.r0 ?? 0) || (b.c0 ?? 0) !== (r.c0 ?? 0)) {
        throw badRequest(`Requested writing within range [${range}], but tried writing to [${body.range}]`);
      }
    }
    const values = majorOf(body.majorDimension) === 'COLUMNS' ? transpose(body.values ?? []) : body.values ?? [];
    const b = bounded(r);
    const height = values.length;
    const width = Math.max(0, ...values.map((v) => v.length));
    if (!r.single && ((r.r1 !== undefined && b.r0 + height - 1 > r.r1) || (r.c1 !== undefined && b.c0 + width - 1 > r.c1))) {
      throw badRequest(`Requested writing within range [${range}], but tried writing to ${height > 0 ? formatA1(r.sheet, b.r0, b.c0, b.r0 + height - 1, b.c0 + Math.max(width, 1) - 1) : range}`);
    }
    const g = r.sheet.properties.gridProperties;
    if (b.r0 + height > g.rowCount) throw badRequest(`Range (${formatA1(r.sheet, b.r0 + height - 1, b.c0, b.r0 + height - 1, b.c0)}) exceeds grid limits. Max rows: ${g.rowCount}, max columns: ${g.columnCount}`);
    if (width && b.c0 + width > g.columnCount) throw badRequest(`Range (${formatA1(r.sheet, b.r0, b.c0 + width - 1, b.r0, b.c0 + width - 1)}) exceeds grid limits. Max rows: ${g.rowCount}, max columns: ${g.columnCount}`);
    const n = writeBlock(r.sheet, b.r0, b.c0, values, parse);
    return {
      spreadsheetId: ss.spreadsheetId,
      updatedRange: height && width ? formatA1(r.sheet, b.r0, b.c0, b.r0 + height - 1, b.c0 + width - 1) : formatA1(r.sheet, b.r0, b.c0, b.r0, b.c0),
      ...(n.rows ? { updatedRows: n.rows, updatedColumns: n.cols, updatedCells: n.cells } : {}),
    };
  }

  const withFields = (req: Request, out: unknown) => {
    const fields = q(req, 'fields');
    return fields ? applyFieldMask(out, parseFieldMask(fields)) : out;
  };

  routes.on('GET', /^\/v4\/spreadsheets\/([^/:]+)$/, (req, _res, [id]) => {
    checkQuery(req, ['ranges', 'includeGridData', 'excludeTablesInBandedRanges']);
    if (qBool(req, 'includeGridData')) throw badRequest('includeGridData is not supported by the sandbox; read cells with values.get or values.batchGet.');
    const ss = load(id!);
    return withFields(req, { spreadsheetId: ss.spreadsheetId, properties: ss.properties, sheets: ss.sheets.map(sheetJson), spreadsheetUrl: spreadsheetUrl(ss.spreadsheetId) });
  });

  routes.on('POST', /^\/v4\/spreadsheets\/([^/:]+):batchUpdate$/, (req, _res, [id]) => {
    checkQuery(req, []);
    const ss = load(id!);
    const body = parseBody(BatchUpdateSpreadsheet, req.body, 'batch_update_spreadsheet_request');
    const replies = body.requests.map((r, i) => {
      if ('appendDimension' in r) {
        const { sheetId, dimension, length } = r.appendDimension;
        const target = ss.sheets.find((s) => s.properties.sheetId === sheetId);
        if (!target) throw badRequest(`Invalid requests[${i}].appendDimension: No grid with id: ${sheetId}`);
        const g = target.properties.gridProperties;
        if (dimension === 'COLUMNS') g.columnCount += length;
        else g.rowCount += length;
        return {};
      }
      const { title, index, sheetId, gridProperties } = r.addSheet.properties;
      if (ss.sheets.some((s) => s.properties.title === title)) throw badRequest(`Invalid requests[${i}].addSheet: A sheet with the name "${title}" already exists. Please enter another name.`);
      const sheet = newSheet(title, index ?? ss.sheets.length, sheetId ?? Math.max(0, ...ss.sheets.map((s) => s.properties.sheetId)) + 1 + i, [], gridProperties?.columnCount);
      if (gridProperties?.rowCount) sheet.properties.gridProperties.rowCount = gridProperties.rowCount;
      ss.sheets.splice(index ?? ss.sheets.length, 0, sheet);
      ss.sheets.forEach((s, k) => (s.properties.index = k));
      return { addSheet: { properties: sheet.properties } };
    });
    save(ss);
    return { spreadsheetId: ss.spreadsheetId, replies };
  });

  routes.on('GET', /^\/v4\/spreadsheets\/([^/:]+)\/values:batchGet$/, (req, _res, [id]) => {
    checkQuery(req, ['ranges', ...RENDER_PARAMS]);
    const ss = load(id!);
    const opt = renderOption(req);
    const major = majorOf(q(req, 'majorDimension'));
    return { spreadsheetId: ss.spreadsheetId, valueRanges: qAll(req, 'ranges').map((range) => ({ ...readRange(parseA1(ss, range), opt, major, datesAsStrings(req)), majorDimension: major })) };
  });

  routes.on('POST', /^\/v4\/spreadsheets\/([^/:]+)\/values:batchUpdate$/, (req, _res, [id]) => {
    checkQuery(req, []);
    const ss = load(id!);
    const body = parseBody(BatchUpdateValues, req.body, 'batch_update_values_request');
    const parse = inputParser(body.valueInputOption);
    const responses = (body.data ?? []).map((vr, i) => {
      if (!vr.range) throw badRequest(`Invalid data[${i}]: range is required.`);
      return write(ss, vr.range, vr, parse);
    });
    save(ss);
    const sum = (k: 'updatedRows' | 'updatedColumns' | 'updatedCells') => responses.reduce((n, r) => n + (r[k] ?? 0), 0);
    return {
      spreadsheetId: ss.spreadsheetId,
      totalUpdatedRows: sum('updatedRows'), totalUpdatedColumns: sum('updatedColumns'), totalUpdatedCells: sum('updatedCells'),
      totalUpdatedSheets: new Set(responses.map((r) => r.updatedRange.split('!')[0])).size,
      responses,
    };
  });

  routes.on('POST', /^\/v4\/spreadsheets\/([^/:]+)\/values:batchClear$/, (req, _res, [id]) => {
    checkQuery(req, []);
    const ss = load(id!);
    const body = parseBody(BatchClear, req.body, 'batch_clear_values_request');
    const clearedRanges = body.ranges.map((range) => clear(ss, range));
    save(ss);
    return { spreadsheetId: ss.spreadsheetId, clearedRanges };
  });

  function clear(ss: StoredSpreadsheet, range: string): string {
    const r = parseA1(ss, range);
    const b = bounded(r);
    for (let i = b.r0; i <= Math.min(b.r1, r.sheet.rows.length - 1); i++) {
      const row = r.sheet.rows[i]!;
      for (let j = b.c0; j <= Math.min(b.c1, row.length - 1); j++) row[j] = null;
      while (row.length && row[row.length - 1] === null) row.pop();
    }
    while (r.sheet.rows.length && r.sheet.rows[r.sheet.rows.length - 1]!.length === 0) r.sheet.rows.pop();
    return formatA1(r.sheet, b.r0, b.c0, b.r1, b.c1);
  }

  routes.on('POST', /^\/v4\/spreadsheets\/([^/:]+)\/values\/([^/]+):clear$/, (req, _res, [id, range]) => {
    checkQuery(req, []);
    const ss = load(id!);
    const clearedRange = clear(ss, range!);
    save(ss);
    return { spreadsheetId: ss.spreadsheetId, clearedRange };
  });

  routes.on('POST', /^\/v4\/spreadsheets\/([^/:]+)\/values\/([^/]+):append$/, (req, _res, [id, range]) => {
    checkQuery(req, ['valueInputOption', 'insertDataOption', 'includeValuesInResponse', 'responseValueRenderOption', 'responseDateTimeRenderOption']);
    const ss = load(id!);
    const parse = inputParser(q(req, 'valueInputOption'));
    const insert = q(req, 'insertDataOption') ?? 'OVERWRITE';
    if (insert !== 'OVERWRITE' && insert !== 'INSERT_ROWS') throw badRequest(`Invalid value at 'insert_data_option': "${insert}"`);
    const body = parseBody(ValueRange, req.body, 'value_range');
    const r: GridRange = parseA1(ss, range!);
    const b = bounded(r);
    const values = majorOf(body.majorDimension) === 'COLUMNS' ? transpose(body.values ?? []) : body.values ?? [];
    // The table: the last row at or below the range's start with anything in the range's columns.
    let last = -1;
    let lastCol = b.c0;
    for (let i = b.r0; i < r.sheet.rows.length; i++) {
      const row = r.sheet.rows[i]!;
      for (let j = b.c0; j <= Math.min(b.c1, row.length - 1); j++) {
        if (row[j]) {
          last = i;
          lastCol = Math.max(lastCol, j);
        }
      }
    }
    const at = last === -1 ? b.r0 : last + 1;
    const width = Math.max(0, ...values.map((v) => v.length));
    if (insert === 'INSERT_ROWS' && at < r.sheet.rows.length) r.sheet.rows.splice(at, 0, ...values.map(() => []));
    const g = r.sheet.properties.gridProperties;
    if (insert === 'INSERT_ROWS') g.rowCount += values.length;
    const n = writeBlock(r.sheet, at, b.c0, values, parse);
    save(ss);
    const updatedRange = formatA1(r.sheet, at, b.c0, at + Math.max(values.length, 1) - 1, b.c0 + Math.max(width, 1) - 1);
    const updates: Record<string, unknown> = { spreadsheetId: ss.spreadsheetId, updatedRange, updatedRows: n.rows, updatedColumns: n.cols, updatedCells: n.cells };
    if (qBool(req, 'includeValuesInResponse')) updates.updatedData = readRange(parseA1(ss, updatedRange), renderOption(req, 'responseValueRenderOption'), 'ROWS');
    return {
      spreadsheetId: ss.spreadsheetId,
      ...(last === -1 ? {} : { tableRange: formatA1(r.sheet, b.r0, b.c0, last, lastCol) }),
      updates,
    };
  });

  routes.on('GET', /^\/v4\/spreadsheets\/([^/:]+)\/values\/([^/]+)$/, (req, _res, [id, range]) => {
    checkQuery(req, RENDER_PARAMS);
    const ss = load(id!);
    const major = majorOf(q(req, 'majorDimension'));
    return { ...readRange(parseA1(ss, range!), renderOption(req), major, datesAsStrings(req)), majorDimension: major };
  });

  routes.on('PUT', /^\/v4\/spreadsheets\/([^/:]+)\/values\/([^/]+)$/, (req, _res, [id, range]) => {
    checkQuery(req, ['valueInputOption', 'includeValuesInResponse', 'responseValueRenderOption', 'responseDateTimeRenderOption']);
    const ss = load(id!);
    const parse = inputParser(q(req, 'valueInputOption'));
    const body = parseBody(ValueRange, req.body, 'value_range');
    const out: Record<string, unknown> = write(ss, range!, body, parse);
    save(ss);
    if (qBool(req, 'includeValuesInResponse')) out.updatedData = readRange(parseA1(ss, out.updatedRange as string), renderOption(req, 'responseValueRenderOption'), 'ROWS');
    return out;
  });

  const router = express.Router();
  router.use(express.json({ limit: '10mb' }));
  router.use(routes.handler());
  return router;
}
