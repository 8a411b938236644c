// billing.document against the sandbox with the built-in Google Docs provider: qualified
// invoices (registration number, transaction date, items with ※, amounts and tax per rate,
// recipient) from the seeded templates, PDF in the project folder, ledger and Documents sheet;
// issued once (a second request shows the existing document; reissue voids the old number
// visibly); a document lacking a required element fails naming it; a crash at every step
// leaves one Doc, one PDF, one number.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AccountingProvider } from '../service/billing/accountingProvider.js';
import { accountingProviderFor } from '../service/billing/providers.js';
import { createBillingDocumentHandler } from '../service/jobs/billingDocument.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import { JobFailure } from '../service/jobFailure.js';
import { BillingDocumentInput, type BillingDocumentResult } from '../shared/kinds/billingDocument.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { DOCUMENTS } from '../shared/kinds/billingDocumentSheet.js';
import { LEDGER } from '../shared/sheetLayouts.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { childrenOf, documentPlainText, filesTaggedBy, sheetRows } from './support/jobsInspect.js';

const billingDocument = createBillingDocumentHandler(accountingProviderFor);
const REGISTRATION = 'T9010401234567';

let env: JobsEnv;
before(async () => {
  env = await startJobsEnv();
});
after(() => env.close());

async function newProject(title: string, amount = 200_000): Promise<ProjectCreateResult> {
  const job = await env.newJob('project.create', {
    source: 'chat',
    client: { name: 'Blue Harbor Coffee', email: 'olivia@blueharbor.example' },
    title,
    due: '2027-03-01',
    amount,
  });
  return env.run<ProjectCreateResult>(projectCreate, job.id);
}

async function ledgerRow(projectNumber: string) {
  return (await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER)).find((r) => r.projectNumber === projectNumber)!;
}

async function documentsRow(documentNumber: string) {
  return (await sheetRows(env.google, env.config.ledgerSpreadsheetId, DOCUMENTS)).find((r) => r.documentNumber === documentNumber);
}

const BILLING_STEPS = ['project', 'claim', 'number', 'google-docs-pdf:doc', 'google-docs-pdf:fill', 'google-docs-pdf:pdf', 'register', 'ledger', 'documents'] as const;

test('a qualified invoice with 10% and 8% lines: every required element on the Doc, per-rate totals, PDF, ledger and Documents sheet', async () => {
  const project = await newProject('Holiday gift set');
  const job = await env.newJob('billing.document', {
    type: 'invoice',
    projectNumber: project.projectNumber,
    issueDate: '2026-12-20',
    transactionDate: '2026-12-15',
    items: [
      { description: 'パッケージデザイン', quantity: 1, unitPrice: 150_000 },
      { description: '試作用 焼き菓子', quantity: 3, unitPrice: 1_001, taxRate: 8 },
      { description: '撮影ディレクション', quantity: 1.5, unitPrice: 33_333, taxRate: 10 },
    ],
  });
  const result = await env.run<BillingDocumentResult>(billingDocument, job.id);
  assert.equal(result.outcome, 'issued');
  // Seeded ledger has I-2026-001…009; the sequence continues after it.
  assert.equal(result.documentNumber, 'I-2026-010');
  // 10%: 150000 + 49999.5→50000 = 200000 → tax 20000; 8%: 3003 → 240.24 → 240 (floor, once per rate)
  assert.deepEqual(result.byRate, [
    { rate: 10, reduced: false, subtotal: 200_000, tax: 20_000 },
    { rate: 8, reduced: true, subtotal: 3_003, tax: 240 },
  ]);
  assert.equal(result.tax, 20_240);
  assert.equal(result.total, 223_243);
  assert.equal(result.registrationNumber, REGISTRATION);
  assert.equal(result.transactionDate, '2026-12-15');
  assert.equal(result.recipient, 'Blue Harbor Coffee');
  assert.match(result.taxSummary!, /10%対象 ¥200,000（消費税 ¥20,000）、8%対象※ ¥3,003（消費税 ¥240）/);
  assert.match(result.summary, /請求書 I-2026-010 を発行しました/);

  const text = await documentPlainText(env.google, result.docId!);
  for (const expected of [
    'I-2026-010', 'Blue Harbor Coffee 御中', '2026年12月20日', '取引年月日 Transaction date: 2026年12月15日',
    '試作用 焼き菓子 ※', '8%※', '※は軽減税率対象品目です。',
    '10%対象 Standard rate 10%: ¥200,000　消費税 Tax: ¥20,000', '8%対象※ Reduced rate 8%: ¥3,003　消費税 Tax: ¥240',
    '¥203,003', '¥20,240', '¥223,243', `登録番号 Registration No.: ${REGISTRATION}`, 'アトリエ襷 Atelier Tasuki',
  ]) {
    assert.ok(text.includes(expected), `${expected} missing from:\n${text}`);
  }
  assert.ok(!text.includes('{{'), text);
  const table = (await env.google.docs.documents.get({ documentId: result.docId! })).data.body!.content!.find((c) => c.table)!.table!;
  assert.equal(table.tableRows!.length, 4, 'header + three item rows');

  const pdfs = (await childrenOf(env.google, project.folderId)).filter((f) => f.mimeType === 'application/pdf');
  assert.deepEqual(pdfs.map((f) => f.id), [result.pdfFileId]);
  const pdf = await env.google.drive.files.get({ fileId: result.pdfFileId!, alt: 'media' }, { responseType: 'arraybuffer' });
  assert.equal(Buffer.from(pdf.data as ArrayBuffer).subarray(0, 5).toString(), '%PDF-');

  assert.equal((await ledgerRow(project.projectNumber)).invoice, 'I-2026-010');
  const row = (await documentsRow('I-2026-010'))!;
  assert.deepEqual(
    [row.projectNumber, row.recipient, row.transactionDate, row.subtotal10, row.tax10, row.subtotal8, row.tax8, row.total, row.registrationNumber, row.status],
    [project.projectNumber, 'Blue Harbor Coffee', '2026-12-15', '200000', '20000', '3003', '240', '223243', REGISTRATION, '発行'],
  );
  assert.equal(row.link, result.pdfUrl);
});

