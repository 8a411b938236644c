// On the local stack with TASUKI_BILLING_PROVIDER=freee (the stack's own freee stand-in,
// connected by the stack through the authorization-code flow): an invoice enqueued through
// POST /v1/jobs, delivered by the Cloud Tasks emulator to the real worker, dies after the remote
// call of EVERY step before the step is recorded (each delivery crashes once, the queue
// redelivers) and still ends with exactly one invoice in freee, the number in the ledger, the PDF
// filed in the project folder and the freee link in the Documents sheet.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accountingProviderFor } from '../service/billing/providers.js';
import { createBillingDocumentHandler } from '../service/jobs/billingDocument.js';
import { HANDLER_LOADERS, handlerRegistry } from '../service/jobs/registry.js';
import type { JobContext, JobHandler } from '../service/worker/jobHandler.js';
import type { BillingDocumentResult } from '../shared/kinds/billingDocument.js';
import { DOCUMENTS } from '../shared/kinds/billingDocumentSheet.js';
import { LEDGER } from '../shared/sheetLayouts.js';
import { startInProcessStack, type InProcessStack } from '../local/inProcessStack.js';
import { childrenOf, sheetRows } from './support/jobsInspect.js';
import { createGoogleClients } from '../service/google/createGoogleClients.js';
import { idFromDriveUrl } from '../service/workspace/driveFiles.js';

const crashedAfter = new Set<string>();

/** billing.document whose every step, the first time it runs, dies after its remote calls. */
function crashingOncePerStep(): JobHandler {
  const real = createBillingDocumentHandler(accountingProviderFor);
  return {
    ...real,
    run(ctx: JobContext<unknown>) {
      const wrapped = Object.create(ctx, {
        step: {
          value: <T,>(name: string, fn: () => Promise<T>) =>
            ctx.step(name, async () => {
              const out = await fn();
              if (!crashedAfter.has(name)) {
                crashedAfter.add(name);
                throw new Error(`simulated crash after ${name}'s calls, before its record`);
              }
              return out;
            }),
        },
      }) as JobContext<unknown>;
      return real.run(wrapped);
    },
  };
}

let stack: InProcessStack;
before(async () => {
  stack = await startInProcessStack({
    prefix: 'tasuki-freee-stack-',
    emulatorTimeScale: 0.02,
    serviceEnv: { TASUKI_BILLING_PROVIDER: 'freee', TASUKI_QUEUE_MAX_ATTEMPTS: '60', TASUKI_ALLOWED_DOMAINS: 'example.co.jp' },
    freeeFaults: { perMinute: 100_000, perHour: 1_000_000, perDay: 10_000_000 },
    deps: { handlers: handlerRegistry({ ...HANDLER_LOADERS, 'billing.document': async () => crashingOncePerStep() }) },
  });
});
after(() => stack.close());

test('/invoice on the stack with provider freee: a crash at every step, exactly one invoice in freee, linked and filed', { timeout: 240_000 }, async () => {
  assert.equal(stack.config.billingProvider, 'freee');
  const token = await stack.issuer.mintIdToken({ aud: stack.config.scriptClientId, email: 'sato@example.co.jp' });
  const res = await fetch(`${stack.serviceUrl}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'billing.document', input: { type: 'invoice', projectNumber: 'P-2026-011', transactionDate: '2026-12-05', items: [{ description: 'Holiday cup sleeve design', quantity: 1, unitPrice: 160_000 }, { description: 'Cookies for the shoot', quantity: 4, unitPrice: 1_200, taxRate: 8 }] }, locale: 'en' }),
  });
  assert.equal(res.status, 202, await res.clone().text());
  const { job } = (await res.json()) as { job: { id: string } };
  const deadline = Date.now() + 200_000;
  let record = await stack.deps.store.getJob(job.id);
  while (record && record.status !== 'succeeded' && record.status !== 'failed' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    record = await stack.deps.store.getJob(job.id);
  }
  assert.equal(record?.status, 'succeeded', JSON.stringify(record?.error));
  const result = record!.result as BillingDocumentResult;
  for (const step of ['project', 'claim', 'number', 'freee:partner', 'freee:create', 'freee:read', 'freee:copy-doc', 'freee:copy-fill', 'freee:copy-pdf', 'register', 'ledger', 'documents']) {
    assert.ok(crashedAfter.has(step), `crashed after ${step}`);
  }

  const inFreee = stack.freee.state.documents.filter((d) => d.number === result.documentNumber);
  assert.equal(inFreee.length, 1, 'exactly one invoice in freee');
  assert.equal(stack.freee.state.documents.filter((d) => d.kind === 'invoice').length, 1, 'no other invoice either');
  assert.equal(stack.freee.state.partners.filter((p) => p.name === 'Blue Harbor Coffee').length, 1, 'one partner');
  assert.deepEqual(result.byRate, [{ rate: 10, reduced: false, subtotal: 160_000, tax: 16_000 }, { rate: 8, reduced: true, subtotal: 4_800, tax: 384 }]);
  assert.equal(result.registrationNumber, 'T9010401234567');

  const google = createGoogleClients(stack.config, { clientOptions: { retry: false } });
  const ledger = (await sheetRows(google, stack.config.ledgerSpreadsheetId, LEDGER)).find((r) => r.projectNumber === 'P-2026-011')!;
  assert.equal(ledger.invoice, result.documentNumber);
  const pdfs = (await childrenOf(google, idFromDriveUrl(ledger.folderUrl!)!)).filter((f) => f.mimeType === 'application/pdf');
  assert.deepEqual(pdfs.map((f) => f.name), [`${result.documentNumber} 御請求書 Blue Harbor Coffee Holiday cup sleeve（freee 控え）.pdf`]);
  const row = (await sheetRows(google, stack.config.ledgerSpreadsheetId, DOCUMENTS)).find((r) => r.documentNumber === result.documentNumber)!;
  assert.equal(row.link, `${stack.sandbox.url}/freee/web/invoices/${result.accountingId}`);
  assert.equal(row.provider, 'freee');
  const page = await fetch(row.link);
  assert.match(await page.text(), new RegExp(`請求書 ${result.documentNumber}[\\s\\S]*登録番号 T9010401234567`));
});
