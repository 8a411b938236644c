// The sandbox as a process: state survives a restart, reset clears it, fault knobs inject errors
// and latency (in code and over HTTP), OAuth refuses forged or malformed assertions and calls
// without a valid token, the admin endpoints stream changes and log who called.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SignJWT, importPKCS8 } from 'jose';
import { resetSandbox } from '../local/sandbox/sandbox.js';
import { SEED_IDS, SEED_USERS } from '../local/sandbox/seedData.js';
import { startTestSandbox } from './support/sandbox.js';

test('restart keeps state; reset clears it and the next start seeds afresh', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-sandbox-life-'));
  try {
    const first = await startTestSandbox({ dataDir });
    await first.google.chat.spaces.messages.patch({ name: `${SEED_IDS.chatSpace}/messages/client-survives`, updateMask: 'text', allowMissing: true, requestBody: { text: 'before restart' } });
    await first.google.sheets.spreadsheets.values.update({ spreadsheetId: SEED_IDS.ledgerSpreadsheet, range: 'Ledger!G2', valueInputOption: 'RAW', requestBody: { values: [['changed']] } });
    await first.stop();

    const second = await startTestSandbox({ dataDir });
    const msg = await second.google.chat.spaces.messages.get({ name: `${SEED_IDS.chatSpace}/messages/client-survives` });
    assert.equal(msg.data.text, 'before restart');
    const cell = await second.google.sheets.spreadsheets.values.get({ spreadsheetId: SEED_IDS.ledgerSpreadsheet, range: 'Ledger!G2' });
    assert.deepEqual(cell.data.values, [['changed']], 'the seed did not run again over the change');
    await second.stop();

    resetSandbox(dataDir);
    assert.equal(existsSync(join(dataDir, 'sandbox.sqlite')), false);
    const third = await startTestSandbox({ dataDir });
    await assert.rejects(third.google.chat.spaces.messages.get({ name: `${SEED_IDS.chatSpace}/messages/client-survives` }), (e: { status?: number }) => e.status === 404);
    const seeded = await third.google.sheets.spreadsheets.values.get({ spreadsheetId: SEED_IDS.ledgerSpreadsheet, range: 'Ledger!G2' });
    assert.deepEqual(seeded.data.values, [['納品済']]);
    await third.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('fault knobs: 503s and latency per API, set in code or over HTTP, then cleared', async () => {
  const t = await startTestSandbox();
  try {
    t.sandbox.faults.set({ api: 'drive', errorRates: { 503: 1 } });
    await assert.rejects(t.google.drive.files.get({ fileId: SEED_IDS.projectsFolder }), (e: { status?: number; message: string }) => e.status === 503 && /injected/.test(e.message));
    // Other APIs are unaffected.
    await t.google.sheets.spreadsheets.get({ spreadsheetId: SEED_IDS.ledgerSpreadsheet });
    t.sandbox.faults.clear('drive');
    await t.google.drive.files.get({ fileId: SEED_IDS.projectsFolder });

    const put = await fetch(`${t.sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'chat', latencyMs: 150, errorRates: { '429': 0 } }) });
    assert.equal(put.status, 200);
    const listed = (await (await fetch(`${t.sandbox.url}/_sandbox/faults`)).json()) as { faults: Record<string, { latencyMs: number }> };
    assert.equal(listed.faults.chat!.latencyMs, 150);
    const started = performance.now();
    await t.google.chat.spaces.get({ name: SEED_IDS.chatSpace });
    assert.ok(performance.now() - started >= 145, 'the call waited at least the added latency');
    const bad = await fetch(`${t.sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'fax', latencyMs: 1 }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /api/);
    await fetch(`${t.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    assert.equal(t.sandbox.faults.get('chat').latencyMs, 0);

    t.sandbox.faults.set({ api: 'sheets', errorRates: { 429: 1 } });
    const res = await fetch(`${t.sandbox.url}/sheets/v4/spreadsheets/${SEED_IDS.ledgerSpreadsheet}`, { headers: { authorization: `Bearer ${await t.token()}` } });
    assert.equal(res.status, 429);
    assert.equal(((await res.json()) as { error: { status: string } }).error.status, 'RESOURCE_EXHAUSTED');
  } finally {
    await t.stop();
  }
});

test('OAuth: forged, expired, scope-less and foreign assertions are invalid_grant; API calls need a valid token', async () => {
  const t = await startTestSandbox();
  try {
    const tokenUrl = `${t.sandbox.url}/oauth2/token`;
    const sa = t.issuer.runtimeServiceAccountKey();
    const exchange = async (assertion: string) => {
      const res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) });
      return { status: res.status, body: (await res.json()) as { error?: string; error_description?: string; access_token?: string } };
    };
    const now = Math.floor(Date.now() / 1000);
    const sign = (key: string, claims: Record<string, unknown>, iat = now, exp = now + 3600) =>
      importPKCS8(key, 'RS256').then((k) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuedAt(iat).setExpirationTime(exp).sign(k));
    const good = { iss: sa.client_email, aud: tokenUrl, scope: 'https://www.googleapis.com/auth/drive' };

    const ok = await exchange(await sign(sa.private_key, good));
    assert.equal(ok.status, 200);
    assert.match(ok.body.access_token!, /^ya29\./);

    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const forged = await exchange(await sign(forger, good));
    assert.equal(forged.status, 400);
    assert.equal(forged.body.error, 'invalid_grant');
    assert.match(forged.body.error_description!, /Invalid JWT Signature/);
    assert.match((await exchange(await sign(sa.private_key, good, now - 7200, now - 3600))).body.error_description!, /short-lived token/);
    assert.match((await exchange(await sign(sa.private_key, { ...good, scope: '' }))).body.error_description!, /scope/);
    assert.match((await exchange(await sign(sa.private_key, { ...good, aud: 'https://example.com/token' }))).body.error_description!, /aud must be/);
    assert.match((await exchange(await sign(sa.private_key, { ...good, iss: 'someone@else.iam.gserviceaccount.com' }))).body.error_description!, /iss/);
    assert.match((await exchange(await sign(sa.private_key, { ...good, sub: 'stranger@other.example' }))).body.error_description!, /Invalid email or User ID/);
    assert.equal((await exchange('not-a-jwt')).body.error, 'invalid_grant');

    const call = (token?: string) => fetch(`${t.sandbox.url}/drive/v3/files/${SEED_IDS.projectsFolder}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const none = await call();
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error: { status: string } }).error.status, 'UNAUTHENTICATED');
    assert.equal((await call('ya29.made-up')).status, 401);
    assert.equal((await call(ok.body.access_token)).status, 200);
    const chatOnly = await t.token({ scopes: ['https://www.googleapis.com/auth/chat.bot'] });
    const wrongScope = await call(chatOnly);
    assert.equal(wrongScope.status, 403);
    assert.match(((await wrongScope.json()) as { error: { message: string } }).error.message, /insufficient authentication scopes/);

    const jwks = (await (await fetch(`${t.sandbox.url}/oauth2/v3/certs`)).json()) as { keys: Array<{ kid: string; alg: string }> };
    assert.deepEqual(jwks, await t.issuer.jwks());
  } finally {
    await t.stop();
  }
});

