// The sandbox's Drive API through the official @googleapis/drive client: copying the project
// template tree as project.create does (in the office's shared drive, so searches name every corpus), q queries (parents, name, mimeType, appProperties,
// trashed), uploads and downloads, updates with addParents/removeParents, fields, paging.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { drive_v3 } from '@googleapis/drive';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { ALL_DRIVES_LIST } from '../service/workspace/driveFiles.js';
import { startTestSandbox, type TestSandbox } from './support/sandbox.js';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.stop();
});

const FOLDER = 'application/vnd.google-apps.folder';

/** Copies a folder tree the way a job must (Drive cannot copy folders), tagging every file. */
async function copyTree(drive: drive_v3.Drive, from: string, to: string, tag: Record<string, string>, rename: (s: string) => string): Promise<number> {
  const children = await drive.files.list({ q: `'${from}' in parents and trashed = false`, fields: 'files(id,name,mimeType)', pageSize: 100 });
  let n = 0;
  for (const child of children.data.files ?? []) {
    if (child.mimeType === FOLDER) {
      const folder = await drive.files.create({ requestBody: { name: rename(child.name!), mimeType: FOLDER, parents: [to], appProperties: tag }, fields: 'id' });
      n += 1 + (await copyTree(drive, child.id!, folder.data.id!, tag, rename));
    } else {
      await drive.files.copy({ fileId: child.id!, requestBody: { name: rename(child.name!), parents: [to], appProperties: tag }, fields: 'id' });
      n += 1;
    }
  }
  return n;
}

