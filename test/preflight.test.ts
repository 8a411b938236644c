/**
 * The preflight (POST /preflight, service/preflight/preflight.ts) against the local stack: the
 * seeded office passes every check; each real-domain misconfiguration, reproduced in the sandbox
 * with Google's own errors, fails its line with the fix in plain words — the projects folder in a
 * My Drive (storageQuotaExceeded), the shared drive not shared with the app, a spreadsheet shared
 * as Viewer only, the calendar not shared, the app not in the team space, an API not enabled, a portal secret missing. Only the
 * invoker's token may ask. `npm run preflight`'s printing is checked on the same answers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_PORTAL_CREDENTIALS } from '../local/demo-portal/portalSite.js';
import type { SharedDrive } from '../local/sandbox/access.js';
import type { StoredCalendar } from '../local/sandbox/calendarApi.js';
import type { StoredSpace } from '../local/sandbox/chatApi.js';
import type { DriveFile } from '../local/sandbox/driveApi.js';
import { APP_SERVICE_ACCOUNT, SEED_IDS, SEED_USERS } from '../local/sandbox/seedData.js';
import { askPreflight, preflightLines, type PreflightAnswer } from '../scripts/preflight.js';
import { portalCredentialVariables } from '../service/config.js';
import { runPreflight } from '../service/preflight/preflight.js';
import { startInProcessStack, type InProcessStack } from '../local/inProcessStack.js';
import { REPO_ROOT } from './support/runDeploy.js';

let stack: InProcessStack;
// The service reads portal secrets from its process environment (Cloud Run mounts them there);
// the in-process service shares this test's.
const secrets = portalCredentialVariables('acme');
before(async () => {
  stack = await startInProcessStack({ prefix: 'tasuki-preflight-' });
  process.env[secrets.user] = DEMO_PORTAL_CREDENTIALS.user;
  process.env[secrets.password] = DEMO_PORTAL_CREDENTIALS.password;
});
after(async () => {
  delete process.env[secrets.user];
  delete process.env[secrets.password];
  await stack?.close();
});

async function preflight(): Promise<PreflightAnswer> {
  const token = await stack.issuer.mintIdToken({ aud: stack.config.serviceUrl, email: stack.config.invokerServiceAccount });
  return askPreflight(stack.serviceUrl, token);
}

const line = (a: PreflightAnswer, id: string) => {
  const c = a.checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id}: ${a.checks.map((x) => x.id).join(', ')}`);
  return c;
};

/** Changes a sandbox document for the duration of `fn`, then puts it back. */
async function withChanged<T>(api: string, kind: string, id: string, change: (doc: T) => T, fn: () => Promise<void>): Promise<void> {
  const state = stack.sandbox.state;
  const before = state.get<T>(api, kind, id)!;
  state.put(api, kind, id, change(structuredClone(before)));
  try {
    await fn();
  } finally {
    state.put(api, kind, id, before);
  }
}

test('the seeded office passes every check, and nothing is left behind', async () => {
  const answer = await preflight();
  assert.equal(answer.ok, true, preflightLines(answer).join('\n'));
  for (const id of ['drive-projects-folder', 'drive-template-folder', 'docs-estimate-template', 'docs-invoice-template', 'sheets-ledger', 'sheets-schedule', 'calendar', 'chat-space', 'queue', 'store', 'portal-secret-acme']) {
    assert.equal(line(answer, id).ok, true, id);
  }
  const files = stack.sandbox.state.list<DriveFile>('drive', 'file').filter((f) => f.appProperties?.tasukiPreflight);
  assert.ok(files.length >= 1 && files.every((f) => f.trashed), 'the test file is trashed');
  const messages = stack.sandbox.state.list<{ text?: string }>('chat', 'message', SEED_IDS.chatSpace);
  assert.ok(!messages.some((m) => m.text?.includes('tasuki preflight')), 'the test message is deleted');
  const lines = preflightLines(answer);
  assert.match(lines.at(-1)!, /^All \d+ checks passed\.$/);
});

