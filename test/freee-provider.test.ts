// The freee provider against the freee stand-in, through billing.document: OAuth tokens (refresh
// before expiry, one-use refresh tokens, two instances never burning the same one), partners
// matched or created once, a lost create answer, freee's rate limit and validation errors,
// reissue voiding the freee document, and a revoked grant asking for reconnection.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FreeeApi } from '../service/billing/freee/freeeApi.js';
import { FileTokenVault, FreeeTokenSource, postTokenRequest, tokensFromResponse } from '../service/billing/freee/freeeTokens.js';
import { FREEE_TOKEN_FILE, accountingProviderFor } from '../service/billing/providers.js';
import { createBillingDocumentHandler } from '../service/jobs/billingDocument.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import { JobFailure } from '../service/jobFailure.js';
import type { BillingDocumentResult } from '../shared/kinds/billingDocument.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { STANDIN_APP, STANDIN_COMPANY_ID } from '../local/freee/freeeState.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { connectStandIn, mountFreeeStandIn, type FreeeTestEnv } from './support/freee.js';
import { join } from 'node:path';

const handler = createBillingDocumentHandler(accountingProviderFor);
let env: JobsEnv;
let freee: FreeeTestEnv;

before(async () => {
  env = await startJobsEnv();
  freee = mountFreeeStandIn(env.sandbox.sandbox, env.sandbox.dataDir);
  Object.assign(env.config, freee.config);
  await connectStandIn(freee, env.sandbox.dataDir);
});
after(() => env.close());

async function newProject(client: string, title: string, amount = 80_000): Promise<ProjectCreateResult> {
  const job = await env.newJob('project.create', { source: 'chat', client: { name: client }, title, due: '2027-03-01', amount });
  return env.run<ProjectCreateResult>(projectCreate, job.id);
}

const client = { accountsUrl: '', clientId: STANDIN_APP.clientId, clientSecret: STANDIN_APP.clientSecret };

test('the refresh token works once; the token source refreshes before expiry and stores the rotated token', async () => {
  const vault = new FileTokenVault(join(env.sandbox.dataDir, FREEE_TOKEN_FILE));
  const before = (await vault.read())!;
  const oauth = { ...client, accountsUrl: freee.url };
  // Refreshing starts 30 minutes before expiry: 40 minutes before, the stored token is used.
  let clock = new Date(new Date(before.expiresAt).getTime() - 40 * 60_000);
  const source = new FreeeTokenSource({ vault, store: env.store, client: oauth, now: () => clock });
  assert.equal((await source.get()).accessToken, before.accessToken, 'fresh enough: no refresh');
  clock = new Date(new Date(before.expiresAt).getTime() - 20 * 60_000);
  const refreshed = await source.get();
  assert.notEqual(refreshed.accessToken, before.accessToken);
  assert.notEqual(refreshed.refreshToken, before.refreshToken, 'freee rotates the refresh token');
  assert.equal((await vault.read())!.refreshToken, refreshed.refreshToken, 'the new refresh token is stored before use');
  // The old refresh token is spent.
  await assert.rejects(postTokenRequest(oauth, { grant_type: 'refresh_token', refresh_token: before.refreshToken }), (err: unknown) => err instanceof JobFailure && err.code === 'freee_not_connected' && err.userMessage.ja.includes('管理者') && err.message.includes('npm run freee:connect'));
});

test('two instances that both need a refresh: one refreshes under the lease, both get the same token', async () => {
  const vault = new FileTokenVault(join(env.sandbox.dataDir, FREEE_TOKEN_FILE));
  // The stored token has five minutes left: both instances see it is time to refresh.
  const current = (await vault.read())!;
  await vault.write({ ...current, expiresAt: new Date(Date.now() + 5 * 60_000).toISOString() });
  const oauth = { ...client, accountsUrl: freee.url };
  const a = new FreeeTokenSource({ vault, store: env.store, client: oauth });
  const b = new FreeeTokenSource({ vault, store: env.store, client: oauth });
  const usedBefore = freee.standIn.state.grantStats().refreshTokensUsed;
  const [ta, tb] = await Promise.all([a.get(), b.get()]);
  assert.equal(ta.accessToken, tb.accessToken);
  assert.notEqual(ta.accessToken, current.accessToken);
  assert.equal(freee.standIn.state.grantStats().refreshTokensUsed, usedBefore + 1, 'exactly one refresh token spent');
});

