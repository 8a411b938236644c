// The office's own layout: the Ledger, Intake and Schedule sheets with their columns reordered and
// a column of the office's inserted among them, in the Workspace sandbox. Every job that writes
// them (portal.scrape, project.create from Gmail and from an intake row, billing.document,
// schedule.sync) puts each value under its header, leaves the office's column alone, and a sheet
// missing a header tasuki needs fails the job with the sheet and the header named.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accountingProviderFor } from '../service/billing/providers.js';
import { createBillingDocumentHandler } from '../service/jobs/billingDocument.js';
import { createPortalScrapeHandler } from '../service/jobs/portalScrape.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import { scheduleSync } from '../service/jobs/scheduleSync.js';
import { JobFailure } from '../service/jobFailure.js';
import { SheetTable } from '../service/workspace/sheetTable.js';
import { adviceText, failureText } from '../shared/cards/jobDisplay.js';
import type { BillingDocumentResult } from '../shared/kinds/billingDocument.js';
import type { PortalScrapeResult } from '../shared/kinds/portalScrape.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import type { ScheduleSyncResult } from '../shared/kinds/scheduleSync.js';
import { INTAKE, LEDGER, SCHEDULE } from '../shared/sheetLayouts.js';
import { demoPortalConfig, startPortalSite, type PortalSite } from '../local/demo-portal/portalSite.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';

type Layout = { sheetName: string; headers: string[] };

const NOTE = '備考 Office note';
const billingDocument = createBillingDocumentHandler(accountingProviderFor);
let env: JobsEnv;
let site: PortalSite;

/** All values of a sheet, row 1 included. */
async function grid(spreadsheetId: string, sheet: string): Promise<string[][]> {
  const res = await env.google.sheets.spreadsheets.values.get({ spreadsheetId, range: `'${sheet}'` });
  return (res.data.values ?? []).map((r) => r.map((c) => String(c ?? '')));
}

