// ledger.summarize and ledger.search against the sandbox's seeded ledger: summary records in the
// store, the Summary sheet mirror, a chart PNG, a Chat answer card; search over ledger rows and
// request texts; crash at every step leaving one answer message and one set of summary rows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ledgerSearch } from '../service/jobs/ledgerSearch.js';
import { ledgerSummarize } from '../service/jobs/ledgerSummarize.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import { loadChart } from '../service/summary/chartImages.js';
import { JobFailure } from '../service/jobFailure.js';
import type { LedgerSearchResult, LedgerSummarizeResult } from '../shared/kinds/ledgerSummarize.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { SUMMARY } from '../shared/sheetLayouts.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { chatMessages, sheetRows } from './support/jobsInspect.js';

let env: JobsEnv;
before(async () => {
  env = await startJobsEnv();
});
after(() => env.close());

const chatReply = () => ({ chat: { space: env.config.chatSpace } });

test('summary for "acme": rows per month with median lead time, Summary sheet, chart, one answer card', async () => {
  const job = await env.newJob('ledger.summarize', { client: 'acme' }, { reply: chatReply() });
  const result = await env.runCrashingEverywhere<LedgerSummarizeResult>(ledgerSummarize, job.id, ['database', 'sheet', 'chart', 'answer']);
  // Seeded: アクメ P-2026-001 (06, 15 days), -004 (07, 42 days), -008 (09, 29 days).
  assert.deepEqual(result.rows, [
    { client: '株式会社アクメ', month: '2026-06', count: 1, amount: 180_000, medianLeadDays: 15 },
    { client: '株式会社アクメ', month: '2026-07', count: 1, amount: 320_000, medianLeadDays: 42 },
    { client: '株式会社アクメ', month: '2026-09', count: 1, amount: 680_000, medianLeadDays: 29 },
  ]);
  const id = /\/charts\/([0-9a-f]{40})\.png$/.exec(result.chartUrl!)![1]!;
  const png = await loadChart(env.store, id);
  assert.ok(png && png.subarray(1, 4).toString() === 'PNG');
  const sheet = await sheetRows(env.google, env.config.ledgerSpreadsheetId, SUMMARY);
  assert.ok(sheet.length >= 10, `all clients mirrored, got ${sheet.length}`);
  const acmeJune = sheet.find((r) => r.client === '株式会社アクメ' && r.month === '2026-06')!;
  assert.equal(acmeJune.count, '1');
  assert.equal(acmeJune.medianLeadDays, '15');
  // The time as the office reads it (its time zone, no T or Z), not ISO UTC.
  assert.match(acmeJune.updatedAt ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  const tokyoNow = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
  assert.ok([tokyoNow, new Date(Date.now() + 9 * 3600_000 - 60_000).toISOString().slice(0, 10)].includes(acmeJune.updatedAt!.slice(0, 10)));
  assert.equal((await env.store.queryDocs('summary')).length, sheet.length);
  const answers = (await chatMessages(env.google, env.config.chatSpace)).filter((m) => m.text.startsWith('集計'));
  assert.equal(answers.length, 1);
  assert.ok(JSON.stringify(answers[0]!.cardsV2).includes(result.chartUrl!));
});

test('summarizing again after a new project updates the records in place (no duplicates)', async () => {
  const before = (await env.store.queryDocs('summary')).length;
  const create = await env.newJob('project.create', { source: 'chat', client: { name: '北斗書店' }, title: '看板 春', amount: 70_000 });
  await env.run<ProjectCreateResult>(projectCreate, create.id);
  const job = await env.newJob('ledger.summarize', {});
  const result = await env.run<LedgerSummarizeResult>(ledgerSummarize, job.id);
  const month = new Date(create.createdAt).toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }).slice(0, 7);
  const hokuto = result.rows.find((r) => r.client === '北斗書店' && r.month === month)!;
  assert.ok(hokuto.count >= 1 && hokuto.medianLeadDays === null);
  const after = await env.store.queryDocs('summary');
  assert.ok(after.length === before || after.length === before + 1);
  assert.equal((await sheetRows(env.google, env.config.ledgerSpreadsheetId, SUMMARY)).length, after.length);
});

test('search finds past requests by client, title and the request text; every word must match; one answer after crashes', async () => {
  const create = await env.newJob('project.create', {
    source: 'gmail', client: { name: 'みどり不動産' }, title: '新築マンション パンフレット',
    request: { subject: 'ご相談', body: '外観パースとフロアマップを含めたいです', attachments: [] },
  });
  const project = await env.run<ProjectCreateResult>(projectCreate, create.id);
  const search = async (words: string, crashEverywhere = false) => {
    const job = await env.newJob('ledger.search', { words }, { reply: chatReply() });
    return crashEverywhere ? env.runCrashingEverywhere<LedgerSearchResult>(ledgerSearch, job.id, ['search', 'answer']) : env.run<LedgerSearchResult>(ledgerSearch, job.id);
  };
  assert.deepEqual((await search('みどり チラシ')).matches.map((m) => m.projectNumber), ['P-2026-010', 'P-2026-007']);
  const byBody = await search('フロアマップ', true);
  assert.deepEqual(byBody.matches.map((m) => m.projectNumber), [project.projectNumber]);
  assert.equal(byBody.matches[0]!.url, project.folderUrl);
  assert.deepEqual((await search('BLUE　harbor menu')).matches.map((m) => m.projectNumber), ['P-2026-002']);
  assert.deepEqual((await search('存在しない依頼')).matches, []);
  assert.equal((await chatMessages(env.google, env.config.chatSpace)).filter((m) => m.text.startsWith('検索: フロアマップ (1)')).length, 1);
  assert.equal(ledgerSearch.input.safeParse({ words: '  ' }).success, false);
});

test('a renamed Ledger sheet is a permanent failure naming it', async () => {
  const job = await env.newJob('ledger.summarize', {});
  await assert.rejects(
    env.run(ledgerSummarize, job.id, { config: { ledgerSpreadsheetId: env.config.scheduleSpreadsheetId } }),
    (err: unknown) => err instanceof JobFailure && !err.retryable && err.userMessage.ja.includes('Ledger'),
  );
  assert.equal(ledgerSummarize.input.safeParse({ from: '2026/06' }).success, false);
});
