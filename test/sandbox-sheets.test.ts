// The sandbox's Sheets API through the official @googleapis/sheets client: the seeded layouts,
// A1 ranges (Sheet!A2:M, whole columns, quoted names), append/update/batchGet/batchUpdate,
// USER_ENTERED parsing, majorDimension, insertDataOption and Sheets' refusals.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LEDGER, SCHEDULE } from '../shared/sheetLayouts.js';
import { SEED_IDS, SEED_LEDGER_ROWS } from '../local/sandbox/seedData.js';
import { startTestSandbox, type TestSandbox } from './support/sandbox.js';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.stop();
});
const LEDGER_ID = SEED_IDS.ledgerSpreadsheet;

test('spreadsheets.get: the seeded ledger has Ledger, Intake, Summary and Documents laid out per sheetLayouts', async () => {
  const sheets = t.google.sheets;
  const ss = await sheets.spreadsheets.get({ spreadsheetId: LEDGER_ID, fields: 'spreadsheetId,properties.title,sheets.properties' });
  assert.deepEqual(ss.data.sheets!.map((s) => s.properties!.title), ['Ledger', 'Intake', 'Summary', 'Clients', 'Documents']);
  assert.equal(ss.data.properties!.title, '案件台帳 Ledger');
  const header = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: `Ledger!A1:${LEDGER.lastLetter}1` });
  assert.deepEqual(header.data.values, [LEDGER.headers]);
  const schedule = await sheets.spreadsheets.values.get({ spreadsheetId: SEED_IDS.scheduleSpreadsheet, range: 'Schedule!A2:J' });
  assert.ok(schedule.data.values!.some((r) => r[SCHEDULE.index.start] === '12月末'), 'one schedule row has a date Sheets cannot read');
});

test('values.get: open-ended ranges, whole columns, COLUMNS major dimension, UNFORMATTED values', async () => {
  const sheets = t.google.sheets;
  const rows = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: `Ledger!A2:${LEDGER.lastLetter}` });
  assert.equal(rows.data.values!.length, SEED_LEDGER_ROWS.length);
  assert.equal(rows.data.range, `Ledger!A2:${LEDGER.lastLetter}1000`);
  const first = rows.data.values![0]!;
  assert.equal(first[LEDGER.index.projectNumber], 'P-2026-001');
  assert.equal(first[LEDGER.index.requestedAt], '2026-06-03', 'dates display as typed');
  const col = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Ledger!A:A', majorDimension: 'COLUMNS' });
  assert.equal(col.data.values![0]!.length, SEED_LEDGER_ROWS.length + 1);
  const raw = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Ledger!B2:F2', valueRenderOption: 'UNFORMATTED_VALUE' });
  assert.equal(typeof raw.data.values![0]![0], 'number', 'a typed date is a serial number underneath');
  assert.equal(raw.data.values![0]![4], 180000);
  const dates = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Ledger!B2:F2', valueRenderOption: 'UNFORMATTED_VALUE', dateTimeRenderOption: 'FORMATTED_STRING' });
  assert.deepEqual(dates.data.values![0], ['2026-06-03', '株式会社アクメ', '夏季キャンペーン ポスター', '2026-06-20', 180000]);
  const noSheet = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'A1:B1' });
  assert.equal(noSheet.data.range, 'Ledger!A1:B1', 'no sheet name means the first sheet');
  await assert.rejects(sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Nope!A1' }), /Unable to parse range: Nope!A1/);
});

test('values.append: writes below the table and reports updates.updatedRange', async () => {
  const sheets = t.google.sheets;
  const row = ['P-2026-013', '2026-11-27', '株式会社アクメ', '年末セール ポスター', '2026-12-20', '¥300,000', '受付 New', '', '', '', '', 'tanaka@acme.example', 'j-append'];
  const res = await sheets.spreadsheets.values.append({ spreadsheetId: LEDGER_ID, range: `Ledger!A2:${LEDGER.lastLetter}`, valueInputOption: 'USER_ENTERED', insertDataOption: 'INSERT_ROWS', requestBody: { values: [row] } });
  const at = SEED_LEDGER_ROWS.length + 2;
  assert.equal(res.data.updates!.updatedRange, `Ledger!A${at}:M${at}`);
  assert.equal(res.data.updates!.updatedCells, 13);
  assert.equal(res.data.tableRange, `Ledger!A2:L${at - 1}`);
  const back = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: `Ledger!A${at}:M${at}`, valueRenderOption: 'UNFORMATTED_VALUE' });
  assert.equal(back.data.values![0]![5], 300000, 'USER_ENTERED parses ¥300,000 as a number');
  const shown = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: `Ledger!F${at}` });
  assert.deepEqual(shown.data.values, [['¥300,000']]);
  const again = await sheets.spreadsheets.values.append({ spreadsheetId: LEDGER_ID, range: 'Ledger!A:M', valueInputOption: 'RAW', requestBody: { values: [['P-2026-014', '2026-11-28']] } });
  assert.equal(again.data.updates!.updatedRange, `Ledger!A${at + 1}:B${at + 1}`);
  const rawKept = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: `Ledger!B${at + 1}`, valueRenderOption: 'UNFORMATTED_VALUE' });
  assert.deepEqual(rawKept.data.values, [['2026-11-28']], 'RAW keeps strings as strings');
});

