// A real Workspace domain's rules for the service account, in the sandbox (local/sandbox/access.ts),
// answered in Google's own shapes through the official clients: no My Drive storage
// (403 storageQuotaExceeded, domain usageLimits), files not shared (404 File not found), a
// shared drive it is not a member of, Sheets not shared (403 PERMISSION_DENIED), a calendar not
// shared (404) or read-only (403 requiredAccessLevel), an API not enabled (403 SERVICE_DISABLED),
// and search corpora (shared-drive items only with corpora=allDrives or inside a parent query).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SharedDrive } from '../local/sandbox/access.js';
import type { StoredCalendar } from '../local/sandbox/calendarApi.js';
import { FOLDER, makeDriveFile, type DriveFile } from '../local/sandbox/driveApi.js';
import { APP_SERVICE_ACCOUNT, SEED_IDS, SEED_USERS } from '../local/sandbox/seedData.js';
import { ALL_DRIVES_LIST } from '../service/workspace/driveFiles.js';
import { startTestSandbox, type TestSandbox } from './support/sandbox.js';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.stop();
});

type GaxiosLike = { status?: number; message: string; response?: { data?: { error?: { code: number; status: string; message: string; errors?: Array<{ reason: string; domain: string }>; details?: Array<{ reason?: string; metadata?: Record<string, string> }> } } } };
const errorOf = (e: unknown) => (e as GaxiosLike).response?.data?.error;

/** A folder in Sato's My Drive, shared with the app as Editor: the classic mistake. */
function myDriveFolder(id: string, shared = true): DriveFile {
  const folder = makeDriveFile({ id, name: '案件 (My Drive)', mimeType: FOLDER, owner: SEED_USERS.sato.email });
  if (shared) folder.permissions = [{ type: 'user', emailAddress: APP_SERVICE_ACCOUNT, role: 'writer' }];
  t.sandbox.state.put('drive', 'file', folder.id, folder);
  return folder;
}

test('the seeded office lives in a shared drive the app is a Content manager of', async () => {
  const drive = t.sandbox.state.get<SharedDrive>('drive', 'drive', SEED_IDS.sharedDrive)!;
  assert.equal(drive.members.find((m) => m.email === APP_SERVICE_ACCOUNT)?.role, 'fileOrganizer');
  const folder = await t.google.drive.files.get({ fileId: SEED_IDS.projectsFolder, fields: 'id,driveId', supportsAllDrives: true });
  assert.equal(folder.data.driveId, SEED_IDS.sharedDrive);
  const made = await t.google.drive.files.create({ requestBody: { name: 'ok.txt', parents: [SEED_IDS.projectsFolder] }, media: { mimeType: 'text/plain', body: 'x' }, fields: 'id,driveId', supportsAllDrives: true });
  assert.equal(made.data.driveId, SEED_IDS.sharedDrive, 'a new file belongs to the drive');
});

test('creating in a My Drive folder shared with the app fails with Google\'s storageQuotaExceeded', async () => {
  myDriveFolder('folder-mydrive-shared');
  for (const call of [
    () => t.google.drive.files.create({ requestBody: { name: 'P-2026-013', mimeType: FOLDER, parents: ['folder-mydrive-shared'] }, supportsAllDrives: true }),
    () => t.google.drive.files.copy({ fileId: SEED_IDS.estimateTemplateDoc, requestBody: { name: '見積書', parents: ['folder-mydrive-shared'] }, supportsAllDrives: true }),
    () => t.google.drive.files.create({ requestBody: { name: 'orphan.pdf' }, media: { mimeType: 'application/pdf', body: '%PDF' }, supportsAllDrives: true }),
  ]) {
    const err = await call().then(() => assert.fail('created'), (e: unknown) => e);
    assert.equal((err as GaxiosLike).status, 403);
    const body = errorOf(err)!;
    assert.equal(body.code, 403);
    assert.match(body.message, /^Service Accounts do not have storage quota\. Leverage shared drives/);
    assert.deepEqual(body.errors?.map((e) => [e.domain, e.reason]), [['usageLimits', 'storageQuotaExceeded']]);
  }
  // Reading it works: the folder is shared.
  assert.equal((await t.google.drive.files.get({ fileId: 'folder-mydrive-shared' })).data.id, 'folder-mydrive-shared');
});