test('an invoice from the ledger amount, transaction date from 納品日; crash everywhere → one Doc, one PDF, one number', async () => {
  const project = await newProject('Spring menu');
  const ledgerRowNumber = (await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER)).findIndex((r) => r.projectNumber === project.projectNumber) + 2;
  await env.google.sheets.spreadsheets.values.update({ spreadsheetId: env.config.ledgerSpreadsheetId, range: `'Ledger'!${LEDGER.letter.deliveredAt}${ledgerRowNumber}`, valueInputOption: 'USER_ENTERED', requestBody: { values: [['2027/01/28']] } });
  const job = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, issueDate: '2027-01-31' });
  const result = await env.runCrashingEverywhere<BillingDocumentResult>(billingDocument, job.id, BILLING_STEPS);
  assert.equal(result.documentNumber, 'I-2027-001');
  assert.equal(result.subtotal, 200_000);
  assert.equal(result.total, 220_000);
  assert.equal(result.transactionDate, '2027-01-28');
  const tagged = await filesTaggedBy(env.google, job.id);
  assert.deepEqual(tagged.map((f) => f.key).sort(), ['billing-doc', 'billing-pdf']);
  const text = await documentPlainText(env.google, result.docId!);
  assert.ok(text.includes('2027年2月28日') && text.includes('2027年1月28日') && text.includes('I-2027-001') && text.includes('Spring menu'), text);
  assert.equal((await env.google.docs.documents.get({ documentId: result.docId! })).data.body!.content!.find((c) => c.table)!.table!.tableRows!.length, 2);
  const again = await env.run<BillingDocumentResult>(billingDocument, job.id);
  assert.deepEqual(again, result);
  assert.equal((await ledgerRow(project.projectNumber)).invoice, 'I-2027-001');
  assert.equal((await sheetRows(env.google, env.config.ledgerSpreadsheetId, DOCUMENTS)).filter((r) => r.documentNumber === 'I-2027-001').length, 1);
});