test('partners: matched on the normalised name (株式会社 ignored), created once when missing even after a crash', async () => {
  const known = await newProject('山田製菓株式会社', '春の新商品');
  const partnersBefore = freee.standIn.state.partners.length;
  const first = await env.run<BillingDocumentResult>(handler, (await env.newJob('billing.document', { type: 'estimate', projectNumber: known.projectNumber })).id);
  assert.equal(first.provider, 'freee');
  const doc = freee.standIn.state.documents.find((d) => d.number === first.documentNumber)!;
  assert.equal(doc.partner_id, 70_002, 'the seeded 山田製菓 partner (long name 山田製菓株式会社)');
  assert.equal(freee.standIn.state.partners.length, partnersBefore);

  const fresh = await newProject('Blue Harbor Coffee', 'Menu');
  const job = await env.newJob('billing.document', { type: 'estimate', projectNumber: fresh.projectNumber });
  await assert.rejects(env.run(handler, job.id, { crash: { after: 'freee:partner' } }));
  const result = await env.run<BillingDocumentResult>(handler, job.id);
  assert.equal(freee.standIn.state.partners.filter((p) => p.name === 'Blue Harbor Coffee').length, 1);
  assert.equal(freee.standIn.state.documents.find((d) => d.number === result.documentNumber)!.partner_display_name, 'Blue Harbor Coffee');
});

test('a create whose answer is lost (503 after freee kept it) is found by number on redelivery: one invoice', async () => {
  const project = await newProject('株式会社アクメ', '展示会パネル');
  freee.standIn.faults.set({ loseNextCreates: 1 });
  const job = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-14' });
  await assert.rejects(env.run(handler, job.id), (err: unknown) => err instanceof JobFailure && err.retryable && err.code === 'freee_unavailable');
  const result = await env.run<BillingDocumentResult>(handler, job.id);
  assert.equal(freee.standIn.state.documents.filter((d) => d.number === result.documentNumber).length, 1);
  assert.equal(freee.standIn.state.documents.find((d) => d.number === result.documentNumber)!.lines[0]!.sales_date, '2026-12-14', 'the transaction date is the line\'s 取引日');
  assert.ok(result.links.some((l) => l.url === `${freee.url}/web/invoices/${result.accountingId}`), 'linked to the document in freee');
});

test("freee's rate limit: 429 with X-RateLimit headers becomes a retryable failure that waits for the reset", async () => {
  const api = new FreeeApi({ apiUrl: freee.url, tokens: new FreeeTokenSource({ vault: new FileTokenVault(join(env.sandbox.dataDir, FREEE_TOKEN_FILE)), store: env.store, client: { ...client, accountsUrl: freee.url } }) });
  const companyId = await api.companyId();
  freee.standIn.faults.set({ perMinute: 1 });
  try {
    // The window may already hold calls; two more surely exceed one a minute.
    await api.findPartners(companyId, 'x').catch(() => undefined);
    await assert.rejects(api.findPartners(companyId, 'x'), (err: unknown) => err instanceof JobFailure && err.retryable && err.code === 'freee_rate_limited' && (err.retryAfterSeconds ?? 0) >= 1 && (err.retryAfterSeconds ?? 0) <= 60);
    const res = await fetch(`${freee.url}/api/1/partners?company_id=${companyId}`, { headers: { authorization: `Bearer ${(await new FileTokenVault(join(env.sandbox.dataDir, FREEE_TOKEN_FILE)).read())!.accessToken}` } });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('x-ratelimit-remaining-minute'), '0');
    assert.ok(res.headers.get('x-ratelimit-reset-minute'));
  } finally {
    freee.standIn.faults.set({ perMinute: 100_000 });
  }
});

