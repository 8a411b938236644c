// Sheet rows keyed by job: find-before-append, and an append whose row another writer took at
// the same moment (concurrent appends can collide in Google Sheets) is detected and redone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { sheets_v4 } from '@googleapis/sheets';
import { SheetTable } from '../service/workspace/sheetTable.js';
import { JobFailure } from '../service/jobFailure.js';
import { INTAKE } from '../shared/sheetLayouts.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { sheetRows } from './support/jobsInspect.js';

let env: JobsEnv;
before(async () => {
  env = await startJobsEnv();
});
after(() => env.close());

const record = (id: string) => ({ intakeId: id, receivedAt: '2026-11-27', portal: 'test', client: 'c', title: `t ${id}`, status: 'new', jobId: 'job-x' });

test('appendKeyed appends once per key and finds the row afterwards', async () => {
  const table = new SheetTable(env.google.sheets, env.config.ledgerSpreadsheetId, INTAKE);
  const first = await table.appendKeyed('intakeId', record('k-1'));
  const again = await table.appendKeyed('intakeId', record('k-1'));
  assert.equal(first.created, true);
  assert.deepEqual(again, { row: first.row, created: false });
  assert.equal((await sheetRows(env.google, env.config.ledgerSpreadsheetId, INTAKE)).filter((r) => r.intakeId === 'k-1').length, 1);
});

test('a row taken by a concurrent writer right after our append is detected and appended again', async () => {
  const real = env.google.sheets;
  let raced = false;
  // A Sheets client whose first append is immediately overwritten by "another writer".
  const racing = {
    spreadsheets: {
      values: {
        get: real.spreadsheets.values.get.bind(real.spreadsheets.values),
        append: async (params: sheets_v4.Params$Resource$Spreadsheets$Values$Append) => {
          const res = await real.spreadsheets.values.append(params);
          if (!raced) {
            raced = true;
            const range = res.data.updates!.updatedRange!;
            await real.spreadsheets.values.update({ spreadsheetId: params.spreadsheetId!, range, valueInputOption: 'RAW', requestBody: { values: [Object.values(record('other-writer'))] } });
          }
          return res;
        },
      },
    },
  } as unknown as sheets_v4.Sheets;
  const table = new SheetTable(racing, env.config.ledgerSpreadsheetId, INTAKE);
  const { row, created } = await table.appendKeyed('intakeId', record('k-2'));
  assert.ok(raced && created);
  const rows = await sheetRows(env.google, env.config.ledgerSpreadsheetId, INTAKE);
  assert.equal(rows[row - 2]!.intakeId, 'k-2');
  assert.equal(rows.filter((r) => r.intakeId === 'k-2').length, 1);
  assert.equal(rows.filter((r) => r.intakeId === 'other-writer').length, 1);
});

test('a sheet that is not there is a permanent failure naming it', async () => {
  const table = new SheetTable(env.google.sheets, env.config.scheduleSpreadsheetId, INTAKE, 'TASUKI_LEDGER_SPREADSHEET_ID');
  await assert.rejects(table.readRows(), (err: unknown) => err instanceof JobFailure && !err.retryable && err.userMessage.ja.includes('Intake'));
  const missing = new SheetTable(env.google.sheets, 'sheet-nope', INTAKE, 'TASUKI_LEDGER_SPREADSHEET_ID');
  await assert.rejects(missing.readRows(), (err: unknown) => err instanceof JobFailure && !err.retryable && err.message.includes('TASUKI_LEDGER_SPREADSHEET_ID') && !err.userMessage.en.includes('TASUKI_'));
});
