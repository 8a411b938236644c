// portal.scrape end to end: the local portal site (login + pagination) → intake records, Intake
// rows and one Chat card per new order in the sandbox; seen orders skipped; crash at every step;
// unknown portal, missing credentials and the SSRF guard as permanent failures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPortalScrapeHandler, intakeIdFor, portalScrape } from '../service/jobs/portalScrape.js';
import { JobFailure } from '../service/jobFailure.js';
import { ADDON_FUNCTIONS } from '../shared/addonFunctions.js';
import type { PortalScrapeResult } from '../shared/kinds/portalScrape.js';
import { INTAKE } from '../shared/sheetLayouts.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { chatMessages, sheetRows } from './support/jobsInspect.js';
import { demoPortalConfig, startPortalSite, type PortalSite } from '../local/demo-portal/portalSite.js';

let env: JobsEnv;
let site: PortalSite;
const credentials = { TASUKI_PORTAL_ACME_USER: 'office', TASUKI_PORTAL_ACME_PASSWORD: 'secret-pass' };
const handler = createPortalScrapeHandler({ allowLoopback: true, env: credentials });

before(async () => {
  site = await startPortalSite({ pageSize: 2 });
  for (let i = 1; i <= 3; i++) site.orders.push({ id: `ORD-${200 + i}`, client: '株式会社アクメ', title: `販促ポスター ${i}`, due: `2027/01/${10 + i}`, amount: 100_000 * i });
  env = await startJobsEnv({ config: { portals: [demoPortalConfig(site.url)] } });
});
after(async () => {
  await env.close();
  await site.close();
});

async function intakeRows(jobId?: string) {
  const rows = await sheetRows(env.google, env.config.ledgerSpreadsheetId, INTAKE);
  return jobId ? rows.filter((r) => r.jobId === jobId) : rows;
}

async function orderCards() {
  return (await chatMessages(env.google, env.config.chatSpace)).filter((m) => /New order|新しい発注/.test(m.text));
}

test('new orders become intake rows and one card each with a Create project button; seen ones are skipped', async () => {
  const first = await env.newJob('portal.scrape', { portal: 'acme' });
  const r1 = await env.run<PortalScrapeResult>(handler, first.id);
  assert.deepEqual({ fetched: r1.fetched, added: r1.added, skipped: r1.skipped }, { fetched: 3, added: 3, skipped: 0 });
  assert.deepEqual(r1.intakeIds, ['acme-ORD-201', 'acme-ORD-202', 'acme-ORD-203']);
  const rows = await intakeRows(first.id);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[1], {
    intakeId: 'acme-ORD-202', receivedAt: rows[1]!.receivedAt, portal: 'acme', client: '株式会社アクメ', title: '販促ポスター 2',
    due: '2027-01-12', amount: '200000', status: '未処理', projectNumber: '', jobId: first.id, tasukiStatus: '', tasukiJob: '',
  });
  const cards = await orderCards();
  assert.equal(cards.length, 3);
  const button = JSON.stringify(cards[0]!.cardsV2);
  assert.ok(button.includes(ADDON_FUNCTIONS.createProjectFromIntake) && button.includes('acme-ORD-201'), button);
  const record = await env.store.getDoc('intake', 'acme-ORD-201');
  assert.equal(record?.data.due, '2027-01-11');

  // A new order arrives; a second scrape adds only it.
  site.orders.push({ id: 'ORD-204', client: '株式会社アクメ', title: '採用サイト バナー', due: '2027-02-01', amount: 80_000 });
  const second = await env.newJob('portal.scrape', { portal: 'acme' });
  const r2 = await env.run<PortalScrapeResult>(handler, second.id);
  assert.deepEqual({ fetched: r2.fetched, added: r2.added, skipped: r2.skipped, ids: r2.intakeIds }, { fetched: 4, added: 1, skipped: 3, ids: ['acme-ORD-204'] });
  assert.equal((await orderCards()).length, 4);
  assert.equal((await intakeRows()).filter((r) => /^acme-ORD-20\d$/.test(r.intakeId ?? '')).length, 4);
});

test('a crash at every step still gives one intake row and one card per order', async () => {
  site.orders.push({ id: 'ORD-301', client: '株式会社アクメ', title: '展示会 パネル', due: '2027-03-01', amount: 300_000 });
  site.orders.push({ id: 'ORD/302 #b', client: '株式会社アクメ', title: 'ノベルティ', due: '', amount: 0 });
  const job = await env.newJob('portal.scrape', { portal: 'acme' });
  const steps = ['fetch', 'classify', `order:${intakeIdFor('acme', 'ORD-301')}`, `order:${intakeIdFor('acme', 'ORD/302 #b')}`];
  const result = await env.runCrashingEverywhere<PortalScrapeResult>(handler, job.id, steps);
  assert.equal(result.added, 2);
  assert.match(result.intakeIds[1]!, /^acme-h[0-9a-f]{20}$/);
  const rows = await intakeRows(job.id);
  assert.deepEqual(rows.map((r) => r.intakeId).sort(), [...result.intakeIds].sort());
  assert.equal((await orderCards()).length, 6);
});