/** The sheet's data rows as records keyed by header text, wherever the header stands. */
async function rowsByHeader(spreadsheetId: string, sheet: string): Promise<Array<Record<string, string>>> {
  const [header = [], ...rows] = await grid(spreadsheetId, sheet);
  return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

/**
 * Rewrites a sheet the office's way: its columns in reverse order, with NOTE inserted third
 * (each existing row's note says which row it was, so a write into the wrong column shows).
 */
async function reorder(spreadsheetId: string, layout: Layout): Promise<string[]> {
  const [header = [], ...rows] = await grid(spreadsheetId, layout.sheetName);
  const order = [...header.keys()].reverse();
  const newHeader = [...order.map((i) => header[i]!)];
  newHeader.splice(2, 0, NOTE);
  const newRows = rows.map((cells, r) => {
    const out = order.map((i) => cells[i] ?? '');
    out.splice(2, 0, `office note ${r + 2}`);
    return out;
  });
  await env.google.sheets.spreadsheets.values.clear({ spreadsheetId, range: `'${layout.sheetName}'` });
  await env.google.sheets.spreadsheets.values.update({ spreadsheetId, range: `'${layout.sheetName}'!A1`, valueInputOption: 'RAW', requestBody: { values: [newHeader, ...newRows] } });
  return newHeader;
}

const h = <K extends string>(layout: { headers: string[]; index: Record<K, number> }, key: K) => layout.headers[layout.index[key]]!;

before(async () => {
  site = await startPortalSite({ pageSize: 5 });
  site.orders.push({ id: 'ORD-301', client: '北斗書店', title: '年始フェア 看板', due: '2027/01/08', amount: 180_000 });
  env = await startJobsEnv({ config: { portals: [demoPortalConfig(site.url)] } });
  await reorder(env.config.ledgerSpreadsheetId, LEDGER);
  await reorder(env.config.ledgerSpreadsheetId, INTAKE);
  await reorder(env.config.scheduleSpreadsheetId, SCHEDULE);
});
after(async () => {
  await env?.close();
  await site?.close();
});

test('a reordered sheet with an office column is read and written by header by every job', async () => {
  const ledgerId = env.config.ledgerSpreadsheetId;
  const scheduleId = env.config.scheduleSpreadsheetId;

  // portal.scrape appends the order to the Intake sheet under its headers.
  const scrape = await env.newJob('portal.scrape', { portal: 'acme' });
  const scraped = await env.run<PortalScrapeResult>(createPortalScrapeHandler({ allowLoopback: true, env: { TASUKI_PORTAL_ACME_USER: 'office', TASUKI_PORTAL_ACME_PASSWORD: 'secret-pass' } }), scrape.id);
  assert.deepEqual(scraped.intakeIds, ['acme-ORD-301']);
  const intake = (await rowsByHeader(ledgerId, INTAKE.sheetName)).find((r) => r[h(INTAKE, 'intakeId')] === 'acme-ORD-301')!;
  assert.deepEqual(
    [intake[h(INTAKE, 'client')], intake[h(INTAKE, 'title')], intake[h(INTAKE, 'due')], intake[h(INTAKE, 'amount')], intake[h(INTAKE, 'status')], intake[h(INTAKE, 'jobId')], intake[NOTE]],
    ['北斗書店', '年始フェア 看板', '2027-01-08', '180000', '未処理', scrape.id, ''],
  );

  // project.create from that intake row: a Ledger row and a Schedule row by header, the intake row marked.
  const create = await env.newJob('project.create', { source: 'portal', intakeId: 'acme-ORD-301', client: { name: '北斗書店' }, title: '年始フェア 看板', due: '2027-01-08', amount: 180_000 });
  const project = await env.run<ProjectCreateResult>(projectCreate, create.id);
  const ledgerRows = await rowsByHeader(ledgerId, LEDGER.sheetName);
  const row = ledgerRows.find((r) => r[h(LEDGER, 'projectNumber')] === project.projectNumber)!;
  assert.ok(row, JSON.stringify(ledgerRows.at(-1)));
  assert.deepEqual(
    [row[h(LEDGER, 'client')], row[h(LEDGER, 'title')], row[h(LEDGER, 'due')], row[h(LEDGER, 'amount')], row[h(LEDGER, 'folderUrl')], row[h(LEDGER, 'jobId')], row[NOTE]],
    ['北斗書店', '年始フェア 看板', '2027-01-08', '180000', project.folderUrl, create.id, ''],
  );
  // The seeded rows' cells, the office's note included, are where they were.
  assert.deepEqual([ledgerRows[0]![h(LEDGER, 'projectNumber')], ledgerRows[0]![h(LEDGER, 'invoice')], ledgerRows[0]![NOTE]], ['P-2026-001', 'I-2026-001', 'office note 2']);
  const marked = (await rowsByHeader(ledgerId, INTAKE.sheetName)).find((r) => r[h(INTAKE, 'intakeId')] === 'acme-ORD-301')!;
  assert.deepEqual([marked[h(INTAKE, 'status')], marked[h(INTAKE, 'projectNumber')], marked[NOTE]], ['案件化', project.projectNumber, '']);
  const seededIntake = (await rowsByHeader(ledgerId, INTAKE.sheetName))[0]!;
  assert.deepEqual([seededIntake[h(INTAKE, 'intakeId')], seededIntake[h(INTAKE, 'status')], seededIntake[NOTE]], ['acme-ORD-20261120-07', '未処理', 'office note 2']);
  const milestone = (await rowsByHeader(scheduleId, SCHEDULE.sheetName)).find((r) => r[h(SCHEDULE, 'projectNumber')] === project.projectNumber)!;
  assert.deepEqual([milestone[h(SCHEDULE, 'end')], milestone[h(SCHEDULE, 'jobId')], milestone[NOTE]], ['2027-01-08', create.id, '']);
  assert.match(milestone[h(SCHEDULE, 'title')]!, /年始フェア 看板/);

  // billing.document reads the project's row by header and writes the estimate number under 見積 Estimate.
  const estimate = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber });
  const issued = await env.run<BillingDocumentResult>(billingDocument, estimate.id);
  assert.equal(issued.outcome, 'issued');
  assert.match(issued.summary, /北斗書店/);
  const billed = (await rowsByHeader(ledgerId, LEDGER.sheetName)).find((r) => r[h(LEDGER, 'projectNumber')] === project.projectNumber)!;
  assert.deepEqual([billed[h(LEDGER, 'estimate')], billed[h(LEDGER, 'invoice')], billed[NOTE]], [issued.documentNumber, '', '']);

  // schedule.sync reads every row by header and writes row keys, links and statuses under theirs.
  const sync = await env.newJob('schedule.sync', {});
  const synced = await env.run<ScheduleSyncResult>(scheduleSync, sync.id);
  assert.equal(synced.errors.length, 1, JSON.stringify(synced.errors)); // the seed's "12月末" row
  const schedule = await rowsByHeader(scheduleId, SCHEDULE.sheetName);
  const ok = schedule.filter((r) => r[h(SCHEDULE, 'eventLink')]);
  assert.equal(ok.length, synced.created + synced.updated + synced.unchanged);
  assert.ok(ok.every((r) => r[h(SCHEDULE, 'rowKey')] && /^同期済 /.test(r[h(SCHEDULE, 'syncStatus')]!)), JSON.stringify(ok));
  assert.deepEqual(schedule.map((r) => r[NOTE]), schedule.map((_, i) => (i < schedule.length - 1 ? `office note ${i + 2}` : '')), 'the office column is untouched');
});