test("freee's rate limit: an hour's or a day's window used up is waited out to its own reset, not the minute's", async () => {
  const api = new FreeeApi({ apiUrl: freee.url, tokens: new FreeeTokenSource({ vault: new FileTokenVault(join(env.sandbox.dataDir, FREEE_TOKEN_FILE)), store: env.store, client: { ...client, accountsUrl: freee.url } }) });
  const companyId = await api.companyId();
  const token = (await new FileTokenVault(join(env.sandbox.dataDir, FREEE_TOKEN_FILE)).read())!.accessToken;
  const probe = () => fetch(`${freee.url}/api/1/partners?company_id=${companyId}`, { headers: { authorization: `Bearer ${token}` } });
  for (const [knob, window, header] of [['perHour', 'hour', 'x-ratelimit-remaining'], ['perDay', 'day', 'x-ratelimit-remaining-day']] as const) {
    freee.standIn.faults.set({ [knob]: 1 });
    try {
      await probe();
      const res = await probe();
      assert.equal(res.status, 429);
      assert.equal(res.headers.get(header), '0', `${window}: used up`);
      assert.notEqual(res.headers.get('x-ratelimit-remaining-minute'), '0', `${window}: the minute's window is not`);
      assert.match(res.headers.get('x-ratelimit-reset-day') ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, "freee's reset format");
      await assert.rejects(api.findPartners(companyId, 'x'), (err: unknown) => {
        assert.ok(err instanceof JobFailure && err.retryable && err.code === 'freee_rate_limited', String(err));
        // The window began with the first call, seconds ago: its reset is most of an hour (or more) away.
        assert.ok((err.retryAfterSeconds ?? 0) > 600, `${window}: waits ${err.retryAfterSeconds}s, past the minute's reset`);
        assert.ok(err.message.includes(`the ${window}'s limit is used up`), err.message);
        if (window === 'day') assert.match(err.userMessage.ja, /1日の上限/);
        return true;
      });
    } finally {
      freee.standIn.faults.set({ perHour: 1_000_000, perDay: 10_000_000 });
    }
  }
});

test('freee tokens: company_id arrives as a string; a refresh token lapses after 90 days and with a revoked access token', async () => {
  const oauth = { ...client, accountsUrl: freee.url };
  const state = freee.standIn.state;
  const issued = state.issueTokens(STANDIN_COMPANY_ID, 21_600, Date.now());
  const body = await postTokenRequest(oauth, { grant_type: 'refresh_token', refresh_token: issued.refreshToken });
  assert.equal(body.company_id, String(STANDIN_COMPANY_ID), "freee's reference shows company_id as a string");
  assert.equal(tokensFromResponse(body, new Date()).companyId, STANDIN_COMPANY_ID);
  const old = state.issueTokens(STANDIN_COMPANY_ID, 21_600, Date.now() - 91 * 86_400_000);
  assert.equal(state.useRefreshToken(old.refreshToken, new Date()), null, '91 days old');
  const young = state.issueTokens(STANDIN_COMPANY_ID, 21_600, Date.now() - 89 * 86_400_000);
  assert.ok(state.useRefreshToken(young.refreshToken, new Date()), '89 days old still works');
  const revoked = state.issueTokens(STANDIN_COMPANY_ID, 21_600, Date.now());
  await fetch(`${freee.url}/_admin/revoke`, { method: 'POST' });
  await assert.rejects(postTokenRequest(oauth, { grant_type: 'refresh_token', refresh_token: revoked.refreshToken }), (err: unknown) => err instanceof JobFailure && err.code === 'freee_not_connected');
  await connectStandIn(freee, env.sandbox.dataDir);
});

