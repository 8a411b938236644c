// E-mail attachments into the project folder, with the user's own consent: the real add-on bundle
// in the Apps Script shim reads the open mail's attachments (GmailApp, current-message token) and
// sends their bytes to POST /v1/uploads of the real service (in-process stack: sandbox, emulator,
// SQLite), which streams them into Drive; project.create moves them into the project's materials
// folder. Then, on the jobs harness: a crash at every step still files each file once; delegation
// as the fallback for what was not uploaded; per-file problems instead of a failed job; limits.
import assert from 'node:assert/strict';
import { resultFields } from '../shared/cards/jobDisplay.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { loadAddon, type LoadedAddon } from '../local/apps-script-shim/loadAddon.js';
import { createUrlFetchApp, URL_FETCH_MAX_PAYLOAD_BYTES } from '../local/apps-script-shim/urlFetchApp.js';
import { BlobShim } from '../local/apps-script-shim/blob.js';
import { SEED_USERS } from '../local/sandbox/seedData.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import { uploadKey } from '../service/routes/uploads.js';
import { MAX_UPLOAD_BYTES, stageUpload, STAGING_TAG } from '../service/workspace/attachmentUploads.js';
import { ALL_DRIVES_LIST, findTagged, listChildren } from '../service/workspace/driveFiles.js';
import type { JobRecord } from '../shared/job.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { buildAddon } from '../scripts/build-addon.js';
import { assertValidCards, gmailEvent } from './support/addonEnv.js';
import { startInProcessStack, type InProcessStack } from '../local/inProcessStack.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const SATO = SEED_USERS.sato.email;
const EMMA = SEED_USERS.emma.email;
const widgets = (card: AnyJson): AnyJson[] => (card.sections ?? []).flatMap((s: AnyJson) => s.widgets);

