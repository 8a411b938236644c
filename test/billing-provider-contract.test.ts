// The AccountingProvider contract, one suite run against both providers through the same
// billing.document handler: the built-in Google Docs provider (sandbox) and the freee provider
// (freee stand-in, connected by the real authorization-code flow). Each must: give numbers that
// are unique and consecutive; issue exactly one document when the process dies between the
// remote call and the step record at every step; state the right amounts and tax per rate;
// carry every required element (registration number) or fail naming the missing one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountingProviderFor } from '../service/billing/providers.js';
import { createBillingDocumentHandler } from '../service/jobs/billingDocument.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import type { Config } from '../service/config.js';
import { JobFailure } from '../service/jobFailure.js';
import type { BillingDocumentResult } from '../shared/kinds/billingDocument.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { connectStandIn, mountFreeeStandIn, type FreeeTestEnv } from './support/freee.js';
import { childrenOf, documentPlainText } from './support/jobsInspect.js';

const handler = createBillingDocumentHandler(accountingProviderFor);
const REGISTRATION = 'T9010401234567';

let env: JobsEnv;
let freee: FreeeTestEnv;
before(async () => {
  env = await startJobsEnv();
  freee = mountFreeeStandIn(env.sandbox.sandbox, env.sandbox.dataDir);
  await connectStandIn(freee, env.sandbox.dataDir);
});
after(() => env.close());

async function newProject(title: string, amount = 100_000): Promise<ProjectCreateResult> {
  const job = await env.newJob('project.create', { source: 'chat', client: { name: '山田製菓株式会社', email: 'yamada@yamada-seika.example' }, title, due: '2027-03-01', amount });
  return env.run<ProjectCreateResult>(projectCreate, job.id);
}

const MIXED = [
  { description: '贈答用 焼き菓子セット', quantity: 12, unitPrice: 2_480, taxRate: 8 as const },
  { description: 'パッケージデザイン', quantity: 1, unitPrice: 180_000 },
  { description: '化粧箱 印刷', quantity: 300, unitPrice: 95, taxRate: 10 as const },
];
// 8%: 29,760 → 2,380.8 → 2,380; 10%: 180,000 + 28,500 = 208,500 → 20,850.
const MIXED_BY_RATE = [
  { rate: 10, reduced: false, subtotal: 208_500, tax: 20_850 },
  { rate: 8, reduced: true, subtotal: 29_760, tax: 2_380 },
];

type Provider = {
  name: string; id: string; config: () => Partial<Config>; steps: string[]; documentsIssued: (number: string) => Promise<number>; statesRegistration: (r: BillingDocumentResult) => Promise<boolean>;
  /** How often the filed Doc says it is a copy (控え) whose original is elsewhere. */
  copyBanners: number;
};

const providers: Provider[] = [
  {
    name: 'google-docs',
    id: 'google-docs-pdf',
    config: () => ({ billingProvider: 'google-docs' }),
    steps: ['google-docs-pdf:doc', 'google-docs-pdf:fill', 'google-docs-pdf:pdf'],
    copyBanners: 0,
    async documentsIssued(number) {
      const files = await env.google.drive.files.list({ q: `name contains '${number}' and mimeType = 'application/pdf' and trashed = false`, fields: 'files(id,name)', corpora: 'allDrives', includeItemsFromAllDrives: true, supportsAllDrives: true });
      return (files.data.files ?? []).length;
    },
    async statesRegistration(r) {
      return (await documentPlainText(env.google, r.docId!)).includes(`登録番号 Registration No.: ${REGISTRATION}`);
    },
  },
  {
    name: 'freee',
    id: 'freee',
    config: () => freee.config,
    steps: ['freee:partner', 'freee:create', 'freee:read', 'freee:copy-doc', 'freee:copy-fill', 'freee:copy-pdf'],
    copyBanners: 1,
    async documentsIssued(number) {
      return freee.standIn.state.documents.filter((d) => d.number === number).length;
    },
    async statesRegistration(r) {
      const res = await fetch(`${freee.url}/web/invoices/${r.accountingId}`);
      return (await res.text()).includes(`登録番号 ${REGISTRATION}`);
    },
  },
];