test('files not shared with the app, and shared drives it is not a member of, are "File not found"', async () => {
  myDriveFolder('folder-mydrive-private', false);
  const missing = await t.google.drive.files.get({ fileId: 'folder-mydrive-private' }).then(() => assert.fail(), (e: unknown) => e);
  assert.equal((missing as GaxiosLike).status, 404);
  assert.equal(errorOf(missing)?.message, 'File not found: folder-mydrive-private.');
  const other: SharedDrive = { kind: 'drive#drive', id: 'drive-other', name: 'Sales', members: [{ email: SEED_USERS.sato.email, role: 'organizer' }] };
  t.sandbox.state.put('drive', 'drive', other.id, other);
  t.sandbox.state.put('drive', 'file', 'folder-sales', makeDriveFile({ id: 'folder-sales', name: 'Sales', mimeType: FOLDER, owner: SEED_USERS.sato.email, driveId: other.id }));
  await assert.rejects(t.google.drive.files.create({ requestBody: { name: 'x', mimeType: FOLDER, parents: ['folder-sales'] }, supportsAllDrives: true }), (e: GaxiosLike) => e.status === 404 && /File not found: folder-sales/.test(e.message));
  // A Viewer of a shared drive may read but not add.
  other.members.push({ email: APP_SERVICE_ACCOUNT, role: 'reader' });
  t.sandbox.state.put('drive', 'drive', other.id, other);
  await t.google.drive.files.get({ fileId: 'folder-sales', supportsAllDrives: true });
  const denied = await t.google.drive.files.create({ requestBody: { name: 'x', mimeType: FOLDER, parents: ['folder-sales'] }, supportsAllDrives: true }).then(() => assert.fail(), (e: unknown) => e);
  assert.equal((denied as GaxiosLike).status, 403);
  assert.deepEqual(errorOf(denied)?.errors?.map((e) => e.reason), ['insufficientFilePermissions']);
});

test('a Content manager trashes but does not delete for good in a shared drive', async () => {
  const made = await t.google.drive.files.create({ requestBody: { name: 'tmp.txt', parents: [SEED_IDS.projectsFolder] }, media: { mimeType: 'text/plain', body: 'x' }, fields: 'id', supportsAllDrives: true });
  await assert.rejects(t.google.drive.files.delete({ fileId: made.data.id!, supportsAllDrives: true }), (e: GaxiosLike) => e.status === 403);
  await t.google.drive.files.update({ fileId: made.data.id!, requestBody: { trashed: true }, supportsAllDrives: true });
});

test('searches see shared-drive items only with corpora=allDrives (or inside a parent query)', async () => {
  const q = `appProperties has { key='tasukiJob' and value='j-corpora' }`;
  await t.google.drive.files.create({ requestBody: { name: 'tagged', mimeType: FOLDER, parents: [SEED_IDS.projectsFolder], appProperties: { tasukiJob: 'j-corpora' } }, supportsAllDrives: true });
  const userCorpus = await t.google.drive.files.list({ q, supportsAllDrives: true, includeItemsFromAllDrives: true });
  assert.equal(userCorpus.data.files?.length, 0, 'the default corpus (user) holds no shared-drive items');
  assert.equal((await t.google.drive.files.list({ q, ...ALL_DRIVES_LIST })).data.files?.length, 1);
  assert.equal((await t.google.drive.files.list({ q: `'${SEED_IDS.projectsFolder}' in parents and name = 'tagged'`, supportsAllDrives: true, includeItemsFromAllDrives: true })).data.files?.length, 1);
});