test('project template tree copies into the projects folder and is found again by appProperties', async () => {
  const drive = t.google.drive;
  const tag = { tasukiJob: 'j-copy-1' };
  const fill = (s: string) => s.replace('{{title}}', '年末セール ポスター');
  const root = await drive.files.create({ requestBody: { name: 'P-2026-013 株式会社アクメ 年末セール ポスター', mimeType: FOLDER, parents: [SEED_IDS.projectsFolder], appProperties: tag }, fields: 'id,name,webViewLink,parents' });
  assert.match(root.data.webViewLink!, /^https:\/\/drive\.google\.com\/drive\/folders\//);
  assert.deepEqual(root.data.parents, [SEED_IDS.projectsFolder]);
  const copied = await copyTree(drive, SEED_IDS.templateFolder, root.data.id!, tag, fill);
  assert.equal(copied, 6, 'three folders, a subfolder, the memo Doc and the checklist');

  const tagged = await drive.files.list({ ...ALL_DRIVES_LIST, q: "appProperties has { key='tasukiJob' and value='j-copy-1' } and trashed = false", fields: 'files(id,name,mimeType,appProperties)', pageSize: 100 });
  assert.equal(tagged.data.files!.length, 7);
  assert.ok(tagged.data.files!.every((f) => f.appProperties?.tasukiJob === 'j-copy-1'));

  const memo = await drive.files.list({ q: `'${root.data.id}' in parents and name contains '制作メモ' and mimeType = 'application/vnd.google-apps.document'`, fields: 'files(id,name)' });
  assert.equal(memo.data.files!.length, 1);
  assert.equal(memo.data.files![0]!.name, '年末セール ポスター 制作メモ');
  // The copied Doc has the template's content, readable through the Docs API.
  const doc = await t.google.docs.documents.get({ documentId: memo.data.files![0]!.id! });
  assert.equal(doc.data.title, '年末セール ポスター 制作メモ');
  assert.ok(JSON.stringify(doc.data.body).includes('{{client}}'));

  const midWord = await drive.files.list({ q: `'${root.data.id}' in parents and name contains 'メモ'`, fields: 'files(id)' });
  assert.equal(midWord.data.files!.length, 0, "name contains matches prefixes only, as on Drive");
  const byName = await drive.files.list({ q: `name = '01_資料 Brief' and '${root.data.id}' in parents`, fields: 'files(id)' });
  assert.equal(byName.data.files!.length, 1);
  const notFolders = await drive.files.list({ ...ALL_DRIVES_LIST, q: `appProperties has { key='tasukiJob' and value='j-copy-1' } and not mimeType = '${FOLDER}'`, fields: 'files(name)' });
  assert.equal(notFolders.data.files!.length, 2);
  const either = await drive.files.list({ ...ALL_DRIVES_LIST, q: `(name = '03_納品 Delivery' or name = 'ラフ Drafts') and appProperties has { key='tasukiJob' and value='j-copy-1' }`, fields: 'files(name)' });
  assert.deepEqual(either.data.files!.map((f) => f.name).sort(), ['03_納品 Delivery', 'ラフ Drafts'].sort());
});

test('folders cannot be copied (as in Drive); copies keep binary content', async () => {
  const drive = t.google.drive;
  await assert.rejects(drive.files.copy({ fileId: SEED_IDS.templateFolder, requestBody: {} }), (e: { status?: number; message: string }) => e.status === 403 && /folders cannot be copied/.test(e.message));
  const copy = await drive.files.copy({ fileId: SEED_IDS.templateChecklist, requestBody: { parents: [SEED_IDS.projectsFolder] }, fields: 'id,name,size' });
  assert.equal(copy.data.name, 'Copy of 入稿チェックリスト Checklist.txt');
  const body = await drive.files.get({ fileId: copy.data.id!, alt: 'media' }, { responseType: 'text' });
  assert.match(String(body.data), /入稿前チェックリスト/);
});

test('multipart upload, media download, update with addParents/removeParents, trash', async () => {
  const drive = t.google.drive;
  const pdf = Buffer.from('%PDF-1.4\n% fake but binary \u00ff\n', 'latin1');
  const { Readable } = await import('node:stream');
  const up = await drive.files.create({
    requestBody: { name: '見積書 E-2026-013.pdf', parents: [SEED_IDS.projectsFolder], appProperties: { tasukiJob: 'j-up', kind: 'estimate' } },
    media: { mimeType: 'application/pdf', body: Readable.from([pdf]) },
    fields: 'id,name,mimeType,size,appProperties,webViewLink',
  });
  assert.equal(up.data.mimeType, 'application/pdf');
  assert.equal(up.data.size, String(pdf.length));
  const down = await drive.files.get({ fileId: up.data.id!, alt: 'media' }, { responseType: 'arraybuffer' });
  assert.deepEqual(Buffer.from(down.data as ArrayBuffer), pdf);

  const moved = await drive.files.update({ fileId: up.data.id!, addParents: SEED_IDS.officeFolder, removeParents: SEED_IDS.projectsFolder, requestBody: { name: 'renamed.pdf', appProperties: { kind: null as unknown as string, status: 'sent' } }, fields: 'id,name,parents,appProperties' });
  assert.deepEqual(moved.data.parents, [SEED_IDS.officeFolder]);
  assert.equal(moved.data.name, 'renamed.pdf');
  assert.deepEqual(moved.data.appProperties, { tasukiJob: 'j-up', status: 'sent' });
  await assert.rejects(drive.files.update({ fileId: up.data.id!, addParents: SEED_IDS.projectsFolder, requestBody: {} }), (e: { status?: number }) => e.status === 400);
  await assert.rejects(drive.files.update({ fileId: up.data.id!, requestBody: { parents: ['x'] } }), /not directly writable/);

  await drive.files.update({ fileId: up.data.id!, requestBody: { trashed: true } });
  const live = await drive.files.list({ ...ALL_DRIVES_LIST, q: "appProperties has { key='tasukiJob' and value='j-up' } and trashed = false" });
  assert.equal(live.data.files!.length, 0);
  const all = await drive.files.list({ ...ALL_DRIVES_LIST, q: "appProperties has { key='tasukiJob' and value='j-up' }" });
  assert.equal(all.data.files!.length, 1, 'files.list includes trashed files unless q says trashed = false');
});

test('fields: default file fields are kind,id,name,mimeType; * gives everything', async () => {
  const drive = t.google.drive;
  const plain = await drive.files.get({ fileId: SEED_IDS.ledgerSpreadsheet });
  assert.deepEqual(Object.keys(plain.data).sort(), ['id', 'kind', 'mimeType', 'name']);
  const full = await drive.files.get({ fileId: SEED_IDS.ledgerSpreadsheet, fields: '*' });
  assert.ok(full.data.owners?.length && full.data.createdTime && full.data.webViewLink);
  await assert.rejects(drive.files.get({ fileId: 'no-such-file' }), (e: { status?: number }) => e.status === 404);
});

test('q errors and unknown fields are Google-style 400s naming what is wrong', async () => {
  const drive = t.google.drive;
  await assert.rejects(drive.files.list({ q: "owner = 'me'" }), (e: { status?: number; message: string }) => e.status === 400 && /q: the field "owner"/.test(e.message));
  await assert.rejects(drive.files.list({ q: "name = 'unterminated" }), /unterminated string/);
  await assert.rejects(drive.files.create({ requestBody: { name: 'x', colour: 'red' } as never }), /Unknown name "colour" at 'file'/);
});

test('pagination with pageSize and pageToken visits every file once', async () => {
  const drive = t.google.drive;
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await drive.files.list({ pageSize: 4, pageToken, fields: 'nextPageToken,files(id)', ...ALL_DRIVES_LIST });
    ids.push(...page.data.files!.map((f) => f.id!));
    pageToken = page.data.nextPageToken ?? undefined;
  } while (pageToken);
  assert.equal(new Set(ids).size, ids.length);
  const everything = await drive.files.list({ pageSize: 1000, fields: 'files(id)', ...ALL_DRIVES_LIST });
  assert.equal(ids.length, everything.data.files!.length);
});

test('Docs created through Drive (empty, or converted from text) are readable by the Docs API', async () => {
  const drive = t.google.drive;
  const empty = await drive.files.create({ requestBody: { name: '依頼ブリーフ Brief', mimeType: 'application/vnd.google-apps.document', parents: [SEED_IDS.projectsFolder] }, fields: 'id' });
  const doc = await t.google.docs.documents.get({ documentId: empty.data.id! });
  assert.equal(doc.data.title, '依頼ブリーフ Brief');
  const converted = await drive.files.create({ requestBody: { name: 'Brief from mail', mimeType: 'application/vnd.google-apps.document', parents: [SEED_IDS.projectsFolder] }, media: { mimeType: 'text/plain', body: '件名: 年末セール\n納期：12月20日' }, fields: 'id' });
  const text = await drive.files.export({ fileId: converted.data.id!, mimeType: 'text/plain' });
  assert.equal(String(text.data), '件名: 年末セール\n納期：12月20日\n');
});