for (const p of providers) {
  describe(`AccountingProvider contract: ${p.name}`, () => {
    const run = <T>(jobId: string, crash?: Parameters<JobsEnv['run']>[2]) => env.run<T>(handler, jobId, { ...crash, config: { ...p.config(), ...crash?.config } });

    test('mixed 10% / 8% lines: per-rate totals and tax rounded once per rate, the registration number on the document', async () => {
      const project = await newProject(`${p.name} 歳暮ギフト`);
      const job = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-10', items: MIXED });
      const result = await run<BillingDocumentResult>(job.id);
      assert.equal(result.provider, p.id);
      assert.deepEqual(result.byRate, MIXED_BY_RATE);
      assert.equal(result.total, 208_500 + 20_850 + 29_760 + 2_380);
      assert.ok(await p.statesRegistration(result), 'the registration number is on the issued document');
      const pdfs = (await childrenOf(env.google, project.folderId)).filter((f) => f.mimeType === 'application/pdf');
      assert.equal(pdfs.length, 1, 'the PDF is filed in the project folder');
    });

    test("the National Tax Agency's worked examples: tax rounded once per rate, never per line (Q&A 問57), the 記載例's per-rate totals", async () => {
      // 問57: three ¥105 items at 10%, floor: once on the sum 315 → 31 (per line 10 + 10 + 10 = 30 is not allowed);
      // with 3 × ¥1,001 at 8%: 3,003 → 240.
      const q57 = await newProject(`${p.name} 問57`);
      const a = await run<BillingDocumentResult>((await env.newJob('billing.document', { type: 'invoice', projectNumber: q57.projectNumber, transactionDate: '2026-12-10', items: [
        { description: 'a', quantity: 1, unitPrice: 105, taxRate: 10 }, { description: 'b', quantity: 1, unitPrice: 105, taxRate: 10 }, { description: 'c', quantity: 1, unitPrice: 105, taxRate: 10 },
        { description: 'お茶', quantity: 3, unitPrice: 1_001, taxRate: 8 },
      ] })).id);
      assert.deepEqual(a.byRate, [{ rate: 10, reduced: false, subtotal: 315, tax: 31 }, { rate: 8, reduced: true, subtotal: 3_003, tax: 240 }]);
      // The Q&A's 記載例: 10%対象 ¥88,000 (消費税 ¥8,000) and 8%対象 ¥43,200 (消費税 ¥3,200), 合計 ¥131,200.
      const example = await newProject(`${p.name} 記載例`);
      const b = await run<BillingDocumentResult>((await env.newJob('billing.document', { type: 'invoice', projectNumber: example.projectNumber, transactionDate: '2026-11-02', items: [
        { description: '小麦粉', quantity: 1, unitPrice: 5_000, taxRate: 8 }, { description: '牛肉', quantity: 1, unitPrice: 10_000, taxRate: 8 },
        { description: 'キッチンペーパー', quantity: 1, unitPrice: 2_000, taxRate: 10 }, { description: '食料品', quantity: 1, unitPrice: 25_000, taxRate: 8 },
        { description: '日用品', quantity: 1, unitPrice: 78_000, taxRate: 10 },
      ] })).id);
      assert.deepEqual(b.byRate, [{ rate: 10, reduced: false, subtotal: 80_000, tax: 8_000 }, { rate: 8, reduced: true, subtotal: 40_000, tax: 3_200 }]);
      assert.equal(b.total, 131_200);
      assert.ok(await p.statesRegistration(b), 'the registration number is on the issued document');
    });

    test('numbers are unique and consecutive', async () => {
      const numbers: string[] = [];
      for (const title of ['A', 'B', 'C']) {
        const project = await newProject(`${p.name} 連番 ${title}`);
        numbers.push((await run<BillingDocumentResult>((await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber, issueDate: '2027-02-01' })).id)).documentNumber);
      }
      const n = numbers.map((x) => Number(x.slice(-3)));
      assert.deepEqual(n, [n[0], n[0]! + 1, n[0]! + 2], numbers.join(' '));
      for (const number of numbers) assert.equal(await p.documentsIssued(number), 1, number);
    });

    test('a crash between every remote call and its step record leaves exactly one document', async () => {
      const project = await newProject(`${p.name} クラッシュ`);
      const job = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-11', items: MIXED });
      for (const step of ['claim', 'number', ...p.steps, 'register', 'ledger', 'documents']) {
        for (const crash of [{ before: step }, { after: step }]) await assert.rejects(run(job.id, { crash }));
      }
      const result = await run<BillingDocumentResult>(job.id);
      assert.deepEqual(result.byRate, MIXED_BY_RATE);
      assert.equal(await p.documentsIssued(result.documentNumber), 1);
      const pdfs = (await childrenOf(env.google, project.folderId)).filter((f) => f.mimeType === 'application/pdf');
      assert.equal(pdfs.length, 1);
      const text = await documentPlainText(env.google, result.docId!);
      assert.equal(text.split('【控え COPY】').length - 1, p.copyBanners, text.slice(0, 300));
      if (p.copyBanners) assert.ok(text.startsWith(`【控え COPY】この請求書（${result.documentNumber}）は freee請求書 で発行したものの控えです。`), text.slice(0, 200));
    });

    test('a document that would lack the registration number fails naming it', async () => {
      const project = await newProject(`${p.name} 登録番号なし`);
      const job = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-12' });
      await assert.rejects(run(job.id, { config: { issuerRegistrationNumber: '' } }), (err: unknown) => err instanceof JobFailure && !err.retryable && err.userMessage.ja.includes('登録番号'));
    });
  });
}