test('unknown portal and missing credentials are permanent failures saying what to set', async () => {
  const unknown = await env.newJob('portal.scrape', { portal: 'nope' });
  await assert.rejects(env.run(handler, unknown.id), (err: unknown) => err instanceof JobFailure && err.code === 'unknown_portal' && !err.retryable && err.userMessage.en.includes('acme'));
  const noCreds = await env.newJob('portal.scrape', { portal: 'acme' });
  await assert.rejects(
    env.run(createPortalScrapeHandler({ allowLoopback: true, env: {} }), noCreds.id),
    (err: unknown) => err instanceof JobFailure && !err.retryable && err.message.includes('TASUKI_PORTAL_ACME_PASSWORD') && !err.userMessage.ja.includes('TASUKI_') && err.userMessage.ja.includes('管理者'),
  );
  assert.equal(portalScrape.input.safeParse({ portal: 'Bad Id!' }).success, false);
});

test('the registered handler never reaches a loopback portal (SSRF guard)', async () => {
  const job = await env.newJob('portal.scrape', { portal: 'acme' });
  const before = site.hits.length;
  await assert.rejects(env.run(createPortalScrapeHandler({ env: credentials }), job.id), (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused' && !err.retryable);
  await assert.rejects(env.run(portalScrape, job.id), (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused');
  assert.equal(site.hits.length, before, 'no request reached the portal');
});

test('the registered handler reaches a loopback portal only with the local TASUKI_PORTAL_ALLOW_LOOPBACK; never private or metadata addresses', async () => {
  const withCreds = createPortalScrapeHandler({ env: credentials });
  const refusedLoopback = (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused' && /loopback/.test(err.message);
  assert.equal(env.config.portalAllowLoopback, false, 'off by default');
  const before = site.hits.length;
  // The switch is read in local mode only, whatever a configuration object says.
  const prod = await env.newJob('portal.scrape', { portal: 'acme' });
  await assert.rejects(env.run(withCreds, prod.id, { config: { mode: 'production', portalAllowLoopback: true } }), refusedLoopback);
  assert.equal(site.hits.length, before, 'no request reached the portal');

  site.orders.push({ id: 'ORD-501', client: '株式会社アクメ', title: 'Webバナー 春', due: '2027/03/20', amount: 45_000 });
  const local = await env.newJob('portal.scrape', { portal: 'acme' });
  const result = await env.run<PortalScrapeResult>(withCreds, local.id, { config: { portalAllowLoopback: true } });
  assert.deepEqual(result.intakeIds, ['acme-ORD-501']);
  assert.ok(site.hits.length > before);

  // Private, link-local (metadata server) and CGNAT addresses stay refused with the switch on.
  for (const host of ['169.254.169.254', '10.0.0.8', '192.168.1.20', '100.64.0.1']) {
    const portals = [demoPortalConfig(`http://${host}`, 'inside')];
    const job = await env.newJob('portal.scrape', { portal: 'inside' });
    await assert.rejects(
      env.run(createPortalScrapeHandler({ env: { TASUKI_PORTAL_INSIDE_USER: 'u', TASUKI_PORTAL_INSIDE_PASSWORD: 'p' } }), job.id, { config: { portals, portalAllowLoopback: true } }),
      (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused' && err.message.includes(host) && /private|link-local|reserved/.test(err.message),
      host,
    );
  }
});

test('cards for many new orders wait out Chat\'s per-space write limit instead of failing', async () => {
  env.sandbox.sandbox.faults.setLimits({ chatWriteIntervalMs: 300, chatWriteBurst: 1 });
  try {
    for (let i = 0; i < 3; i++) site.orders.push({ id: `ORD-40${i}`, client: '株式会社アクメ', title: `バナー ${i}`, due: '2027-04-01', amount: 10_000 });
    const job = await env.newJob('portal.scrape', { portal: 'acme' });
    const result = await env.run<PortalScrapeResult>(handler, job.id);
    assert.equal(result.added, 3);
  } finally {
    env.sandbox.sandbox.faults.setLimits({ chatWriteIntervalMs: 0 });
  }
});

test('Create project from an intake card marks the Intake row and record with the project number', async () => {
  const { projectCreate } = await import('../service/jobs/projectCreate.js');
  const record = (await env.store.getDoc<Record<string, unknown>>('intake', 'acme-ORD-201'))!.data;
  // What the add-on enqueues from the card's button parameters.
  const job = await env.newJob('project.create', { source: 'portal', intakeId: 'acme-ORD-201', client: { name: String(record.client) }, title: String(record.title), due: String(record.due), amount: Number(record.amount) });
  const result = await env.runCrashingEverywhere<{ projectNumber: string }>(projectCreate, job.id, ['intake']);
  const row = (await intakeRows()).find((r) => r.intakeId === 'acme-ORD-201')!;
  assert.equal(row.projectNumber, result.projectNumber);
  assert.equal(row.status, '案件化');
  const after = (await env.store.getDoc<Record<string, unknown>>('intake', 'acme-ORD-201'))!.data;
  assert.equal(after.status, 'project');
  assert.equal(after.projectNumber, result.projectNumber);
});