test("a sheet missing a header tasuki needs fails the job naming the sheet and the header; the record has the details", async () => {
  const scheduleId = env.config.scheduleSpreadsheetId;
  // The office renamed the Calendar column: row 1 no longer has 'カレンダー Event'.
  const [header = []] = await grid(scheduleId, SCHEDULE.sheetName);
  const at = header.indexOf(h(SCHEDULE, 'eventLink'));
  assert.ok(at >= 0);
  await env.google.sheets.spreadsheets.values.update({ spreadsheetId: scheduleId, range: `'${SCHEDULE.sheetName}'!${String.fromCharCode(65 + at)}1`, valueInputOption: 'RAW', requestBody: { values: [['予定 Link']] } });
  const sync = await env.newJob('schedule.sync', {}, { locale: 'en' });
  const failure = await env.run(scheduleSync, sync.id).then(
    () => assert.fail('the sync should fail'),
    (err: unknown) => err,
  );
  assert.ok(failure instanceof JobFailure, String(failure));
  assert.equal(failure.code, 'sheet_header_missing');
  assert.equal(failure.retryable, false);
  assert.equal(
    failure.userMessage.en,
    'Row 1 of the "Schedule" sheet has no "カレンダー Event" column. If the column was deleted or its heading changed, put the heading "カレンダー Event" back (the columns may be in any order).',
  );
  assert.match(failure.userMessage.ja, /^「Schedule」シートの1行目に見出し「カレンダー Event」の列がありません。/);
  // For the administrator (the record and the log): which spreadsheet, its setting, what row 1 holds.
  assert.match(failure.message, new RegExp(`spreadsheet ${scheduleId} \\(TASUKI_SCHEDULE_SPREADSHEET_ID\\).*予定 Link`));
  // How the job card reads it: the catalogue's sentence, and Retry once row 1 is fixed.
  const job = { id: sync.id, kind: 'schedule.sync' as const, status: 'failed' as const, locale: 'en' as const, input: {}, cancelRequested: false, error: { code: failure.code, message: failure.message, retryable: false, userMessage: failure.userMessage } };
  assert.equal(failureText(job, 'ja'), failure.userMessage.ja);
  assert.equal(adviceText(job, 'en'), 'Fix the problem, then press Retry.');

  // A read needs every column of the layout; a write needs the columns it writes, and only those.
  const table = new SheetTable(env.google.sheets, scheduleId, SCHEDULE, 'TASUKI_SCHEDULE_SPREADSHEET_ID');
  await assert.rejects(table.readRows(), (err: unknown) => err instanceof JobFailure && err.code === 'sheet_header_missing');
  await assert.rejects(table.updateRow(2, { eventLink: 'x' }), (err: unknown) => err instanceof JobFailure && err.code === 'sheet_header_missing');
  await table.updateRow(2, { notes: 'メモ by header' });
  assert.equal((await rowsByHeader(scheduleId, SCHEDULE.sheetName))[0]![h(SCHEDULE, 'notes')], 'メモ by header');
});