test('Sheets and Docs not shared with the app: 403 PERMISSION_DENIED', async () => {
  const file = t.sandbox.state.get<DriveFile>('drive', 'file', SEED_IDS.ledgerSpreadsheet)!;
  t.sandbox.state.put('drive', 'file', file.id, { ...file, driveId: undefined, owners: [{ kind: 'drive#user', displayName: 'sato', emailAddress: SEED_USERS.sato.email }] });
  try {
    const err = await t.google.sheets.spreadsheets.values.get({ spreadsheetId: SEED_IDS.ledgerSpreadsheet, range: 'Ledger!A1:B2' }).then(() => assert.fail(), (e: unknown) => e);
    assert.equal((err as GaxiosLike).status, 403);
    assert.deepEqual([errorOf(err)?.status, errorOf(err)?.message], ['PERMISSION_DENIED', 'The caller does not have permission']);
    // Shared as Viewer: reading works, writing does not.
    t.sandbox.state.put('drive', 'file', file.id, { ...file, driveId: undefined, owners: [], permissions: [{ type: 'user', emailAddress: APP_SERVICE_ACCOUNT, role: 'reader' }] });
    await t.google.sheets.spreadsheets.values.get({ spreadsheetId: SEED_IDS.ledgerSpreadsheet, range: 'Ledger!A1:B2' });
    await assert.rejects(t.google.sheets.spreadsheets.values.update({ spreadsheetId: SEED_IDS.ledgerSpreadsheet, range: 'Ledger!Z1', valueInputOption: 'RAW', requestBody: { values: [['x']] } }), (e: GaxiosLike) => e.status === 403);
  } finally {
    t.sandbox.state.put('drive', 'file', file.id, file);
  }
});

test('a calendar not shared with the app is Not Found; shared read-only, writes need writer access', async () => {
  const cal = t.sandbox.state.get<StoredCalendar>('calendar', 'calendar', SEED_IDS.calendar)!;
  assert.equal(cal.acl?.find((a) => a.email === APP_SERVICE_ACCOUNT)?.role, 'writer', 'seeded: Make changes to events');
  try {
    t.sandbox.state.put('calendar', 'calendar', cal.id, { ...cal, acl: cal.acl!.filter((a) => a.email !== APP_SERVICE_ACCOUNT) });
    await assert.rejects(t.google.calendar.events.list({ calendarId: SEED_IDS.calendar }), (e: GaxiosLike) => e.status === 404);
    t.sandbox.state.put('calendar', 'calendar', cal.id, { ...cal, acl: [...cal.acl!.filter((a) => a.email !== APP_SERVICE_ACCOUNT), { email: APP_SERVICE_ACCOUNT, role: 'reader' }] });
    await t.google.calendar.events.list({ calendarId: SEED_IDS.calendar });
    const err = await t.google.calendar.events.insert({ calendarId: SEED_IDS.calendar, requestBody: { summary: 'x', start: { date: '2026-12-10' }, end: { date: '2026-12-11' } } }).then(() => assert.fail(), (e: unknown) => e);
    assert.equal((err as GaxiosLike).status, 403);
    assert.deepEqual(errorOf(err)?.errors?.map((e) => e.reason), ['requiredAccessLevel']);
  } finally {
    t.sandbox.state.put('calendar', 'calendar', cal.id, cal);
  }
});

test('an API not enabled in the project answers 403 SERVICE_DISABLED naming it', async () => {
  t.sandbox.faults.set({ api: 'calendar', disabled: true });
  try {
    const err = await t.google.calendar.events.list({ calendarId: SEED_IDS.calendar }).then(() => assert.fail(), (e: unknown) => e);
    assert.equal((err as GaxiosLike).status, 403);
    const body = errorOf(err)!;
    assert.equal(body.status, 'PERMISSION_DENIED');
    assert.match(body.message, /^Google Calendar API has not been used in project \d+ before or it is disabled\. Enable it by visiting https:\/\/console\.developers\.google\.com\/apis\/api\/calendar-json\.googleapis\.com\/overview/);
    assert.equal(body.details?.[0]?.reason, 'SERVICE_DISABLED');
    assert.equal(body.details?.[0]?.metadata?.service, 'calendar-json.googleapis.com');
  } finally {
    t.sandbox.faults.set({ api: 'calendar', disabled: false });
  }
  await t.google.calendar.events.list({ calendarId: SEED_IDS.calendar });
});