test('issued once: a second /invoice shows the existing one; reissue needs a reason, gives the next number and voids the old one visibly', async () => {
  const project = await newProject('Menu board');
  const first = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-01', issueDate: '2026-12-21' })).id);
  assert.equal(first.outcome, 'issued');

  const second = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, issueDate: '2026-12-22' })).id);
  assert.equal(second.outcome, 'existing');
  assert.equal(second.documentNumber, first.documentNumber);
  assert.equal(second.pdfUrl, first.pdfUrl);
  assert.match(second.summary, new RegExp(`${project.projectNumber} の請求書は発行済みです（${first.documentNumber}）。新しい番号は発行していません。`));
  const english = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber }, { locale: 'en' })).id);
  assert.match(english.summary, /already has an invoice: .*No new number was issued.*reissue <reason>/);
  const pdfsBefore = (await childrenOf(env.google, project.folderId)).filter((f) => f.mimeType === 'application/pdf');
  assert.equal(pdfsBefore.length, 1, 'no second document');

  assert.equal(BillingDocumentInput.safeParse({ type: 'invoice', projectNumber: project.projectNumber, reissue: { reason: ' ' } }).success, false, 'a reason is required');
  const reissue = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-01', issueDate: '2026-12-23', reissue: { reason: '金額訂正' } });
  const reissued = await env.runCrashingEverywhere<BillingDocumentResult>(billingDocument, reissue.id, [...BILLING_STEPS, 'google-docs-pdf:void']);
  assert.equal(reissued.outcome, 'issued');
  assert.equal(reissued.voidedNumber, first.documentNumber);
  assert.equal(Number(reissued.documentNumber.slice(-3)), Number(first.documentNumber.slice(-3)) + 1, 'the next number: consecutive, the old one not reused');
  assert.match(reissued.summary, /旧番号 I-2026-\d{3} は取消済みです（理由: 金額訂正）/);

  assert.equal((await ledgerRow(project.projectNumber)).invoice, reissued.documentNumber);
  const oldRow = (await documentsRow(first.documentNumber))!;
  assert.deepEqual([oldRow.status, oldRow.voidReason, oldRow.replacedBy], ['取消', '金額訂正', reissued.documentNumber]);
  assert.equal((await documentsRow(reissued.documentNumber))!.status, '発行');
  const oldText = await documentPlainText(env.google, first.docId!);
  assert.match(oldText, new RegExp(`^【取消 VOID】この請求書（${first.documentNumber}）は \\d{4}年\\d{1,2}月\\d{1,2}日 に取り消されました。理由: 金額訂正。再発行: ${reissued.documentNumber} / This invoice`));
  assert.equal(oldText.split('【取消 VOID】').length, 2, 'the banner is written once, even after crashes');
  const names = (await childrenOf(env.google, project.folderId)).map((f) => f.name);
  assert.ok(names.some((n) => n.startsWith(`【取消】${first.documentNumber}`) && n.endsWith('.pdf')), names.join('\n'));
  assert.ok(names.some((n) => n.startsWith(reissued.documentNumber) && n.endsWith('.pdf')), names.join('\n'));

  // A later plain /invoice shows the reissued document.
  const third = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber })).id);
  assert.deepEqual([third.outcome, third.documentNumber], ['existing', reissued.documentNumber]);
});

test('a reissue names the number it replaces: a second reissue of that (by then replaced) number shows the newer one and voids nothing', async () => {
  const project = await newProject('Shop curtain');
  const first = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-02' })).id);
  const reissue = (reason: string) => env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-02', reissue: { reason, replaces: first.documentNumber } });
  const reissued = await env.run<BillingDocumentResult>(billingDocument, (await reissue('宛名訂正')).id);
  assert.deepEqual([reissued.outcome, reissued.voidedNumber], ['issued', first.documentNumber]);
  // Someone else pressed Reissue on the same (older) card.
  const stale = await env.run<BillingDocumentResult>(billingDocument, (await reissue('金額訂正')).id);
  assert.deepEqual([stale.outcome, stale.documentNumber, stale.voidedNumber], ['existing', reissued.documentNumber, undefined]);
  assert.equal((await documentsRow(reissued.documentNumber))!.status, '発行', 'the newer document stays issued');
  assert.equal((await ledgerRow(project.projectNumber)).invoice, reissued.documentNumber);
  assert.equal(BillingDocumentInput.safeParse({ type: 'invoice', projectNumber: project.projectNumber, reissue: { reason: 'x', replaces: 'I-26-1' } }).success, false, 'replaces is a document number');
});

