/**
 * The local stack as `npm start` runs it (local/stack.ts, the service as its own process): the
 * demo client portal is configured as portal "acme", so `portal.scrape` {"portal":"acme"} — the
 * console's example — succeeds on the seeded data, and its result shows in the console's sandbox
 * views (Intake rows in the ledger spreadsheet, one Chat card per order). A second run, from the
 * console's Run form backend, adds nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_PORTAL_ORDERS } from '../local/demo-portal/portalSite.js';
import { LocalIssuer } from '../local/issuer.js';
import { startStack, type Stack } from '../local/stack.js';
import { loadConfig } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import type { JobView } from '../shared/job.js';
import type { PortalScrapeResult } from '../shared/kinds/portalScrape.js';
import { INTAKE } from '../shared/sheetLayouts.js';

const config = loadConfig({});
const SATO = 'sato@example.co.jp';
let dataDir: string;
let stack: Stack;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tasuki-stack-'));
  stack = await startStack({ dataDir, consolePort: 0, servicePort: 0, emulatorPort: 0, logger: createLogger({ level: 'silent' }) });
});
after(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as T };
}

const consoleApi = (path: string) => `${stack.sandboxUrl}/console/api${path}`;

async function serviceToken(): Promise<string> {
  return LocalIssuer.open(dataDir).mintIdToken({ aud: config.scriptClientId, email: SATO });
}

/** Polls the job through the service's API until it ends (the worker runs in the service process). */
async function finished(jobId: string, timeoutMs = 30_000): Promise<JobView> {
  const authorization = `Bearer ${await serviceToken()}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await json<{ job: JobView }>(`${stack.serviceUrl}/v1/jobs/${jobId}`, { headers: { authorization } });
    assert.equal(status, 200);
    if (['succeeded', 'failed', 'canceled'].includes(body.job.status)) return body.job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${body.job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The Intake sheet's rows as the console's Sheets view shows them. */
async function intakeRows(): Promise<Array<Record<string, string>>> {
  const { status, body } = await json<{ sheets: Array<{ title: string; values: string[][] }> }>(consoleApi(`/sheets/${config.ledgerSpreadsheetId}`));
  assert.equal(status, 200);
  const sheet = body.sheets.find((s) => s.title === INTAKE.sheetName);
  assert.ok(sheet, `the ledger spreadsheet has an ${INTAKE.sheetName} sheet`);
  return sheet.values.slice(1).map((cells) => Object.fromEntries(INTAKE.columns.map((c, i) => [c.key, String(cells[i] ?? '')])));
}

/** The order cards in the team space, as the console's Chat view shows them. */
async function orderCards(): Promise<Array<{ text: string; cardsV2?: unknown[] }>> {
  const { status, body } = await json<{ messages: Array<{ text?: string; cardsV2?: unknown[] }> }>(consoleApi(`/chat/messages?space=${encodeURIComponent(config.chatSpace)}`));
  assert.equal(status, 200);
  return body.messages.filter((m) => /^(新しい発注|New order) \(acme\)/.test(m.text ?? '')).map((m) => ({ text: m.text ?? '', cardsV2: m.cardsV2 }));
}

test("the console's portal.scrape example is the demo portal, and it runs: intake rows and cards in the sandbox, nothing more the second time", async () => {
  const meta = await json<{ kinds: Array<{ kind: string; example: unknown }> }>(consoleApi('/meta'));
  assert.deepEqual(meta.body.kinds.find((k) => k.kind === 'portal.scrape')?.example, { portal: 'acme' });
  const rowsBefore = await intakeRows();
  assert.equal((await orderCards()).length, 0);

  // As the add-on would: an ID token for the Apps Script client, straight to the service.
  const enqueued = await json<{ job: JobView; created: boolean }>(`${stack.serviceUrl}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await serviceToken()}` },
    body: JSON.stringify({ kind: 'portal.scrape', input: { portal: 'acme' }, locale: 'ja', reply: { chat: { space: config.chatSpace } } }),
  });
  assert.equal(enqueued.status, 202, JSON.stringify(enqueued.body));
  assert.equal(enqueued.body.created, true);
  const first = await finished(enqueued.body.job.id);
  assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
  const result = first.result as PortalScrapeResult;
  const expectedIds = DEMO_PORTAL_ORDERS.map((o) => `acme-${o.id}`);
  assert.deepEqual({ fetched: result.fetched, added: result.added, skipped: result.skipped }, { fetched: 5, added: 5, skipped: 0 });
  assert.deepEqual(result.intakeIds, expectedIds);

  const rows = (await intakeRows()).filter((r) => r.jobId === first.id);
  assert.deepEqual(
    rows.map((r) => [r.intakeId, r.portal, r.client, r.title, r.due, r.amount]),
    DEMO_PORTAL_ORDERS.map((o) => [`acme-${o.id}`, 'acme', o.client, o.title, o.due.replace(/\//g, '-'), String(o.amount)]),
  );
  const cards = await orderCards();
  assert.equal(cards.length, 5);
  for (const order of DEMO_PORTAL_ORDERS) {
    const card = cards.find((c) => c.text.endsWith(order.title));
    assert.ok(card, `a card for ${order.title}`);
    assert.ok(JSON.stringify(card.cardsV2).includes(`acme-${order.id}`), 'its Create project button carries the intake id');
  }

  // Again, through the console's Run form backend: every order is already known.
  const again = await json<{ job: JobView }>(consoleApi('/jobs'), {
    method: 'POST',
    body: JSON.stringify({ user: SATO, kind: 'portal.scrape', input: { portal: 'acme' }, locale: 'ja', reply: { chat: { space: config.chatSpace } } }),
  });
  assert.equal(again.status, 202, JSON.stringify(again.body));
  const second = await finished(again.body.job.id);
  assert.equal(second.status, 'succeeded', JSON.stringify(second.error));
  assert.deepEqual(second.result, { portal: 'acme', fetched: 5, added: 0, skipped: 5, intakeIds: [] });
  assert.equal((await intakeRows()).length, rowsBefore.length + 5);
  assert.equal((await orderCards()).length, 5);
});
