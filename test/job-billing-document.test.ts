// billing.document against the sandbox: numbered estimate/invoice Docs filled from the seeded
// templates (items table rows, totals, Japanese dates), PDF in the project folder, ledger updated;
// bad inputs; a crash at every step leaving one Doc, one PDF, one number.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { billingDocument, createBillingDocumentHandler } from '../service/jobs/billingDocument.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import type { AccountingProvider } from '../service/billing/accountingProvider.js';
import { JobFailure } from '../service/jobFailure.js';
import type { BillingDocumentResult } from '../shared/kinds/billingDocument.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { LEDGER } from '../shared/sheetLayouts.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { childrenOf, documentPlainText, filesTaggedBy, sheetRows } from './support/jobsInspect.js';

let env: JobsEnv;
let project: ProjectCreateResult;
before(async () => {
  env = await startJobsEnv();
  const job = await env.newJob('project.create', {
    source: 'chat',
    client: { name: 'Blue Harbor Coffee', email: 'olivia@blueharbor.example' },
    title: 'Spring menu',
    due: '2027-03-01',
    amount: 200_000,
  });
  project = await env.run<ProjectCreateResult>(projectCreate, job.id);
});
after(() => env.close());

const BILLING_STEPS = ['project', 'number', 'google-docs-pdf:doc', 'google-docs-pdf:fill', 'google-docs-pdf:pdf', 'ledger'] as const;

test('estimate with three items: table rows, tax with rounding, Japanese dates, PDF in the project folder, ledger cell', async () => {
  const job = await env.newJob('billing.document', {
    type: 'estimate',
    projectNumber: project.projectNumber,
    issueDate: '2026-12-20',
    items: [
      { description: 'メニューデザイン', quantity: 1, unitPrice: 150_000 },
      { description: '撮影ディレクション', quantity: 1.5, unitPrice: 33_333 },
      { description: '印刷手配', quantity: 3, unitPrice: 1_001 },
    ],
  });
  const result = await env.run<BillingDocumentResult>(billingDocument, job.id);
  assert.match(result.documentNumber, /^E-2026-\d{3}$/);
  // Seeded ledger has E-2026-001…011; the sequence continues after it.
  assert.equal(result.documentNumber, 'E-2026-012');
  // 150000 + 49999.5→50000 + 3003 = 203003; tax floor(20300.3) = 20300
  assert.equal(result.subtotal, 203_003);
  assert.equal(result.tax, 20_300);
  assert.equal(result.total, 223_303);
  const text = await documentPlainText(env.google, result.docId);
  for (const expected of ['E-2026-012', 'Blue Harbor Coffee', 'Spring menu', '2026年12月20日', '2027年1月19日', '撮影ディレクション', '印刷手配', '¥50,000', '¥3,003', '¥203,003', '¥20,300', '¥223,303']) {
    assert.ok(text.includes(expected), `${expected} missing from:\n${text}`);
  }
  assert.ok(!text.includes('{{'), text);
  const doc = (await env.google.docs.documents.get({ documentId: result.docId })).data;
  const table = doc.body!.content!.find((c) => c.table)!.table!;
  assert.equal(table.tableRows!.length, 4, 'header + three item rows');
  const inFolder = await childrenOf(env.google, project.folderId);
  const pdfs = inFolder.filter((f) => f.mimeType === 'application/pdf');
  assert.equal(pdfs.length, 1);
  assert.equal(pdfs[0]!.id, result.pdfFileId);
  const pdf = await env.google.drive.files.get({ fileId: result.pdfFileId, alt: 'media' }, { responseType: 'arraybuffer' });
  assert.equal(Buffer.from(pdf.data as ArrayBuffer).subarray(0, 5).toString(), '%PDF-');
  const row = (await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER)).find((r) => r.projectNumber === project.projectNumber)!;
  assert.equal(row.estimate, 'E-2026-012');
});

test('invoice from the ledger amount, due end of next month; crash everywhere → one Doc, one PDF, one number', async () => {
  const job = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, issueDate: '2027-01-31' });
  const result = await env.runCrashingEverywhere<BillingDocumentResult>(billingDocument, job.id, BILLING_STEPS);
  assert.equal(result.documentNumber, 'I-2027-001');
  assert.equal(result.subtotal, 200_000);
  assert.equal(result.total, 220_000);
  const tagged = await filesTaggedBy(env.google, job.id);
  assert.deepEqual(tagged.map((f) => f.key).sort(), ['billing-doc', 'billing-pdf']);
  const text = await documentPlainText(env.google, result.docId);
  assert.ok(text.includes('2027年2月28日') && text.includes('I-2027-001') && text.includes('Spring menu'), text);
  const doc = (await env.google.docs.documents.get({ documentId: result.docId })).data;
  assert.equal(doc.body!.content!.find((c) => c.table)!.table!.tableRows!.length, 2, 'header + one item row');
  const again = await env.run<BillingDocumentResult>(billingDocument, job.id);
  assert.deepEqual(again, result);
  const row = (await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER)).find((r) => r.projectNumber === project.projectNumber)!;
  assert.equal(row.invoice, 'I-2027-001');
});