test('projects folder in a My Drive (shared with the app as Editor): storageQuotaExceeded, move it to a shared drive', async () => {
  await withChanged<DriveFile>('drive', 'file', SEED_IDS.projectsFolder, (f) => ({
    ...f, driveId: undefined, owners: [{ kind: 'drive#user', displayName: 'sato', emailAddress: SEED_USERS.sato.email }],
    permissions: [{ type: 'user', emailAddress: APP_SERVICE_ACCOUNT, role: 'writer' }],
  }), async () => {
    const c = line(await preflight(), 'drive-projects-folder');
    assert.equal(c.ok, false);
    assert.match(c.detail, /^403: Service Accounts do not have storage quota/);
    assert.match(c.fix!, /is in someone's My Drive, where a service account cannot own files \(no storage quota\): move it into a shared drive and add .* as Content manager/);
  });
});

test('shared drive not shared with the app: every Drive, Docs and Sheets line says to add it as Content manager', async () => {
  await withChanged<SharedDrive>('drive', 'drive', SEED_IDS.sharedDrive, (d) => ({ ...d, members: d.members.filter((m) => m.email !== APP_SERVICE_ACCOUNT) }), async () => {
    const answer = await preflight();
    for (const id of ['drive-projects-folder', 'drive-template-folder']) {
      const c = line(answer, id);
      assert.equal(c.ok, false, id);
      assert.match(c.detail, /^404: File not found/);
      assert.match(c.fix!, /is not visible to .*: add that account to the shared drive holding it as Content manager.*sharing outside the organization is off/);
    }
    const sheet = line(answer, 'sheets-ledger');
    assert.equal(sheet.ok, false);
    assert.match(sheet.detail, /^403: The caller does not have permission/);
    assert.match(sheet.fix!, /share the ledger spreadsheet \(sheet-ledger\) with .* as Editor/);
    assert.equal(line(answer, 'docs-invoice-template').ok, false);
    assert.equal(line(answer, 'calendar').ok, true, 'the rest still passes');
  });
});

test('ledger shared with the app as Viewer only: it reads, but the line says to make it an Editor', async () => {
  await withChanged<DriveFile>('drive', 'file', SEED_IDS.ledgerSpreadsheet, (f) => ({
    ...f, driveId: undefined, parents: [], owners: [{ kind: 'drive#user', displayName: 'sato', emailAddress: SEED_USERS.sato.email }],
    permissions: [{ type: 'user', emailAddress: APP_SERVICE_ACCOUNT, role: 'reader' }],
  }), async () => {
    const answer = await preflight();
    const c = line(answer, 'sheets-ledger');
    assert.equal(c.ok, false);
    assert.match(c.detail, /may read ".*" but not edit it/);
    assert.match(c.fix!, /is a Viewer or Commenter: share the ledger spreadsheet \(sheet-ledger\) with .* as Editor/);
    assert.equal(line(answer, 'sheets-schedule').ok, true, 'the schedule sheet is still editable');
  });
});

test('calendar not shared with the app: share it with "Make changes to events"', async () => {
  await withChanged<StoredCalendar>('calendar', 'calendar', SEED_IDS.calendar, (c) => ({ ...c, acl: c.acl!.filter((a) => a.email !== APP_SERVICE_ACCOUNT) }), async () => {
    const c = line(await preflight(), 'calendar');
    assert.equal(c.ok, false);
    assert.match(c.detail, /^404: Not Found/);
    assert.match(c.fix!, /Settings and sharing ▸ Share with specific people ▸ Add, permission "Make changes to events"/);
  });
});

test('the app is not in the team space: add it from Apps & integrations', async () => {
  await withChanged<StoredSpace>('chat', 'space', SEED_IDS.chatSpace, (s) => ({ ...s, members: s.members.filter((m) => m.email !== APP_SERVICE_ACCOUNT) }), async () => {
    const c = line(await preflight(), 'chat-space');
    assert.equal(c.ok, false);
    assert.match(c.detail, /^403: /);
    assert.match(c.fix!, /open the space ▸ Apps & integrations ▸ Add apps ▸ tasuki.*npm run chat-config/);
  });
});

test('an API not enabled: the line names the gcloud command that enables it', async () => {
  stack.sandbox.faults.set({ api: 'sheets', disabled: true });
  try {
    const answer = await preflight();
    for (const id of ['sheets-ledger', 'sheets-schedule']) {
      const c = line(answer, id);
      assert.equal(c.ok, false);
      assert.match(c.detail, /^403: Google Sheets API has not been used in project \d+ before or it is disabled/);
      assert.match(c.fix!, /^enable the API in the project: gcloud services enable sheets\.googleapis\.com --project tasuki-local/);
    }
  } finally {
    stack.sandbox.faults.set({ api: 'sheets', disabled: false });
  }
});

test('a portal secret missing from the environment fails its line', async () => {
  const checks = await runPreflight({ config: stack.config, google: stack.deps.google, queue: stack.deps.queue, store: stack.deps.store, env: {} });
  const c = checks.find((x) => x.id === 'portal-secret-acme')!;
  assert.equal(c.ok, false);
  assert.match(c.detail, /missing: TASUKI_PORTAL_ACME_USER, TASUKI_PORTAL_ACME_PASSWORD/);
  assert.match(c.fix!, /Secret Manager/);
});

test('npm run preflight asks the local service with the local issuer\'s invoker token', async () => {
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'preflight.ts')], {
      cwd: REPO_ROOT, timeout: 60_000,
      env: { ...process.env, TASUKI_MODE: 'local', TASUKI_DATA_DIR: stack.dataDir, TASUKI_SERVICE_URL: stack.serviceUrl },
    }, (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr })),
  );
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^✓ Create a file in the projects folder/m);
  assert.match(run.stdout, /All \d+ checks passed\./);
});

test('only the invoker may ask, and the printout shows each failure with its fix', async () => {
  const user = await stack.issuer.mintIdToken({ aud: stack.config.scriptClientId, email: SEED_USERS.sato.email });
  await assert.rejects(askPreflight(stack.serviceUrl, user), /answered 401/);
  const lines = preflightLines({ ok: false, checks: [
    { id: 'a', what: 'Read the ledger', ok: true, detail: '"Ledger"' },
    { id: 'b', what: 'Post in the team space', ok: false, detail: '403: not a member', fix: 'add the app' },
  ] });
  assert.deepEqual(lines, ['✓ Read the ledger — "Ledger"', '✗ Post in the team space', '    Google said: 403: not a member', '    fix: add the app', '1 of 2 checks failed.']);
});