test('two requests at once: one issues, the other waits (retryable) and then shows that document', async () => {
  const project = await newProject('Tote bag');
  const a = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber });
  const b = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber });
  // a claims the issuance and dies before numbering; b then finds a still running.
  await assert.rejects(env.run(billingDocument, a.id, { crash: { before: 'number' } }));
  await assert.rejects(env.run(billingDocument, b.id), (err: unknown) => err instanceof JobFailure && err.code === 'issue_in_progress' && err.retryable && err.userMessage.ja.includes(a.id));
  const issued = await env.run<BillingDocumentResult>(billingDocument, a.id);
  await env.store.updateJob(a.id, (await env.store.getJob(a.id))!.version, { ...(await env.store.getJob(a.id))!, status: 'succeeded' });
  const shown = await env.run<BillingDocumentResult>(billingDocument, b.id);
  assert.deepEqual([shown.outcome, shown.documentNumber], ['existing', issued.documentNumber]);
});

test('a job that takes over from one that failed for good issues with the same number', async () => {
  const project = await newProject('Stickers');
  const failed = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber });
  await assert.rejects(env.run(billingDocument, failed.id, { crash: { before: 'google-docs-pdf:doc' } }));
  const claimed = (await env.store.getJob(failed.id))!.steps.number!.output as string;
  await env.store.updateJob(failed.id, (await env.store.getJob(failed.id))!.version, { ...(await env.store.getJob(failed.id))!, status: 'failed' });
  const next = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber })).id);
  assert.deepEqual([next.outcome, next.documentNumber], ['issued', claimed]);
});

test('numbers from before tasuki count: the seeded estimate is shown, and reissuing it voids it in the Documents sheet', async () => {
  const shown = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'estimate', projectNumber: 'P-2026-010' })).id);
  assert.deepEqual([shown.outcome, shown.documentNumber], ['existing', 'E-2026-010']);
  const reissued = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'estimate', projectNumber: 'P-2026-010', reissue: { reason: '仕様変更' } })).id);
  assert.equal(reissued.voidedNumber, 'E-2026-010');
  const old = (await documentsRow('E-2026-010'))!;
  assert.deepEqual([old.status, old.voidReason, old.replacedBy], ['取消', '仕様変更', reissued.documentNumber]);
  assert.equal((await ledgerRow('P-2026-010')).estimate, reissued.documentNumber);
});

test('a seeded project without a folder gets one made from the template (crash between folder and template too), written back to the ledger', async () => {
  const job = await env.newJob('billing.document', { type: 'estimate', projectNumber: 'P-2026-012', issueDate: '2026-12-01', dueDate: '2026-12-15' });
  // Crash inside the first step, after the folder is made and before the template is in it.
  const failing = createBillingDocumentHandler(accountingProviderFor);
  let calls = 0;
  const crashing = { ...failing, run: async (ctx: Parameters<typeof failing.run>[0]) => {
    const drive = ctx.google.drive;
    const copy = drive.files.copy.bind(drive.files);
    (drive.files as { copy: unknown }).copy = async (...args: unknown[]) => {
      if (calls++ === 1) throw new Error('crash between template items');
      return (copy as (...a: unknown[]) => unknown)(...args);
    };
    try {
      return await failing.run(ctx);
    } finally {
      (drive.files as { copy: unknown }).copy = copy;
    }
  } };
  await assert.rejects(env.run(crashing, job.id));
  const result = await env.run<BillingDocumentResult>(billingDocument, job.id);
  const row = await ledgerRow('P-2026-012');
  assert.ok(row.folderUrl, 'folder URL written back');
  const folderId = new URL(row.folderUrl).searchParams.get('id') ?? row.folderUrl.split('/').pop()!;
  const projectFolders = (await childrenOf(env.google, env.config.projectsFolderId)).filter((f) => f.name.startsWith('P-2026-012 '));
  assert.deepEqual(projectFolders.map((f) => f.name), ['P-2026-012 北斗書店 年末年始 営業案内ポスター'], 'one folder, named like project.create names them');
  assert.equal(projectFolders[0]!.id, folderId);
  const items = (await childrenOf(env.google, folderId)).map((f) => f.name).sort();
  const template = (await childrenOf(env.google, env.config.templateFolderId)).map((f) => f.name.replace('{{title}}', '年末年始 営業案内ポスター')).sort();
  assert.ok(template.includes('年末年始 営業案内ポスター 制作メモ') && template.length >= 3, JSON.stringify(template));
  assert.deepEqual(items.filter((n) => !n.endsWith('.pdf') && !/^E-2026-/.test(n)), template, 'the template tree, placeholders filled, each once');
  assert.equal(row.estimate, result.documentNumber);
  const text = await documentPlainText(env.google, result.docId!);
  assert.ok(text.includes('¥95,000') && text.includes('2026年12月15日'), text);
  assert.ok(!text.includes('登録番号'), 'an estimate is not a qualified invoice');
});

