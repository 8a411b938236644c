// project.create against the Workspace sandbox through the real Google clients: the happy path,
// bad inputs and configuration, and a crash at every step (before it, and between its Google
// calls and its record) ending with exactly one of each artefact.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { projectCreate, PROJECT_STEPS } from '../service/jobs/projectCreate.js';
import { JobFailure } from '../service/jobFailure.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { LEDGER, SCHEDULE } from '../shared/sheetLayouts.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { chatMessages, childrenOf, documentPlainText, filesTaggedBy, sheetRows } from './support/jobsInspect.js';

let env: JobsEnv;
before(async () => {
  env = await startJobsEnv();
});
after(() => env.close());

const request = (title: string) => ({
  source: 'gmail' as const,
  client: { name: '株式会社アクメ', email: 'tanaka@acme.example' },
  title,
  due: '2026-12-20',
  amount: 300_000,
  request: {
    subject: `【ご依頼】${title}`,
    from: '田中 <tanaka@acme.example>',
    receivedAt: '2026-11-27T09:00:00+09:00',
    body: `お世話になっております。${title}の制作をお願いいたします。`,
    attachments: [{ name: 'ラフ.pdf', mimeType: 'application/pdf', size: 1234 }],
  },
});

async function artefacts(jobId: string, number: string) {
  const { config, google } = env;
  const ledger = (await sheetRows(google, config.ledgerSpreadsheetId, LEDGER)).filter((r) => r.jobId === jobId);
  const schedule = (await sheetRows(google, config.scheduleSpreadsheetId, SCHEDULE)).filter((r) => r.jobId === jobId);
  const folders = (await childrenOf(google, config.projectsFolderId)).filter((f) => f.name.startsWith(`${number} `));
  const tagged = await filesTaggedBy(google, jobId);
  const messages = (await chatMessages(google, config.chatSpace)).filter((m) => m.text.includes(number));
  return { ledger, schedule, folders, tagged, messages };
}

test('happy path: number above the ledger, template tree with placeholders, brief, rows, announcement', async () => {
  const job = await env.newJob('project.create', request('看板デザイン'));
  const result = await env.run<ProjectCreateResult>(projectCreate, job.id);
  const year = new Date().getFullYear();
  // The seeded ledger holds P-2026-001…012; numbering continues after it.
  assert.match(result.projectNumber, new RegExp(`^P-${year}-\\d{3}$`));
  if (year === 2026) assert.equal(result.projectNumber, 'P-2026-013');
  const a = await artefacts(job.id, result.projectNumber);
  assert.equal(a.folders.length, 1);
  assert.equal(a.folders[0]!.name, `${result.projectNumber} 株式会社アクメ 看板デザイン`);
  assert.equal(a.ledger.length, 1);
  assert.equal(a.ledger[0]!.projectNumber, result.projectNumber);
  assert.equal(a.ledger[0]!.folderUrl, result.folderUrl);
  assert.equal(a.schedule.length, 1);
  assert.equal(a.schedule[0]!.end, '2026-12-20');
  assert.equal(a.messages.length, 1);
  // Template tree: nested folders, names filled, no placeholder left anywhere.
  const names = a.tagged.map((f) => f.name);
  assert.ok(names.every((n) => !n.includes('{{')), names.join(', '));
  assert.ok(names.includes('看板デザイン 制作メモ'), names.join(', '));
  assert.ok(a.tagged.filter((f) => f.mimeType === 'application/vnd.google-apps.folder').length >= 3);
  const memo = a.tagged.find((f) => f.name === '看板デザイン 制作メモ')!;
  const memoText = await documentPlainText(env.google, memo.id);
  assert.ok(memoText.includes(result.projectNumber) && memoText.includes('2026年12月20日') && !memoText.includes('{{'), memoText);
  const brief = await documentPlainText(env.google, result.briefDocId);
  assert.ok(brief.includes('看板デザインの制作をお願いいたします') && brief.includes('ラフ.pdf') && brief.includes('tanaka@acme.example'), brief);
  assert.equal(result.ledgerRow > 13, true);
  // The summary database has the request for ledger.search.
  assert.equal((await env.store.getDoc('requests', result.projectNumber))?.data.title, '看板デザイン');
});

test('a crash before every step and between every step\'s Google calls and its record leaves exactly one of each', async () => {
  const job = await env.newJob('project.create', request('会社案内パンフレット 2027'));
  const result = await env.runCrashingEverywhere<ProjectCreateResult>(projectCreate, job.id, PROJECT_STEPS);
  const a = await artefacts(job.id, result.projectNumber);
  assert.equal(a.folders.length, 1);
  assert.equal(a.ledger.length, 1);
  assert.equal(a.schedule.length, 1);
  assert.equal(a.messages.length, 1);
  const keys = a.tagged.map((f) => f.key);
  assert.equal(new Set(keys).size, keys.length, `duplicate tagged files: ${keys.join(', ')}`);
  assert.equal(a.tagged.filter((f) => f.key === 'brief').length, 1);
  const brief = await documentPlainText(env.google, result.briefDocId);
  assert.equal(brief.split('依頼概要 Request brief').length - 1, 1, 'brief text written once');
  // Running the finished job again changes nothing and returns the same result.
  const again = await env.run<ProjectCreateResult>(projectCreate, job.id);
  assert.deepEqual(again, result);
});