test('a seeded project without a folder gets one, written back to the ledger', async () => {
  const job = await env.newJob('billing.document', { type: 'estimate', projectNumber: 'P-2026-012', issueDate: '2026-12-01', dueDate: '2026-12-15' });
  const result = await env.run<BillingDocumentResult>(billingDocument, job.id);
  const row = (await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER)).find((r) => r.projectNumber === 'P-2026-012')!;
  assert.ok(row.folderUrl, 'folder URL written back');
  assert.equal(row.estimate, result.documentNumber);
  const text = await documentPlainText(env.google, result.docId);
  assert.ok(text.includes('¥95,000') && text.includes('2026年12月15日'), text);
});

test('tax rounding follows the configuration', async () => {
  const items = [{ description: 'x', quantity: 1, unitPrice: 1_005 }];
  const floor = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber, items });
  const ceil = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber, items });
  assert.equal((await env.run<BillingDocumentResult>(billingDocument, floor.id)).tax, 100);
  assert.equal((await env.run<BillingDocumentResult>(billingDocument, ceil.id, { config: { taxRounding: 'ceil' } })).tax, 101);
});

test('unknown project, missing template, bad dates: permanent failures that say what to fix', async () => {
  const unknown = await env.newJob('billing.document', { type: 'invoice', projectNumber: 'P-2026-999' });
  await assert.rejects(env.run(billingDocument, unknown.id), (err: unknown) => err instanceof JobFailure && err.code === 'project_not_found' && !err.retryable && err.userMessage.ja.includes('P-2026-999'));
  const noTemplate = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber });
  await assert.rejects(
    env.run(billingDocument, noTemplate.id, { config: { invoiceTemplateDocId: 'doc-missing' } }),
    (err: unknown) => err instanceof JobFailure && err.code === 'template_missing' && err.message.includes('TASUKI_INVOICE_TEMPLATE_DOC_ID') && !err.userMessage.en.includes('TASUKI_') && err.userMessage.en.includes('Ask your administrator'),
  );
  const badDate = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, issueDate: '2026-02-30' });
  await assert.rejects(env.run(billingDocument, badDate.id), (err: unknown) => err instanceof JobFailure && err.userMessage.en.includes('2026-02-30'));
  const backwards = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, issueDate: '2026-12-20', dueDate: '2026-12-01' });
  await assert.rejects(env.run(billingDocument, backwards.id), (err: unknown) => err instanceof JobFailure && err.userMessage.en.includes('before the issue date'));
  assert.equal(billingDocument.input.safeParse({ type: 'receipt', projectNumber: 'P-1' }).success, false);
});

test('another AccountingProvider can replace the built-in one', async () => {
  const seen: string[] = [];
  const provider: AccountingProvider = {
    id: 'fake-accounting',
    async issue(draft, step) {
      const id = await step('post', async () => `acc-${draft.documentNumber}`);
      seen.push(`${draft.documentNumber}:${draft.totals.total}`);
      return { docId: id, docUrl: `https://accounting.example/${id}`, pdfFileId: id, pdfUrl: `https://accounting.example/${id}.pdf`, links: [] };
    },
  };
  const handler = createBillingDocumentHandler(() => provider);
  const job = await env.newJob('billing.document', { type: 'invoice', projectNumber: project.projectNumber, items: [{ description: 'x', quantity: 2, unitPrice: 500 }] });
  const result = await env.run<BillingDocumentResult>(handler, job.id);
  assert.equal(result.pdfUrl, `https://accounting.example/acc-${result.documentNumber}.pdf`);
  assert.deepEqual(seen, [`${result.documentNumber}:1100`]);
});

test('Draft estimate from Gmail: one draft reply in the request thread with the PDF, even after crashes', async () => {
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

  const noGmail = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber, emailDraft: {} });
  await assert.rejects(
    env.run(billingDocument, noGmail.id, { config: { gmailDelegation: false } }),
    (err: unknown) => err instanceof JobFailure && err.code === 'gmail_not_configured' && err.userMessage.en.includes('saved in the project folder') && !err.userMessage.en.includes('TASUKI_'),
  );
});