describe('Create project in Gmail files the mail\'s attachments (add-on → /v1/uploads → project folder)', () => {
  let stack: InProcessStack;
  let addon: LoadedAddon;
  let buildDir: string;
  const spec = Buffer.from('%PDF-1.4\n仕様書 バレンタイン2027\n%%EOF\n');
  const photo = randomBytes(1024 * 1024 + 17);

  before(async () => {
    stack = await startInProcessStack({ prefix: 'tasuki-attachments-' });
    buildDir = mkdtempSync(join(tmpdir(), 'tasuki-attachments-addon-'));
    const build = await buildAddon({ outDir: buildDir, serviceUrl: stack.serviceUrl });
    addon = await loadAddon({
      bundlePath: build.codePath, serviceUrl: stack.serviceUrl, sandboxUrl: stack.sandbox.url, issuer: stack.issuer,
      scriptClientId: stack.config.scriptClientId, user: SATO, locale: 'ja', timeZone: 'Asia/Tokyo',
    });
  });
  after(async () => {
    await addon?.close();
    await stack?.close();
    rmSync(buildDir, { recursive: true, force: true });
  });

  async function deliver(user: string, mail: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${stack.sandbox.url}/_sandbox/gmail/${encodeURIComponent(user)}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mail) });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  }

  async function waitForJob(id: string): Promise<JobRecord> {
    const until = Date.now() + 60_000;
    for (;;) {
      const job = await stack.deps.store.getJob(id);
      if (job && (job.status === 'succeeded' || job.status === 'failed')) return job;
      if (Date.now() > until) throw new Error(`job ${id} still ${job?.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const content = async (fileId: string) => Buffer.from(await (await fetch(`${stack.sandbox.url}/_sandbox/drive/files/${fileId}/content`)).arrayBuffer());

  test('two attachments land in the materials folder once each, bytes intact; the card matched the client', async () => {
    const messageId = await deliver(SATO, {
      from: '木村 誠 <kimura@midori-fudosan.example>',
      subject: '物件チラシ 2月号 制作依頼',
      text: '佐藤さん\n\n2月号のチラシをお願いします。資料を添付します。\n納期：2027年1月29日\n\nみどり不動産株式会社\n木村 誠',
      attachments: [
        { filename: '仕様書_2月号.pdf', mimeType: 'application/pdf', dataBase64: spec.toString('base64') },
        { filename: '物件写真.jpg', mimeType: 'image/jpeg', dataBase64: photo.toString('base64') },
      ],
    });
    const card: AnyJson = await addon.call('onGmailMessage', gmailEvent(messageId));
    assertValidCards(card);
    const choice = widgets(card).find((w) => w.selectionInput?.name === 'clientChoice')?.selectionInput;
    assert.ok(choice, 'the card offers the client list choice');
    assert.deepEqual(choice.items.find((i: AnyJson) => i.selected), { text: 'みどり不動産', value: 'みどり不動産', selected: true });
    assert.ok(widgets(card).some((w) => w.textParagraph?.text === '一致: みどり不動産（ドメイン）'));

    const form = { client: 'みどり不動産株式会社', clientChoice: 'みどり不動産', clientEmail: 'kimura@midori-fudosan.example', title: '物件チラシ 2月号', due: '2027-01-29', amount: '', projectNumber: '' };
    const response: AnyJson = await addon.call('onGmailCreateProject', gmailEvent(messageId, { parameters: { messageId }, form }));
    const jobId = /j-[a-z0-9-]+/.exec(JSON.stringify(response))![0];
    const queued = (await stack.deps.store.getJob(jobId))!;
    const sent = (queued.input as AnyJson).request.attachments;
    assert.deepEqual(sent.map((a: AnyJson) => [a.name, a.size, typeof a.uploadId]), [['仕様書_2月号.pdf', spec.length, 'string'], ['物件写真.jpg', photo.length, 'string']]);

    const job = await waitForJob(jobId);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const result = job.result as ProjectCreateResult;
    assert.deepEqual(result.attachments, { filed: 2, total: 2, problems: [] });
    assert.deepEqual(result.client, { name: 'みどり不動産', matchedBy: 'domain' });
    const drive = (await stack.deps.google()).drive;
    const top = await listChildren(drive, result.folderId);
    const materials = top.find((f) => f.name.includes('資料'))!;
    const filed = await listChildren(drive, materials.id);
    const names = filed.map((f) => f.name).sort();
    assert.deepEqual(names.filter((n) => n !== '入稿チェックリスト Checklist.txt'), ['仕様書_2月号.pdf', '物件写真.jpg']);
    assert.ok((await content(filed.find((f) => f.name === '物件写真.jpg')!.id)).equals(photo), 'the photo arrived byte for byte');
    assert.ok((await content(filed.find((f) => f.name === '仕様書_2月号.pdf')!.id)).equals(spec));
    const staging = await findTagged(drive, STAGING_TAG);
    assert.deepEqual(await listChildren(drive, staging!.id), [], 'nothing is left in the staging folder');

    // A second click: the same job, the uploads answered from Drive, nothing new anywhere.
    const again: AnyJson = await addon.call('onGmailCreateProject', gmailEvent(messageId, { parameters: { messageId }, form }));
    assert.equal(/j-[a-z0-9-]+/.exec(JSON.stringify(again))![0], jobId);
    assert.deepEqual((await listChildren(drive, materials.id)).map((f) => f.name).sort(), names);
    assert.deepEqual(await listChildren(drive, staging!.id), []);
  });

  test('POST /v1/uploads: token required, 413 past the limit, the same attachment twice is one file', async () => {
    const token = await stack.issuer.mintIdToken({ aud: stack.config.scriptClientId, email: EMMA });
    const url = (index: number) => `${stack.serviceUrl}/v1/uploads?messageId=m123&index=${index}&name=${encodeURIComponent('見積依頼.txt')}`;
    assert.equal((await fetch(url(0), { method: 'POST', body: 'x' })).status, 401);
    const post = (index: number, body: Buffer) => fetch(url(index), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: body as BodyInit });
    const first = await post(0, Buffer.from('hello'));
    assert.equal(first.status, 201);
    const second = await post(0, Buffer.from('hello'));
    assert.equal(second.status, 200);
    assert.equal(((await first.json()) as AnyJson).uploadId, ((await second.json()) as AnyJson).uploadId);
    const big = await post(1, Buffer.alloc(MAX_UPLOAD_BYTES + 1));
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as AnyJson).error.message, /at most 31457280/);
    const bad = await fetch(`${stack.serviceUrl}/v1/uploads?messageId=m1`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: 'x' });
    assert.equal(bad.status, 400);
  });
});

describe('project.create files attachments once, or says per file why not (jobs harness)', () => {
  let env: JobsEnv;
  before(async () => {
    env = await startJobsEnv();
  });
  after(() => env.close());

  const stage = async (uploader: string, messageId: string, index: number, name: string, bytes: Buffer) =>
    stageUpload(env.google.drive, { projectsFolderId: env.config.projectsFolderId, uploader, key: uploadKey(messageId, index), name, mimeType: 'application/pdf', body: Readable.from(bytes) });

  const input = (attachments: unknown[], extra: Record<string, unknown> = {}) => ({
    source: 'gmail' as const,
    client: { name: '北斗書店' },
    title: '店頭POP 追加',
    request: { gmailMessageId: 'msg-hokuto-1', subject: '店頭POP', attachments },
    ...extra,
  });

  test('an e-mail with two attachments: both in the folder once, after a crash at every step (between them too)', async () => {
    const a = await stage(SATO, 'msg-hokuto-1', 0, 'POP案A.pdf', Buffer.from('A'));
    const b = await stage(SATO, 'msg-hokuto-1', 1, 'POP案B.pdf', Buffer.from('B'));
    const job = await env.newJob('project.create', input([
      { name: 'POP案A.pdf', mimeType: 'application/pdf', size: 1, uploadId: a.uploadId },
      { name: 'POP案B.pdf', mimeType: 'application/pdf', size: 1, uploadId: b.uploadId },
    ]));
    const result = await env.runCrashingEverywhere<ProjectCreateResult>(projectCreate, job.id, ['attachments', 'attachment:0', 'attachment:1', 'ledger']);
    assert.deepEqual(result.attachments, { filed: 2, total: 2, problems: [] });
    const files = await env.google.drive.files.list({ q: `appProperties has { key='tasukiJob' and value='${job.id}' } and trashed = false`, fields: 'files(id,name,parents)', ...ALL_DRIVES_LIST });
    const attachments = (files.data.files ?? []).filter((f) => f.name?.startsWith('POP案'));
    assert.deepEqual(attachments.map((f) => f.name).sort(), ['POP案A.pdf', 'POP案B.pdf']);
    assert.equal(new Set(attachments.map((f) => f.parents?.[0])).size, 1, 'both in the materials folder');
  });

  test("without an upload: read through Gmail delegation when it is on; otherwise a per-file problem, not a failed job", async () => {
    const seeded = (await env.google.gmailFor(SATO)!.users.messages.list({ userId: 'me', q: 'has:attachment' })).data.messages![0]!.id!;
    const full = await env.google.gmailFor(SATO)!.users.messages.get({ userId: 'me', id: seeded });
    const part = JSON.stringify(full.data.payload);
    assert.match(part, /仕様書_バレンタイン2027\.pdf/);
    const size = Number(/"filename":"仕様書_バレンタイン2027\.pdf"[^}]*?"size":(\d+)/.exec(part)?.[1] ?? (full.data.payload!.parts!.find((p) => p.filename)?.body?.size));
    const attachment = { name: '仕様書_バレンタイン2027.pdf', mimeType: 'application/pdf', size };
    const request = (extra: Record<string, unknown>) => ({ source: 'gmail' as const, client: { name: '山田製菓' }, title: 'バレンタイン', request: { gmailMessageId: seeded, attachments: [attachment], ...extra } });

    const delegated = await env.newJob('project.create', request({}));
    const viaGmail = await env.run<ProjectCreateResult>(projectCreate, delegated.id, { config: { gmailDelegation: true } });
    assert.deepEqual(viaGmail.attachments, { filed: 1, total: 1, problems: [] });

    const off = await env.newJob('project.create', request({}), { locale: 'en' });
    const notFiled = await env.run<ProjectCreateResult>(projectCreate, off.id, { config: { gmailDelegation: false } });
    assert.equal(notFiled.attachments?.filed, 0);
    assert.equal(notFiled.attachments?.problems[0]?.name, '仕様書_バレンタイン2027.pdf');
    assert.equal(notFiled.attachments?.problems[0]?.reason.en, 'the add-on could not send it in time; save it from the mail by hand.');
    // The card says it in the reader's language: how many were filed, and why one was not.
    const card = (locale: 'ja' | 'en') => resultFields({ kind: 'project.create', input: off.input, result: notFiled }, locale).map((f) => `${f.label}: ${f.value}`).join('\n');
    assert.match(card('en'), /^Attachments: 0 of 1 filed in the folder$/m);
    assert.match(card('en'), /^Not filed: 仕様書_バレンタイン2027\.pdf: the add-on could not send it in time; save it from the mail by hand\.$/m);
    assert.match(card('ja'), /^添付ファイル: 1件中 0件をフォルダに保存$/m);
    assert.match(card('ja'), /^保存できなかった添付: 仕様書_バレンタイン2027\.pdf: .+/m);

    const huge = await env.newJob('project.create', { ...request({}), request: { gmailMessageId: seeded, attachments: [{ ...attachment, name: 'huge.psd', size: 40 * 1024 * 1024 }] } });
    const tooLarge = await env.run<ProjectCreateResult>(projectCreate, huge.id, { config: { gmailDelegation: false } });
    assert.match(tooLarge.attachments!.problems[0]!.reason.ja, /^40\.0 MB で上限 30 MB を超えるため保存できませんでした。/);
  });

  test("someone else's upload is not filed into my project", async () => {
    const theirs = await stage(EMMA, 'msg-emma-1', 0, 'brief.pdf', Buffer.from('E'));
    const job = await env.newJob('project.create', input([{ name: 'brief.pdf', mimeType: 'application/pdf', size: 1, uploadId: theirs.uploadId }], { title: '別件' }));
    const result = await env.run<ProjectCreateResult>(projectCreate, job.id);
    assert.equal(result.attachments?.filed, 0);
    assert.deepEqual(result.attachments?.problems.map((p) => [p.name, p.reason.ja]), [['brief.pdf', '別のユーザーが送った添付のため保存しませんでした。']]);
  });
});

test("the shim's UrlFetchApp sends a Blob as raw bytes and refuses payloads over Apps Script's 50 MB", () => {
  const seen: Array<{ body?: string | Uint8Array; headers: Record<string, string> }> = [];
  const urlFetch = createUrlFetchApp((req) => {
    seen.push(req);
    return { status: 201, headers: {}, body: '{}' };
  });
  urlFetch.fetch('http://127.0.0.1:9/v1/uploads', { method: 'post', payload: new BlobShim(Buffer.from([0, 255, 1]), 'image/png', 'x.png') as unknown as GoogleAppsScript.Base.Blob });
  assert.deepEqual([...(seen[0]!.body as Uint8Array)], [0, 255, 1]);
  assert.equal(seen[0]!.headers['Content-Type'], 'image/png');
  const big = new BlobShim(Buffer.alloc(URL_FETCH_MAX_PAYLOAD_BYTES + 1), 'application/octet-stream', 'big.bin') as unknown as GoogleAppsScript.Base.Blob;
  assert.throws(() => urlFetch.fetch('http://127.0.0.1:9/v1/uploads', { method: 'post', payload: big }), /over the 52428800 byte limit/);
  assert.equal(seen.length, 1);
});