test('two concurrent jobs get consecutive numbers', async () => {
  const a = await env.newJob('project.create', request('A'));
  const b = await env.newJob('project.create', request('B'));
  const [ra, rb] = await Promise.all([env.run<ProjectCreateResult>(projectCreate, a.id), env.run<ProjectCreateResult>(projectCreate, b.id)]);
  const na = Number(ra.projectNumber.slice(-3));
  const nb = Number(rb.projectNumber.slice(-3));
  assert.equal(Math.abs(na - nb), 1);
});

test('a missing template folder is a permanent failure saying what to fix, in both languages', async () => {
  const job = await env.newJob('project.create', request('テンプレートなし'));
  await assert.rejects(
    env.run(projectCreate, job.id, { config: { templateFolderId: 'folder-does-not-exist' } }),
    (err: unknown) =>
      err instanceof JobFailure && !err.retryable && err.code === 'template_missing' && err.message.includes('TASUKI_TEMPLATE_FOLDER_ID') && err.userMessage.ja.includes('管理者に連絡') && !err.userMessage.en.includes('TASUKI_'),
  );
});

test('a missing projects folder is a permanent failure naming the variable', async () => {
  const job = await env.newJob('project.create', request('保存先なし'));
  await assert.rejects(
    env.run(projectCreate, job.id, { config: { projectsFolderId: 'folder-does-not-exist' } }),
    (err: unknown) => err instanceof JobFailure && !err.retryable && err.code === 'projects_folder_missing' && err.message.includes('TASUKI_PROJECTS_FOLDER_ID') && !err.userMessage.en.includes('TASUKI_'),
  );
});

test('a Chat space the app is not a member of is a permanent failure saying to add the app', async () => {
  const job = await env.newJob('project.create', request('チャット権限なし'));
  await assert.rejects(
    env.run(projectCreate, job.id, { config: { chatSpace: 'spaces/AAAAclientLounge' } }),
    (err: unknown) => err instanceof JobFailure && !err.retryable && err.code === 'google_permission_denied' && err.userMessage.en.includes('Add the tasuki app'),
  );
});

test('a renamed ledger sheet is a permanent failure naming the sheet', async () => {
  const job = await env.newJob('project.create', request('台帳なし'));
  // Everything up to the ledger works; the ledger spreadsheet has no "Ledger" sheet in the schedule spreadsheet.
  await assert.rejects(
    env.run(projectCreate, job.id, { config: { ledgerSpreadsheetId: env.config.scheduleSpreadsheetId } }),
    (err: unknown) => err instanceof JobFailure && !err.retryable && err.userMessage.en.includes('"Ledger"'),
  );
});

test('bad input is refused by the kind schema with the field named', () => {
  const parsed = projectCreate.input.safeParse({ source: 'gmail', client: { name: '' }, title: 'x', due: '12/20' });
  assert.equal(parsed.success, false);
  const paths = parsed.error!.issues.map((i) => i.path.join('.'));
  assert.deepEqual(paths.sort(), ['client.name', 'due']);
});

test('Google 503s are retryable failures', async () => {
  const job = await env.newJob('project.create', request('一時障害'));
  env.sandbox.sandbox.faults.set({ api: 'drive', errorRates: { 503: 1 } });
  try {
    await assert.rejects(env.run(projectCreate, job.id), (err: unknown) => err instanceof JobFailure && err.retryable);
  } finally {
    env.sandbox.sandbox.faults.set({ api: 'drive', errorRates: { 503: 0 } });
  }
  const result = await env.run<ProjectCreateResult>(projectCreate, job.id);
  assert.match(result.projectNumber, /^P-\d{4}-\d{3}$/);
});