test('a document lacking a required element fails naming it, in the user\'s language, and issues nothing', async () => {
  const project = await newProject('Poster', 50_000);
  // No 納品日 in the ledger and none given: the transaction date is unknown.
  const noDate = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber });
  await assert.rejects(env.run(billingDocument, noDate.id), (err: unknown) =>
    err instanceof JobFailure && err.code === 'transaction_date_missing' && !err.retryable && err.userMessage.ja.includes('納品日') && err.userMessage.en.includes('transaction date'));
  assert.equal((await env.store.getJob(noDate.id))!.steps.number, undefined, 'no number was claimed');

  const noRegistration = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-01' });
  await assert.rejects(env.run(billingDocument, noRegistration.id, { config: { issuerRegistrationNumber: '' } }), (err: unknown) =>
    err instanceof JobFailure && err.code === 'registration_number_missing' && err.userMessage.ja.includes('登録番号') && err.userMessage.en.includes('Ask your administrator') && !err.userMessage.en.includes('TASUKI_') && err.message.includes('TASUKI_ISSUER_REGISTRATION_NUMBER'));

  // A template without {{registrationNumber}}: refused before anything is copied.
  const copy = await env.google.drive.files.copy({ fileId: env.config.invoiceTemplateDocId, requestBody: { name: 'broken invoice template' } });
  await env.google.docs.documents.batchUpdate({ documentId: copy.data.id!, requestBody: { requests: [{ replaceAllText: { containsText: { text: '{{registrationNumber}}', matchCase: true }, replaceText: '' } }] } });
  const badTemplate = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-01' }, { locale: 'en' });
  await assert.rejects(env.run(billingDocument, badTemplate.id, { config: { invoiceTemplateDocId: copy.data.id! } }), (err: unknown) =>
    err instanceof JobFailure && err.code === 'billing_template_incomplete' && err.userMessage.ja.includes('「登録番号」') && err.userMessage.en.includes('lacks the registration number') && err.userMessage.en.includes('Ask your administrator') && err.message.includes('{{registrationNumber}}'));
  assert.equal((await filesTaggedBy(env.google, badTemplate.id)).length, 0, 'nothing copied');
});

test('tax rounding follows the configuration, once per rate', async () => {
  const items = [{ description: 'x', quantity: 1, unitPrice: 1_005 }, { description: 'お菓子', quantity: 1, unitPrice: 1_001, taxRate: 8 as const }];
  const floor = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'estimate', projectNumber: (await newProject('Floor')).projectNumber, items })).id);
  const ceil = await env.run<BillingDocumentResult>(billingDocument, (await env.newJob('billing.document', { type: 'estimate', projectNumber: (await newProject('Ceil')).projectNumber, items })).id, { config: { taxRounding: 'ceil' } });
  assert.deepEqual(floor.byRate!.map((r) => r.tax), [100, 80]);
  assert.deepEqual(ceil.byRate!.map((r) => r.tax), [101, 81]);
});

test('unknown project, missing template, bad dates: permanent failures that say what to fix', async () => {
  const project = await newProject('Errors');
  const unknown = await env.newJob('billing.document', { type: 'invoice', projectNumber: 'P-2026-999' });
  await assert.rejects(env.run(billingDocument, unknown.id), (err: unknown) => err instanceof JobFailure && err.code === 'project_not_found' && !err.retryable && err.userMessage.ja.includes('P-2026-999'));
  const noTemplate = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, transactionDate: '2026-12-01' });
  await assert.rejects(
    env.run(billingDocument, noTemplate.id, { config: { invoiceTemplateDocId: 'doc-missing' } }),
    (err: unknown) => err instanceof JobFailure && err.code === 'template_missing' && err.message.includes('TASUKI_INVOICE_TEMPLATE_DOC_ID') && !err.userMessage.en.includes('TASUKI_') && err.userMessage.en.includes('Ask your administrator'),
  );
  const badDate = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, issueDate: '2026-02-30' });
  await assert.rejects(env.run(billingDocument, badDate.id), (err: unknown) => err instanceof JobFailure && err.userMessage.en.includes('2026-02-30'));
  const backwards = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, issueDate: '2026-12-20', dueDate: '2026-12-01' });
  await assert.rejects(env.run(billingDocument, backwards.id), (err: unknown) => err instanceof JobFailure && err.userMessage.en.includes('before the issue date'));
  assert.equal(billingDocument.input.safeParse({ type: 'receipt', projectNumber: 'P-1' }).success, false);
  assert.equal(billingDocument.input.safeParse({ type: 'invoice', projectNumber: 'P-2026-001', items: [{ description: 'x', quantity: 1, unitPrice: 1, taxRate: 5 }] }).success, false);
});