test('values.update: writes a row by job key; refuses writes outside the range and missing valueInputOption', async () => {
  const sheets = t.google.sheets;
  const res = await sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Ledger!G3:H3', valueInputOption: 'USER_ENTERED', requestBody: { values: [['請求済 Invoiced', '=HYPERLINK("https://drive.google.com/drive/folders/x","フォルダ")']] } });
  assert.equal(res.data.updatedRange, 'Ledger!G3:H3');
  assert.equal(res.data.updatedCells, 2);
  const shown = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Ledger!G3:H3' });
  assert.deepEqual(shown.data.values, [['請求済 Invoiced', 'フォルダ']]);
  const formula = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Ledger!H3', valueRenderOption: 'FORMULA' });
  assert.match(String(formula.data.values![0]![0]), /^=HYPERLINK/);
  await assert.rejects(sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Ledger!G3:H3', valueInputOption: 'RAW', requestBody: { values: [['a', 'b', 'c']] } }), /Requested writing within range \[Ledger!G3:H3\]/);
  // A single cell is an anchor: the block extends from it.
  const anchored = await sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Ledger!N2', valueInputOption: 'RAW', requestBody: { values: [['x', 'y'], ['z']] } });
  assert.equal(anchored.data.updatedRange, 'Ledger!N2:O3');
  await assert.rejects(sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Ledger!G3', requestBody: { values: [['a']] } }), /'valueInputOption' is required/);
  await assert.rejects(sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Ledger!A5000', valueInputOption: 'RAW', requestBody: { values: [['a']] } }), /exceeds grid limits/);
});

test('a null value is skipped, the cell kept; an empty string empties it (as Google documents for ValueRange.values)', async () => {
  const sheets = t.google.sheets;
  await sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Ledger!P4:R4', valueInputOption: 'RAW', requestBody: { values: [['keep', 'clear', 'x']] } });
  await sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Ledger!P4:R4', valueInputOption: 'RAW', requestBody: { values: [[null, '', 'y']] } });
  const shown = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Ledger!P4:R4' });
  assert.deepEqual(shown.data.values, [['keep', '', 'y']]);
});

test("values.update past the grid's columns is refused as Sheets refuses it; appendDimension grows the grid", async () => {
  const sheets = t.google.sheets;
  const added = await sheets.spreadsheets.batchUpdate({ spreadsheetId: LEDGER_ID, requestBody: { requests: [{ addSheet: { properties: { title: 'Narrow', gridProperties: { columnCount: 3 } } } }] } });
  const sheetId = added.data.replies![0]!.addSheet!.properties!.sheetId!;
  await sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Narrow!A1', valueInputOption: 'RAW', requestBody: { values: [['a', 'b', 'c']] } });
  await assert.rejects(
    sheets.spreadsheets.values.update({ spreadsheetId: LEDGER_ID, range: 'Narrow!D1', valueInputOption: 'RAW', requestBody: { values: [['d']] } }),
    /Range \(Narrow!D1\) exceeds grid limits\. Max rows: 1000, max columns: 3/,
  );
  await sheets.spreadsheets.batchUpdate({ spreadsheetId: LEDGER_ID, requestBody: { requests: [{ appendDimension: { sheetId, dimension: 'COLUMNS', length: 2 } }] } });
  const grid = await sheets.spreadsheets.get({ spreadsheetId: LEDGER_ID, fields: 'sheets.properties' });
  assert.equal(grid.data.sheets!.find((x) => x.properties!.title === 'Narrow')!.properties!.gridProperties!.columnCount, 5);
  await sheets.spreadsheets.values.batchUpdate({ spreadsheetId: LEDGER_ID, requestBody: { valueInputOption: 'RAW', data: [{ range: 'Narrow!D1:E1', values: [['d', 'e']] }] } });
  assert.deepEqual((await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Narrow!1:1' })).data.values, [['a', 'b', 'c', 'd', 'e']]);
});

test('values.batchGet and values.batchUpdate across sheets, with quoted sheet names', async () => {
  const sheets = t.google.sheets;
  await sheets.spreadsheets.batchUpdate({ spreadsheetId: LEDGER_ID, requestBody: { requests: [{ addSheet: { properties: { title: "Bob's 2026" } } }] } });
  const upd = await sheets.spreadsheets.values.batchUpdate({
    spreadsheetId: LEDGER_ID,
    requestBody: {
      valueInputOption: 'USER_ENTERED',
      data: [
        { range: 'Summary!A2:F2', values: [['株式会社アクメ', '2026-11', 2, 980000, 27.5, '2026-11-27']] },
        { range: "'Bob''s 2026'!A1", values: [['hello']] },
        { range: 'Summary!A3', majorDimension: 'COLUMNS', values: [['Blue Harbor Coffee', 'みどり不動産']] },
      ],
    },
  });
  assert.equal(upd.data.totalUpdatedCells, 9);
  assert.equal(upd.data.totalUpdatedSheets, 2);
  assert.equal(upd.data.responses![1]!.updatedRange, "'Bob''s 2026'!A1");
  const got = await sheets.spreadsheets.values.batchGet({ spreadsheetId: LEDGER_ID, ranges: ['Summary!A2:B4', "'Bob''s 2026'!A1:B2", 'Intake!A1:A1'] });
  assert.deepEqual(got.data.valueRanges!.map((v) => v.values), [[['株式会社アクメ', '2026-11'], ['Blue Harbor Coffee'], ['みどり不動産']], [['hello']], [['受付ID Intake']]]);
  const cleared = await sheets.spreadsheets.values.clear({ spreadsheetId: LEDGER_ID, range: 'Summary!A2:F' });
  assert.equal(cleared.data.clearedRange, 'Summary!A2:F1000');
  const after = await sheets.spreadsheets.values.get({ spreadsheetId: LEDGER_ID, range: 'Summary!A2:F' });
  assert.equal(after.data.values, undefined);
});