test("the stand-in answers with every field freee's schema marks required (InvoiceResponse_invoice, QuotationResponse_quotation)", async () => {
  const token = (await new FileTokenVault(join(env.sandbox.dataDir, FREEE_TOKEN_FILE)).read())!.accessToken;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const common = { company_id: STANDIN_COMPANY_ID, partner_id: 70_001, partner_title: '（空白）', tax_entry_method: 'out', tax_fraction: 'omit', withholding_tax_entry_method: 'out', lines: [{ description: '検品', quantity: 1, unit_price: '1000', tax_rate: 10 }] };
  // Required lists as published in freee/freee-api-schema iv/open-api-3/api-schema.yml.
  const required = {
    invoice: ['amount_brought_forward', 'amount_excluding_tax', 'amount_including_tax', 'amount_tax', 'billing_date', 'cancel_status', 'company_id', 'created_at', 'deal_status', 'id', 'invoice_note', 'invoice_number', 'lines', 'memo', 'partner_id', 'payment_status', 'sending_status', 'subject', 'total_amount'],
    quotation: ['amount_excluding_tax', 'amount_including_tax', 'amount_tax', 'cancel_status', 'company_id', 'created_at', 'delivery_deadline', 'delivery_location', 'id', 'lines', 'memo', 'partner_id', 'quotation_date', 'quotation_note', 'quotation_number', 'sending_status', 'subject', 'total_amount'],
  };
  for (const [kind, body] of [['invoice', { ...common, invoice_number: 'SCHEMA-I-1', billing_date: '2027-01-05' }], ['quotation', { ...common, quotation_number: 'SCHEMA-Q-1', quotation_date: '2027-01-05' }]] as const) {
    const res = await fetch(`${freee.url}/iv/${kind}s`, { method: 'POST', headers, body: JSON.stringify(body) });
    assert.equal(res.status, 201, await res.clone().text());
    const doc = ((await res.json()) as Record<string, Record<string, unknown>>)[kind]!;
    for (const field of required[kind]) assert.ok(field in doc, `${kind}.${field}`);
    assert.match(String(doc.created_at), /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(:[0-9]{2})?$/);
    assert.equal(doc.partner_title, '(空白)', 'the deprecated full-width （空白） is answered half-width');
    const line = (doc.lines as Array<Record<string, unknown>>)[0]!;
    for (const field of ['description', 'id', 'type', 'withholding']) assert.ok(field in line, `${kind}.lines.${field}`);
    assert.equal('sales_date' in line, kind === 'invoice', 'only invoice lines have a 取引日');
  }
});

test("freee's validation errors reach the user in freee's words (a company that numbers automatically)", async () => {
  const project = await newProject('北斗書店', '棚札');
  const res = await fetch(`${freee.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbering: 'auto' }) });
  assert.equal(res.status, 200);
  try {
    const job = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber });
    await assert.rejects(env.run(handler, job.id), (err: unknown) => err instanceof JobFailure && !err.retryable && err.code === 'freee_rejected' && err.userMessage.ja.includes('自動採番する'));
  } finally {
    await fetch(`${freee.url}/_admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ numbering: 'manual' }) });
  }
});

test('reissue in freee: a new invoice, the old one marked 【取消】 with the reason in freee and on its PDF copy', async () => {
  const project = await newProject('みどり不動産', '物件チラシ 1月号');
  const first = await env.run<BillingDocumentResult>(handler, (await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2027-01-10' })).id);
  const again = await env.run<BillingDocumentResult>(handler, (await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber })).id);
  assert.deepEqual([again.outcome, again.documentNumber], ['existing', first.documentNumber]);
  const reissued = await env.run<BillingDocumentResult>(handler, (await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2027-01-10', reissue: { reason: '宛名誤り' } })).id);
  assert.equal(reissued.voidedNumber, first.documentNumber);
  const old = freee.standIn.state.documents.find((d) => d.number === first.documentNumber)!;
  assert.ok(String(old.subject).startsWith('【取消】'), String(old.subject));
  assert.match(String(old.memo), new RegExp(`取消 .*宛名誤り → ${reissued.documentNumber}`));
  assert.equal(freee.standIn.state.documents.filter((d) => d.number === reissued.documentNumber).length, 1);
});

test('a revoked grant: the job fails once, asking the administrator to reconnect', async () => {
  const project = await newProject('株式会社アクメ', '取消後');
  await fetch(`${freee.url}/_admin/revoke`, { method: 'POST' });
  const job = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber });
  await assert.rejects(env.run(handler, job.id, { config: { freeeAccountsUrl: freee.url } }), (err: unknown) => err instanceof JobFailure && !err.retryable && err.code === 'freee_not_connected' && err.userMessage.en.includes('Ask your administrator') && err.message.includes('npm run freee:connect'));
  await connectStandIn(freee, env.sandbox.dataDir);
  const result = await env.run<BillingDocumentResult>(handler, job.id);
  assert.equal(result.outcome, 'issued');
});
