// The console's backend (local/console/consoleRouter.ts) over real HTTP against the real stack
// pieces in-process: the seeded Workspace sandbox, the Cloud Tasks emulator and the service.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import express from 'express';
import { EnqueueRequest } from '../shared/api.js';
import { LEDGER } from '../shared/sheetLayouts.js';
import { JOB_KINDS } from '../shared/jobKinds.js';
import { createConsoleRouter } from '../local/console/consoleRouter.js';
import { SandboxClient } from '../local/console/sandboxClient.js';
import { startInProcessStack, type InProcessStack } from '../local/inProcessStack.js';

let stack: InProcessStack;
let base: string;

before(async () => {
  stack = await startInProcessStack();
  base = `${stack.consoleUrl}console/api`;
});

after(async () => {
  await stack?.close();
});

async function getJson(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path);
  return { status: res.status, body: await res.json() };
}

async function postJson(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Reads Server-Sent Events until `want` matches one; returns it. */
async function waitForEvent(want: (event: string, data: any) => boolean, trigger: () => Promise<unknown>, timeoutMs = 15_000): Promise<{ event: string; data: any }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(`${base}/events`, { signal: controller.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let triggered = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream ended');
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        if (event === 'hello' && !triggered) {
          triggered = true;
          await trigger();
          continue;
        }
        const parsed = JSON.parse(data);
        if (want(event, parsed)) return { event, data: parsed };
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

test('meta: the two console users and an example input for every job kind that passes its schema', async () => {
  const { status, body } = await getJson('/meta');
  assert.equal(status, 200);
  assert.deepEqual(body.users.map((u: { email: string }) => u.email), ['sato@example.co.jp', 'emma@example.co.jp']);
  assert.deepEqual(body.kinds.map((k: { kind: string }) => k.kind).sort(), Object.keys(JOB_KINDS).sort());
  for (const k of body.kinds) {
    const parsed = EnqueueRequest.safeParse({ kind: k.kind, input: k.example });
    assert.ok(parsed.success, `${k.kind} example is invalid: ${JSON.stringify(parsed.error?.issues)}`);
  }
  assert.equal(body.chatSpace, stack.config.chatSpace);
  assert.equal(body.addon, true, 'the stack mounts the add-on backend');
});

test('jobs: enqueue as the chosen user, list across users, errors pass through with the field named', async () => {
  const bad = await postJson('/jobs', { user: 'nobody@example.com', kind: 'system.echo', input: { message: 'x' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /sato@example\.co\.jp/);

  const invalid = await postJson('/jobs', { user: 'sato@example.co.jp', kind: 'system.echo', input: { message: 42 } });
  assert.equal(invalid.status, 400);
  assert.ok(invalid.body.error.issues.some((i: { path: string }) => i.path === 'input.message'), JSON.stringify(invalid.body));

  const created = await postJson('/jobs', { user: 'emma@example.co.jp', kind: 'system.echo', input: { message: 'from the router test' } });
  assert.equal(created.status, 202);
  assert.equal(created.body.job.requestedBy, 'emma@example.co.jp');
  const id = created.body.job.id as string;

  const list = await getJson('/jobs');
  assert.equal(list.status, 200);
  assert.ok(list.body.jobs.some((j: { id: string }) => j.id === id));

  const mine = await getJson(`/jobs/${id}?user=emma@example.co.jp`);
  assert.equal(mine.status, 200);
  assert.equal(mine.body.job.id, id);
  const theirs = await getJson(`/jobs/${id}?user=sato@example.co.jp`);
  assert.ok(theirs.status === 404 || theirs.status === 403, `another user's job is refused (${theirs.status})`);
});

test('events: a job enqueued through the console streams its changes until it succeeds', async () => {
  let id = '';
  const seen = await waitForEvent(
    (event, data) => event === 'job' && data.id === id && data.status === 'succeeded',
    async () => {
      const created = await postJson('/jobs', { user: 'sato@example.co.jp', kind: 'system.echo', input: { message: 'stream me', steps: 2, delayMs: 100 } });
      id = created.body.job.id;
    },
  );
  assert.equal(seen.data.kind, 'system.echo');
});

test('events: a sandbox write is forwarded as a sandbox change', async () => {
  const sandbox = new SandboxClient({ sandboxUrl: stack.sandbox.url, issuer: stack.issuer });
  const seen = await waitForEvent(
    (event, data) => event === 'sandbox' && data.api === 'chat',
    () => sandbox.json(`/chat/v1/${stack.config.chatSpace}/messages`, { body: { text: 'a change for the console' } }),
  );
  assert.equal(seen.event, 'sandbox');
});

test('sandbox views: chat messages in order, the ledger as values, a Doc as text and PDF, the inbox parsed', async () => {
  const chat = await getJson('/chat/messages');
  assert.equal(chat.status, 200);
  const times = chat.body.messages.map((m: { createTime: string }) => m.createTime);
  assert.deepEqual(times, [...times].sort(), 'oldest first');

  const sheets = await getJson('/sheets');
  const ledger = sheets.body.spreadsheets.find((s: { id: string }) => s.id === stack.config.ledgerSpreadsheetId);
  assert.deepEqual(ledger.sheets.find((s: { title: string }) => s.title === LEDGER.sheetName).values[0], LEDGER.headers);

  const text = await getJson(`/drive/files/${stack.config.estimateTemplateDocId}/text`);
  assert.equal(text.status, 200);
  assert.ok(text.body.text.length > 0, 'the estimate template has text');
  const pdf = await fetch(`${base}/drive/files/${stack.config.estimateTemplateDocId}/download`);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');

  const inbox = await getJson('/gmail/messages?user=sato@example.co.jp');
  assert.equal(inbox.status, 200);
  assert.ok(inbox.body.messages.length > 0);
  assert.ok(inbox.body.messages.every((m: { subject: string; from: string }) => m.subject && m.from));
  const withFile = inbox.body.messages.find((m: { attachments: unknown[] }) => m.attachments.length);
  assert.ok(withFile, 'a seeded e-mail has an attachment');
  const att = withFile.attachments[0];
  const file = await fetch(`${base}/gmail/messages/${withFile.id}/attachments/${att.attachmentId}?user=sato@example.co.jp&name=${encodeURIComponent(att.filename)}&mimeType=${encodeURIComponent(att.mimeType)}`);
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), att.mimeType);
  assert.equal(Number(file.headers.get('content-length')), att.size);
  const noUser = await getJson('/gmail/messages');
  assert.equal(noUser.status, 400);

  const missing = await getJson('/drive/files/no-such-file/text');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'sandbox_error');
});

test('sheets: a cell typed in the console is written as Sheets takes typing (a date stays a date); bad input is refused naming the field', async () => {
  const id = stack.config.ledgerSpreadsheetId;
  const written = await postJson(`/sheets/${id}/cell`, { sheet: LEDGER.sheetName, row: 13, column: LEDGER.index.deliveredAt + 1, value: '2026-12-02' });
  assert.equal(written.status, 200, JSON.stringify(written.body));
  assert.equal(written.body.updatedRange, `${LEDGER.sheetName}!${LEDGER.letter.deliveredAt}13`);
  const sheets = await getJson('/sheets');
  const ledger = sheets.body.spreadsheets.find((s: { id: string }) => s.id === id);
  assert.equal(ledger.sheets.find((s: { title: string }) => s.title === LEDGER.sheetName).values[12][LEDGER.index.deliveredAt], '2026-12-02');
  const bad = await postJson(`/sheets/${id}/cell`, { sheet: LEDGER.sheetName, row: 0, column: 1, value: 'x' });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /row and column must be whole numbers from 1/);
});

test('faults: knobs set through the console reach the sandbox, bad ones are refused naming the field, clear resets', async () => {
  const set = await postJson('/faults', { api: 'docs', latencyMs: 5, errorRates: { '503': 0.25 } });
  assert.equal(set.status, 200);
  assert.deepEqual(stack.sandbox.faults.get('docs'), { latencyMs: 5, errorRates: { '503': 0.25 }, disabled: false });
  const bad = await postJson('/faults', { api: 'nope' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /api/);
  const cleared = await fetch(`${base}/faults`, { method: 'DELETE' });
  assert.equal(cleared.status, 200);
  assert.deepEqual(stack.sandbox.faults.get('docs'), { latencyMs: 0, errorRates: {}, disabled: false });
});

test('add-on slot: 503 addon_not_loaded without a backend; a given backend is mounted at /console/api/addon', async () => {
  const serve = async (router: ReturnType<typeof createConsoleRouter>, fn: (url: string) => Promise<void>) => {
    const server = express().use(router).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      await fn(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    } finally {
      router.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  };
  const common = { dataDir: stack.dataDir, sandboxUrl: stack.sandbox.url, serviceUrl: stack.serviceUrl, scriptClientId: stack.config.scriptClientId, issuer: stack.issuer, config: stack.config };

  await serve(createConsoleRouter(common), async (url) => {
    const meta = await (await fetch(`${url}/console/api/meta`)).json();
    assert.equal(meta.addon, false);
    const res = await fetch(`${url}/console/api/addon/chat/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '/help' }) });
    assert.equal(res.status, 503);
    assert.equal((await res.json()).error.code, 'addon_not_loaded');
  });

  const addon = express.Router();
  addon.post('/chat/message', express.json(), (req, res) => res.json({ response: { echoed: req.body.text } }));
  await serve(createConsoleRouter({ ...common, addonRouter: addon }), async (url) => {
    const res = await fetch(`${url}/console/api/addon/chat/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '/help' }) });
    assert.deepEqual(await res.json(), { response: { echoed: '/help' } });
    const page = await fetch(`${url}/`);
    assert.match(await page.text(), /<script type="module" src="\/console\/assets\/app\.js">/);
    const js = await fetch(`${url}/console/assets/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
  });
});