test('with Gmail delegation, an attachment the add-on did not upload is copied into the materials folder once', async () => {
  const gmail = env.google.gmailFor('sato@example.co.jp')!;
  const list = await gmail.users.messages.list({ userId: 'me', q: 'subject:バレンタイン限定パッケージのご相談' });
  const messageId = list.data.messages![0]!.id!;
  const message = (await gmail.users.messages.get({ userId: 'me', id: messageId })).data;
  const parts = (message.payload?.parts ?? []).filter((p) => p.filename && p.body?.attachmentId);
  assert.equal(parts.length, 1);
  const job = await env.newJob('project.create', {
    source: 'gmail',
    client: { name: '山田製菓株式会社', email: 'yamada@yamada-seika.example' },
    title: 'バレンタイン限定パッケージ',
    due: '2027-01-15',
    amount: 450_000,
    request: {
      gmailMessageId: messageId,
      subject: 'バレンタイン限定パッケージのご相談',
      // No upload id (the add-on could not send it): the service reads it as the requester.
      attachments: parts.map((p) => ({ name: p.filename!, mimeType: p.mimeType!, size: p.body!.size ?? 0 })),
    },
  });
  const result = await env.runCrashingEverywhere<ProjectCreateResult>(projectCreate, job.id, ['attachments', 'attachment:0']);
  const materials = (await childrenOf(env.google, result.folderId)).find((f) => f.name.includes('資料'))!;
  const copies = (await childrenOf(env.google, materials.id)).filter((f) => f.name === '仕様書_バレンタイン2027.pdf');
  assert.equal(copies.length, 1);
  const bytes = await env.google.drive.files.get({ fileId: copies[0]!.id, alt: 'media' }, { responseType: 'arraybuffer' });
  assert.equal(Buffer.from(bytes.data as ArrayBuffer).subarray(0, 5).toString(), '%PDF-');
  assert.ok(result.links.some((l) => l.title === '仕様書_バレンタイン2027.pdf'));
  // Without delegation the attachments are listed in the brief but not copied.
  const without = await env.newJob('project.create', { ...(job.input as object), title: 'バレンタイン 2' });
  const r2 = await env.run<ProjectCreateResult>(projectCreate, without.id, { config: { gmailDelegation: false } });
  const materials2 = (await childrenOf(env.google, r2.folderId)).find((f) => f.name.includes('資料'))!;
  assert.equal((await childrenOf(env.google, materials2.id)).filter((f) => f.mimeType === 'application/pdf').length, 0);
  assert.deepEqual([r2.attachments?.filed, r2.attachments?.total], [0, 1]);
  assert.ok((await documentPlainText(env.google, r2.briefDocId)).includes('仕様書_バレンタイン2027.pdf'));
});

test('Calendar: the due date is its own one-day milestone titled with number and client; the work period only when configured; a sync afterwards changes nothing', async () => {
  const { scheduleSync } = await import('../service/jobs/scheduleSync.js');
  const { eventIdFor } = await import('../service/workspace/scheduleEvents.js');
  const events = async () => (await env.google.calendar.events.list({ calendarId: env.config.calendarId, showDeleted: false, maxResults: 250 })).data.items ?? [];
  const job = await env.newJob('project.create', { source: 'chat', client: { name: '北斗書店' }, title: '店頭POP 5種', due: '2026-12-10', amount: 60_000 });
  const result = await env.runCrashingEverywhere<ProjectCreateResult>(projectCreate, job.id, ['schedule', 'calendar']);
  const milestone = (await events()).filter((e) => e.id === eventIdFor(`project-${result.projectNumber}-due`));
  assert.equal(milestone.length, 1);
  assert.equal(milestone[0]!.summary, `${result.projectNumber} 納期: 北斗書店 店頭POP 5種`);
  assert.deepEqual([milestone[0]!.start, milestone[0]!.end], [{ date: '2026-12-10' }, { date: '2026-12-11' }], 'one day, not weeks');
  assert.equal((await events()).filter((e) => e.id === eventIdFor(`project-${result.projectNumber}`)).length, 0, 'no work period by default');
  assert.ok(result.links.some((l) => l.title === 'カレンダー: 納期'));
  const ledgerRows = await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER);
  assert.equal(ledgerRows.find((r) => r.projectNumber === result.projectNumber)!.status, '受付', "the ledger's first status, in the sheet language alone");
  const rows = (await sheetRows(env.google, env.config.scheduleSpreadsheetId, SCHEDULE)).filter((r) => r.jobId === job.id);
  assert.deepEqual(rows.map((r) => [r.rowKey, r.start, r.end]), [[`project-${result.projectNumber}-due`, '2026-12-10', '2026-12-10']]);

  const withPeriod = await env.newJob('project.create', { source: 'chat', client: { name: '北斗書店' }, title: '春の棚 看板', due: '2027-02-20' });
  const r2 = await env.run<ProjectCreateResult>(projectCreate, withPeriod.id, { config: { projectWorkPeriod: true, sheetLocale: 'en' } });
  assert.equal((await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER)).find((r) => r.projectNumber === r2.projectNumber)!.status, 'Received', 'an English office gets English values');
  assert.equal((await events()).find((e) => e.id === eventIdFor(`project-${r2.projectNumber}-due`))!.summary, `${r2.projectNumber} Due: 北斗書店 春の棚 看板`);
  const period = (await events()).find((e) => e.id === eventIdFor(`project-${r2.projectNumber}`))!;
  assert.equal(period.summary, `${r2.projectNumber} 北斗書店 春の棚 看板`);
  assert.deepEqual(period.end, { date: '2027-02-21' });

  const sync = await env.newJob('schedule.sync', {});
  const synced = await env.run<{ created: number; unchanged: number }>(scheduleSync, sync.id);
  assert.ok(synced.unchanged >= 3, `the project's events are unchanged by a sync: ${JSON.stringify(synced)}`);
  assert.equal((await events()).filter((e) => e.id === eventIdFor(`project-${result.projectNumber}-due`)).length, 1);
});