test('another AccountingProvider can replace the built-in one', async () => {
  const project = await newProject('Fake provider');
  const seen: string[] = [];
  const provider: AccountingProvider = {
    id: 'fake-accounting',
    async issue(draft, step) {
      const id = await step('post', async () => `acc-${draft.documentNumber}`);
      seen.push(`${draft.documentNumber}:${draft.totals.total}`);
      const url = `https://accounting.example/${id}`;
      return { docId: id, docUrl: url, pdfFileId: id, pdfUrl: `${url}.pdf`, documentUrl: url, accountingId: id, printed: { byRate: draft.totals.byRate, total: draft.totals.total }, links: [] };
    },
    async void() {},
  };
  const handler = createBillingDocumentHandler(() => provider);
  const job = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber, items: [{ description: 'x', quantity: 2, unitPrice: 500 }] });
  const result = await env.run<BillingDocumentResult>(handler, job.id);
  assert.equal(result.pdfUrl, `https://accounting.example/acc-${result.documentNumber}.pdf`);
  assert.equal(result.accountingId, `acc-${result.documentNumber}`);
  assert.deepEqual(seen, [`${result.documentNumber}:1100`]);
});

test('Draft estimate from Gmail: one draft reply in the request thread with the PDF, even after crashes', async () => {
  const project = await newProject('Valentine package');
  const gmail = env.google.gmailFor('sato@example.co.jp')!;
  const request = (await gmail.users.messages.list({ userId: 'me', q: 'subject:バレンタイン限定パッケージのご相談' })).data.messages![0]!;
  const job = await env.newJob('billing.document', {
    type: 'estimate',
    projectNumber: project.projectNumber,
    items: [{ description: 'パッケージデザイン', quantity: 1, unitPrice: 450_000 }],
    emailDraft: { replyToGmailMessageId: request.id! },
  });
  const result = await env.runCrashingEverywhere<BillingDocumentResult>(billingDocument, job.id, ['draft']);
  assert.ok(result.draftMessageId);
  const drafts = (await gmail.users.messages.list({ userId: 'me', labelIds: ['DRAFT'], q: `subject:${result.documentNumber}` })).data.messages ?? [];
  assert.equal(drafts.length, 1);
  const draft = (await gmail.users.messages.get({ userId: 'me', id: drafts[0]!.id! })).data;
  assert.equal(draft.threadId, request.threadId);
  const header = (n: string) => draft.payload!.headers!.find((h) => h.name!.toLowerCase() === n)?.value;
  assert.equal(header('to'), 'olivia@blueharbor.example', 'the ledger e-mail of the project');
  assert.ok(header('subject')!.includes(result.documentNumber) && header('subject')!.includes('御見積書'), header('subject')!);
  const attachment = draft.payload!.parts!.find((p) => p.filename)!;
  assert.equal(attachment.filename, `${result.documentNumber}.pdf`);
  const bytes = await gmail.users.messages.attachments.get({ userId: 'me', messageId: draft.id!, id: attachment.body!.attachmentId! });
  assert.equal(Buffer.from(bytes.data.data!, 'base64url').subarray(0, 5).toString(), '%PDF-');

  const noGmail = await env.newJob('billing.document', { type: 'estimate', projectNumber: (await newProject('No Gmail')).projectNumber, emailDraft: {} });
  await assert.rejects(
    env.run(billingDocument, noGmail.id, { config: { gmailDelegation: false } }),
    (err: unknown) => err instanceof JobFailure && err.code === 'gmail_not_configured' && err.userMessage.en.includes('saved in the project folder') && !err.userMessage.en.includes('TASUKI_'),
  );
});
