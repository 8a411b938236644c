// createGoogleClients: local mode reads the issuer's key file from the data folder, exchanges it
// at the sandbox (a real JWT-bearer flow), loads each API package only when first used, sends
// media uploads to the sandbox too, and gives Gmail only with delegation configured.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { loadConfig } from '../service/config.js';
import { createGoogleClients } from '../service/google/createGoogleClients.js';
import { SEED_IDS, SEED_USERS } from '../local/sandbox/seedData.js';
import { startTestSandbox } from './support/sandbox.js';
import { MINIMAL_PRODUCTION_ENV } from './support/productionEnv.js';

const loaded = (pkg: string) => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes(`${pkg}/build/`));

test('local mode: lazy per API, key from the data folder, every call goes to the sandbox', async () => {
  const t = await startTestSandbox();
  try {
    const config = loadConfig({ TASUKI_DATA_DIR: t.dataDir, TASUKI_GOOGLE_ROOT_URL: t.sandbox.url, LOG_LEVEL: 'silent' });
    const google = createGoogleClients(config);
    assert.equal(loaded('@googleapis/docs'), false, 'nothing is loaded before first use');
    const space = await google.chat.spaces.get({ name: SEED_IDS.chatSpace });
    assert.equal(space.data.name, SEED_IDS.chatSpace);
    assert.equal(loaded('@googleapis/chat'), true);
    assert.equal(loaded('@googleapis/docs'), false, 'using Chat does not load Docs');
    assert.equal(google.chat, google.chat, 'one client per API');

    // A media upload: googleapis-common sends it to www.googleapis.com whatever rootUrl says;
    // the local auth client redirects it to the sandbox.
    const up = await google.drive.files.create({ requestBody: { name: 'note.txt', parents: [SEED_IDS.projectsFolder] }, media: { mimeType: 'text/plain', body: 'こんにちは' }, fields: 'id,size' });
    assert.equal(up.data.size, String(Buffer.byteLength('こんにちは')));
    const calls = (await (await fetch(`${t.sandbox.url}/_sandbox/calls?limit=3`)).json()) as { calls: Array<{ path: string }> };
    assert.match(calls.calls[0]!.path, /^\/upload\/drive\/v3\/files\?/);

    const gmail = google.gmailFor(SEED_USERS.sato.email);
    assert.ok(gmail);
    assert.equal(google.gmailFor('SATO@example.co.jp'), gmail, 'one Gmail client per user');
    const labels = await gmail.users.labels.list({ userId: 'me' });
    assert.ok(labels.data.labels!.some((l) => l.id === 'INBOX'));
    await assert.rejects(google.gmailFor('stranger@other.example')!.users.labels.list({ userId: 'me' }), /Invalid email or User ID/);
  } finally {
    await t.stop();
  }
});

test('gmailFor is null without delegation; a missing key file is a clear error', async () => {
  const t = await startTestSandbox();
  try {
    const noGmail = createGoogleClients(loadConfig({ TASUKI_DATA_DIR: t.dataDir, TASUKI_GOOGLE_ROOT_URL: t.sandbox.url, TASUKI_GMAIL_DELEGATION: 'false' }));
    assert.equal(noGmail.gmailFor(SEED_USERS.sato.email), null);
    assert.throws(
      () => createGoogleClients(loadConfig({ TASUKI_DATA_DIR: '/nonexistent/tasuki', TASUKI_GOOGLE_ROOT_URL: t.sandbox.url })),
      /cannot read the local service-account key \/nonexistent\/tasuki\/runtime-sa-key\.json/,
    );
  } finally {
    await t.stop();
  }
});

test('production mode builds clients on Google endpoints without touching the network', () => {
  const config = loadConfig(MINIMAL_PRODUCTION_ENV);
  const google = createGoogleClients(config);
  const drive = google.drive as unknown as { context: { _options: { rootUrl?: string } } };
  assert.equal(drive.context._options.rootUrl, undefined, 'Google endpoints');
  assert.equal(google.gmailFor('sato@example.co.jp'), null, 'delegation is off by default in production');
  const withGmail = createGoogleClients({ ...config, gmailDelegation: true });
  assert.ok(withGmail.gmailFor('sato@example.co.jp'));
});

test('a token endpoint outage stays a retryable Google error with its status; an OAuth refusal keeps its words', async () => {
  const { statusOf } = await import('../service/workspace/googleCall.js');
  const { classifyFailure } = await import('../service/worker/classifyFailure.js');
  const t = await startTestSandbox();
  try {
    const config = loadConfig({ TASUKI_DATA_DIR: t.dataDir, TASUKI_GOOGLE_ROOT_URL: t.sandbox.url, LOG_LEVEL: 'silent' });
    const google = createGoogleClients(config);
    const put = await fetch(`${t.sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'oauth2', errorRates: { '503': 1 } }) });
    assert.equal(put.status, 200);
    const err = await google.chat.spaces.get({ name: SEED_IDS.chatSpace }).then(() => assert.fail('the grant must fail'), (e: unknown) => e);
    assert.equal(statusOf(err), 503, 'the token endpoint status survives');
    const classified = classifyFailure(err, 'ja');
    assert.equal(classified.error.retryable, true);
    assert.notEqual(classified.error.code, 'internal');
    await fetch(`${t.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    const refusal = await google.gmailFor('stranger@other.example')!.users.labels.list({ userId: 'me' }).then(() => assert.fail('must be refused'), (e: unknown) => e);
    assert.match(String((refusal as Error).message), /Invalid email or User ID/);
    assert.equal(classifyFailure(refusal, 'en').error.retryable, false, 'an OAuth refusal is not retried');
  } finally {
    await t.stop();
  }
});