test('admin endpoints: change events stream live; the call log names the caller', async () => {
  const t = await startTestSandbox();
  try {
    const controller = new AbortController();
    const stream = await fetch(`${t.sandbox.url}/_sandbox/events`, { signal: controller.signal });
    const reader = stream.body!.getReader();
    const seen = (async () => {
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += Buffer.from(value).toString('utf8');
        if (text.includes('client-live')) return text;
      }
    })();
    await t.google.chat.spaces.messages.patch({ name: `${SEED_IDS.chatSpace}/messages/client-live`, updateMask: 'text', allowMissing: true, requestBody: { text: 'live' } });
    const text = await seen;
    controller.abort();
    assert.match(text, /event: change\ndata: \{"api":"chat","kind":"clientId","id":"spaces\/AAAAtasukiTeam\/client-live","op":"create"\}/);

    const typed = await fetch(`${t.sandbox.url}/_sandbox/chat/spaces/AAAAtasukiTeam/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ senderEmail: SEED_USERS.sato.email, text: '/invoice P-2026-011' }) });
    assert.equal(typed.status, 201);
    const messages = (await (await fetch(`${t.sandbox.url}/_sandbox/chat/spaces/AAAAtasukiTeam/messages`)).json()) as { messages: Array<{ text?: string; sender: { type: string } }> };
    assert.ok(messages.messages.some((m) => m.text === 'live' && m.sender.type === 'BOT'));
    assert.ok(messages.messages.some((m) => m.text === '/invoice P-2026-011' && m.sender.type === 'HUMAN'));
    const outsider = await fetch(`${t.sandbox.url}/_sandbox/chat/spaces/AAAAtasukiTeam/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ senderEmail: 'x@other.example', text: 'hi' }) });
    assert.equal(outsider.status, 403);
    await t.google.gmailFor(SEED_USERS.emma.email)!.users.labels.list({ userId: 'me' });
    const calls = (await (await fetch(`${t.sandbox.url}/_sandbox/calls?limit=5`)).json()) as { calls: Array<{ api: string; principal: string; status: number }> };
    assert.deepEqual(calls.calls[0], { ...calls.calls[0], api: 'gmail', principal: SEED_USERS.emma.email, status: 200 });
    assert.equal(calls.calls[1]!.principal, t.issuer.runtimeServiceAccountKey().client_email);

    const delivered = await fetch(`${t.sandbox.url}/_sandbox/gmail/${SEED_USERS.sato.email}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '新規 顧客 <new@client.example>', subject: 'ロゴ制作のご依頼', text: '納期：1月末\n予算 50万円' }) });
    assert.equal(delivered.status, 201);
    const found = await t.google.gmailFor(SEED_USERS.sato.email)!.users.messages.list({ userId: 'me', q: 'subject:ロゴ制作' });
    assert.equal(found.data.messages!.length, 1);
    const sheet = (await (await fetch(`${t.sandbox.url}/_sandbox/sheets/${SEED_IDS.ledgerSpreadsheet}`)).json()) as { sheets: Array<{ properties: { title: string }; values: string[][] }> };
    assert.equal(sheet.sheets[0]!.values[1]![0], 'P-2026-001');
    const pdf = await fetch(`${t.sandbox.url}/_sandbox/drive/files/${SEED_IDS.estimateTemplateDoc}/content`);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  } finally {
    await t.stop();
  }
});

test('a taken port is a clear error and leaves nothing open', async () => {
  const t = await startTestSandbox();
  try {
    const port = Number(new URL(t.sandbox.url).port);
    const { startSandbox } = await import('../local/sandbox/sandbox.js');
    await assert.rejects(startSandbox({ port, dataDir: t.dataDir, issuer: t.issuer }), /port \d+ on 127\.0\.0\.1 is already in use/);
  } finally {
    await t.stop();
  }
});

test('the APIs are served both at Google paths from the root and under per-API prefixes', async () => {
  const t = await startTestSandbox();
  try {
    const auth = { authorization: `Bearer ${await t.token()}` };
    for (const path of [`/chat/v1/${SEED_IDS.chatSpace}`, `/v1/${SEED_IDS.chatSpace}`, `/drive/drive/v3/files/${SEED_IDS.projectsFolder}`, `/drive/v3/files/${SEED_IDS.projectsFolder}`, `/sheets/v4/spreadsheets/${SEED_IDS.ledgerSpreadsheet}`, `/calendar/calendar/v3/calendars/${SEED_IDS.calendar}/events`]) {
      assert.equal((await fetch(`${t.sandbox.url}${path}`, { headers: auth })).status, 200, path);
    }
    const missing = await fetch(`${t.sandbox.url}/drive/v3/about`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: { message: string } }).error.message, /does not implement GET/);
  } finally {
    await t.stop();
  }
});
