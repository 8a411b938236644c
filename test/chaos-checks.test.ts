/**
 * The chaos suite's rules (local/chaos/checks.ts) on hand-made states: each rule must see the
 * fault it names and nothing else, so a clean chaos run means something.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobChatMessage } from '../shared/cards/jobCard.js';
import { judge, statusShown, type CheckInput } from '../local/chaos/checks.js';
import { taskIdFor } from '../service/queue/taskId.js';
import type { SheetGrid, WorkspaceView } from '../local/chaos/sandboxReader.js';
import type { ObservedJob } from '../local/chaos/storeReader.js';
import type { ChatMessage } from '../local/sandbox/chatApi.js';
import type { DriveFile } from '../local/sandbox/driveApi.js';
import type { CalendarEvent } from '../local/sandbox/calendarApi.js';
import { LEDGER, SCHEDULE, INTAKE } from '../shared/sheetLayouts.js';

const SPACE = 'spaces/AAAAtasukiTeam';

function job(id: string, status: string, extra: Partial<ObservedJob> = {}): ObservedJob {
  return { id, kind: 'system.echo', status, requestedBy: 'sato@example.co.jp', locale: 'en', stepNames: [], reply: { chat: { space: SPACE } }, ...extra };
}

function reply(j: ObservedJob, shownStatus = j.status, name = `${SPACE}/messages/m-${j.id}`): ChatMessage {
  const body = jobChatMessage({ id: j.id, kind: j.kind, status: shownStatus as never, locale: j.locale, cancelRequested: false, ...(j.error ? { error: { code: j.error.code!, message: j.error.message!, retryable: false } } : {}) });
  return { name, sender: { name: 'users/app', type: 'BOT' }, createTime: '2026-12-03T00:00:00Z', text: body.text, cardsV2: body.cardsV2, thread: { name: `${SPACE}/threads/t` }, space: { name: SPACE }, clientAssignedMessageId: `client-${j.id}` };
}

function grid(headers: string[], rows: string[][] = []): SheetGrid {
  return { rows: [headers, ...rows] };
}

function ledgerRow(values: Partial<Record<(typeof LEDGER.columns)[number]['key'], string>>): string[] {
  return LEDGER.columns.map((c) => values[c.key] ?? '');
}

function workspace(over: Partial<WorkspaceView> = {}): WorkspaceView {
  return {
    chatMessages: [],
    driveFiles: [],
    sheets: { Ledger: grid(LEDGER.headers, [ledgerRow({ projectNumber: 'P-2026-012', invoice: 'I-2026-009', estimate: 'E-2026-011' })]), Intake: grid(INTAKE.headers), Schedule: grid(SCHEDULE.headers) },
    calendarEvents: [],
    gmailDrafts: [],
    ...over,
  };
}

function file(id: string, extra: Partial<DriveFile> = {}): DriveFile {
  return { kind: 'drive#file', id, name: id, mimeType: 'application/pdf', parents: ['folder-projects'], starred: false, trashed: false, createdTime: '', modifiedTime: '', version: '1', webViewLink: '', iconLink: '', owners: [], lastModifyingUser: { displayName: '', emailAddress: '' } as never, ...extra };
}

function event(id: string, rowKey: string, extra: Partial<CalendarEvent> = {}): CalendarEvent {
  return { kind: 'calendar#event', etag: '', id, status: 'confirmed', htmlLink: '', created: '', updated: '', summary: `s-${id}`, creator: { email: '' }, organizer: { email: '' }, start: { date: '2026-12-01' }, end: { date: '2026-12-02' }, iCalUID: '', sequence: 0, reminders: { useDefault: true }, eventType: 'default', extendedProperties: { private: { tasukiRowKey: rowKey } }, ...extra };
}

function run(input: Partial<CheckInput> & { jobs: ObservedJob[] }) {
  return judge({ claims: [], before: workspace(), after: workspace(), ...input });
}

test('a clean run: every job ended and its one message shows the end', () => {
  const jobs = [job('a', 'succeeded'), job('b', 'failed', { error: { code: 'echo_failed', message: 'The echo failed on purpose.' } }), job('c', 'canceled'), job('d', 'succeeded', { reply: undefined })];
  const v = run({ jobs, after: workspace({ chatMessages: jobs.filter((j) => j.reply).map((j) => reply(j)) }) });
  assert.equal(v.stranded, 0);
  assert.equal(v.unreported, 0);
  assert.equal(v.duplicates.total, 0);
  assert.equal(v.failuresWithoutMessage, 0);
  assert.deepEqual([v.succeeded, v.failed, v.canceled], [2, 1, 1]);
});

test('a job not terminal is stranded, with what the emulator still holds', () => {
  const now = new Date('2026-12-03T10:00:00Z');
  const v = run({
    jobs: [job('a', 'running', { attempts: 3, generation: 1, updatedAt: '2026-12-03T09:55:00Z' }), job('b', 'queued', { generation: 2, updatedAt: '2026-12-03T09:59:30Z' })],
    // The emulator holds b's current task, and a task of another generation of a (not a's own).
    emulatorTasks: new Set([`q/tasks/${taskIdFor('b', 2)}`, `q/tasks/${taskIdFor('a', 2)}`]),
    now,
  });
  assert.equal(v.stranded, 2);
  assert.equal(v.strandedIdle, 1, 'a has not moved for 5 minutes and has no task; b changed 30 s ago');
  const waiting = run({ jobs: [job('c', 'queued', { generation: 1, updatedAt: '2026-12-03T09:50:00Z' })], emulatorTasks: new Set([`q/tasks/${taskIdFor('c', 1)}`]), now });
  assert.deepEqual([waiting.stranded, waiting.strandedIdle], [1, 0], 'idle but its task waits in the queue: a backlog, not stuck');
  assert.deepEqual(v.strandedJobs.map((s) => [s.id, s.taskExists, s.idleSeconds]), [['a', false, 300], ['b', true, 30]]);
});

test('a terminal job whose message is missing or still says running is unreported', () => {
  const a = job('a', 'failed', { error: { code: 'abandoned', message: 'The worker stopped answering.' } });
  const b = job('b', 'succeeded');
  const v = run({ jobs: [a, b], after: workspace({ chatMessages: [reply(a, 'running')] }) });
  assert.equal(v.unreported, 2);
  assert.equal(v.abandoned, 1);
  assert.match(v.unreportedJobs.find((u) => u.id === 'a')!.why, /running/);
  assert.match(v.unreportedJobs.find((u) => u.id === 'b')!.why, /no reply message/);
});

test('statusShown reads the status in the job language, not another status', () => {
  const ja = reply(job('x', 'succeeded', { locale: 'ja' }));
  assert.equal(statusShown(ja, 'ja'), 'succeeded');
  assert.equal(statusShown({ text: 'nothing here' }, 'ja'), null);
});

test('a sheet target needs its final status in the row, when one job alone targets the row', () => {
  const target = { spreadsheetId: 'sheet-ledger', sheetName: 'Ledger', row: 2 };
  const a = job('a', 'succeeded', { reply: { sheet: target } });
  const row = (text: string) => workspace({ sheets: { ...workspace().sheets, Ledger: grid([...LEDGER.headers, 'Job status'], [[...ledgerRow({ projectNumber: 'P-2026-012' }), text]]) } });
  assert.equal(run({ jobs: [a], after: row('✅ Done') }).unreported, 0);
  assert.equal(run({ jobs: [a], after: row('🔄 Running · 1/2') }).unreported, 1);
  assert.equal(run({ jobs: [a], after: row('') }).unreported, 1);
  const b = job('b', 'failed', { reply: { sheet: target }, error: { code: 'x', message: 'Failed for a reason.' } });
  assert.equal(run({ jobs: [a, b], after: row('') }).unreported, 0, 'two jobs on one row: whichever wrote last wins, not checked');
});

test("a sheet status is read in the office's sheet language, whoever asked", () => {
  const target = { spreadsheetId: 'sheet-ledger', sheetName: 'Ledger', row: 2 };
  const a = job('a', 'succeeded', { reply: { sheet: target } }); // an English-speaking requester
  const row = (text: string) => workspace({ sheets: { ...workspace().sheets, Ledger: grid([...LEDGER.headers, 'tasuki 状態'], [[...ledgerRow({ projectNumber: 'P-2026-012' }), text]]) } });
  assert.equal(run({ jobs: [a], after: row('✅ 完了'), sheetLocale: 'ja' }).unreported, 0);
  assert.equal(run({ jobs: [a], after: row('✅ Done'), sheetLocale: 'ja' }).unreported, 1, 'the wrong language is not the office status');
  assert.equal(run({ jobs: [a], after: row('🔄 実行中 · 1/2'), sheetLocale: 'ja' }).unreported, 1);
});

test('duplicates: Drive files by tag, ledger rows by job, schedule rows, calendar events, Chat messages', () => {
  const a = job('a', 'succeeded');
  const tag = { tasukiJob: 'a', tasukiKey: 'root' };
  const after = workspace({
    driveFiles: [file('f1', { appProperties: tag }), file('f2', { appProperties: tag }), file('f3', { appProperties: tag, trashed: true }), file('u1', { name: 'same' }), file('u2', { name: 'same' })],
    sheets: {
      Ledger: grid(LEDGER.headers, [ledgerRow({ projectNumber: 'P-2026-013', jobId: 'a' }), ledgerRow({ projectNumber: 'P-2026-014', jobId: 'a' })]),
      Intake: grid(INTAKE.headers, [INTAKE.columns.map((c) => (c.key === 'intakeId' ? 'acme-1' : '')), INTAKE.columns.map((c) => (c.key === 'intakeId' ? 'acme-1' : ''))]),
      Schedule: grid(SCHEDULE.headers, [SCHEDULE.columns.map((c) => (c.key === 'rowKey' ? 'k1' : '')), SCHEDULE.columns.map((c) => (c.key === 'rowKey' ? 'k1' : ''))]),
    },
    calendarEvents: [event('e1', 'k1'), event('e2', 'k1'), event('e3', 'k1', { status: 'cancelled' }), event('e4', 'k9', { summary: 's-e1' })],
    chatMessages: [reply(a), reply(a, 'succeeded', `${SPACE}/messages/other`)],
    gmailDrafts: [
      { user: 'sato@example.co.jp', id: 'g1', subject: '請求書 I-2026-010 のご送付' },
      { user: 'sato@example.co.jp', id: 'g2', subject: '請求書 I-2026-010 のご送付' },
      { user: 'emma@example.co.jp', id: 'g3', subject: 'Invoice I-2026-010' },
    ],
  });
  const v = run({ jobs: [a], after });
  assert.equal(v.duplicates.driveFiles, 2, 'f2 (same tag) and u2 (same parent and name, untagged, made in the run)');
  assert.equal(v.duplicates.ledgerRows, 1);
  assert.equal(v.duplicates.intakeRows, 1);
  assert.equal(v.duplicates.scheduleRows, 1);
  assert.equal(v.duplicates.calendarEvents, 2, 'e2 (same row key) and e4 (same summary and dates under another key); cancelled e3 is not one');
  assert.equal(v.duplicates.chatMessages, 1);
  assert.equal(v.duplicates.gmailDrafts, 1, 'two drafts of one number in one mailbox; the other mailbox is another user');
});

test('two jobs posting equal answers under their own client ids are not duplicates; a repost without one is', () => {
  const answer = (name: string, clientId?: string): ChatMessage => ({
    name: `${SPACE}/messages/${name}`, sender: { name: 'users/app', type: 'BOT' }, createTime: '', text: '検索: Menu (1)', cardsV2: [{ cardId: 'search', card: {} }],
    thread: { name: `${SPACE}/threads/t` }, space: { name: SPACE }, ...(clientId ? { clientAssignedMessageId: clientId } : {}),
  });
  assert.equal(run({ jobs: [], after: workspace({ chatMessages: [answer('m1', 'client-1'), answer('m2', 'client-2')] }) }).duplicates.chatMessages, 0);
  assert.equal(run({ jobs: [], after: workspace({ chatMessages: [answer('m1'), answer('m2')] }) }).duplicates.chatMessages, 1);
});

test('numbers: duplicates, and gaps explained only by a failed job', () => {
  const jobs = [job('p1', 'succeeded'), job('p2', 'failed', { error: { code: 'x', message: 'Something the user can fix.' } }), job('p3', 'succeeded'), job('p4', 'succeeded')];
  const after = workspace({
    sheets: {
      ...workspace().sheets,
      Ledger: grid(LEDGER.headers, [
        ledgerRow({ projectNumber: 'P-2026-012' }),
        ledgerRow({ projectNumber: 'P-2026-013', jobId: 'p1' }),
        ledgerRow({ projectNumber: 'P-2026-015', jobId: 'p3' }),
        ledgerRow({ projectNumber: 'P-2026-017', jobId: 'p4' }),
      ]),
    },
  });
  const claims = [
    { sequence: 'project-2026', n: 1, owner: 'p1', base: 12 },
    { sequence: 'project-2026', n: 2, owner: 'p2', base: 12 },
    { sequence: 'project-2026', n: 3, owner: 'p3', base: 12 },
  ];
  const v = run({ jobs, claims, after });
  assert.deepEqual(v.numberGaps, { total: 2, explained: 1, heldByUnfinished: 0, unexplained: 1 }, '014 held by failed p2; 016 claimed by nobody');

  const twice = workspace({
    sheets: { ...workspace().sheets, Ledger: grid(LEDGER.headers, [ledgerRow({ projectNumber: 'P-2026-013', jobId: 'p1' }), ledgerRow({ projectNumber: 'P-2026-013', jobId: 'p3' })]) },
    driveFiles: [file('d1', { name: 'I-2026-010 請求書.pdf', appProperties: { tasukiJob: 'p1', tasukiKey: 'billing-pdf' } }), file('d2', { name: 'I-2026-010 請求書.pdf', appProperties: { tasukiJob: 'p3', tasukiKey: 'billing-pdf' } })],
  });
  assert.equal(run({ jobs, after: twice }).duplicates.numbers, 2, 'P-2026-013 on two rows, I-2026-010 in two jobs’ PDFs');

  const issued = { documentNumber: 'I-2026-011', outcome: 'issued' };
  const shownAgain = [job('i1', 'succeeded', { result: issued }), job('i2', 'succeeded', { result: { ...issued, outcome: 'existing' } })];
  assert.equal(run({ jobs: shownAgain }).duplicates.numbers, 0, 'a second /invoice showing the existing I-2026-011 issues nothing');
  const issuedTwice = [job('i1', 'succeeded', { result: issued }), job('i2', 'succeeded', { result: issued })];
  assert.equal(run({ jobs: issuedTwice }).duplicates.numbers, 1, 'two jobs that both issued I-2026-011');
});

test('a failure needs a code and a sentence, not internals', () => {
  const jobs = [
    job('a', 'failed', { reply: undefined, error: { code: 'x', message: '' } }),
    job('b', 'failed', { reply: undefined, error: { code: 'x', message: 'TypeError: cannot read x\n    at run (worker.js:1:1)' } }),
    job('c', 'failed', { reply: undefined }),
    job('d', 'failed', { reply: undefined, error: { code: 'project_not_found', message: 'Project P-2026-099 is not in the ledger.' } }),
  ];
  const v = run({ jobs });
  assert.equal(v.failuresWithoutMessage, 3);
  assert.deepEqual(v.failuresByCode, { x: 2, '(none)': 1, project_not_found: 1 });
});
