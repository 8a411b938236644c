// The sandbox's Docs API through @googleapis/docs, as billing.document uses it: copy the template
// (Drive), fill placeholders (replaceAllText), grow the items table (insertTableRow + insertText
// at indexes read back from documents.get), then export a real PDF.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { docs_v1 } from '@googleapis/docs';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { startTestSandbox, type TestSandbox } from './support/sandbox.js';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.stop();
});

const tableOf = (doc: docs_v1.Schema$Document) => doc.body!.content!.find((c) => c.table)!;
const cellText = (cell: docs_v1.Schema$TableCell) => cell.content!.map((p) => p.paragraph!.elements!.map((e) => e.textRun?.content ?? '').join('')).join('').replace(/\n$/, '');

test('documents.get: Google indexes (section break, paragraphs, table cells) are consistent', async () => {
  const doc = (await t.google.docs.documents.get({ documentId: SEED_IDS.estimateTemplateDoc })).data;
  const content = doc.body!.content!;
  assert.equal(content[0]!.sectionBreak !== undefined && content[0]!.endIndex, 1);
  for (let i = 1; i < content.length; i++) assert.equal(content[i]!.startIndex, content[i - 1]!.endIndex, `element ${i} starts where the previous ends`);
  const table = tableOf(doc);
  assert.equal(table.table!.rows, 2);
  assert.equal(table.table!.columns, 5);
  assert.deepEqual(table.table!.tableRows![1]!.tableCells!.map(cellText), ['{{item.description}}', '{{item.quantity}}', '{{item.unitPrice}}', '{{item.taxRate}}', '{{item.amount}}']);
  const last = content[content.length - 1]!;
  assert.ok(last.paragraph, 'the body ends with a paragraph');
});

test('estimate: copy template, replaceAllText, insertTableRow + insertText, delete template row, export PDF', async () => {
  const { drive, docs } = t.google;
  const copy = await drive.files.copy({ fileId: SEED_IDS.estimateTemplateDoc, requestBody: { name: '見積書 E-2026-013', parents: [SEED_IDS.projectsFolder], appProperties: { tasukiJob: 'j-est' } }, fields: 'id' });
  const id = copy.data.id!;
  const fill: Record<string, string> = {
    '{{documentNumber}}': 'E-2026-013', '{{client}}': '株式会社アクメ', '{{title}}': '年末セール ポスター', '{{issueDate}}': '2026-11-27',
    '{{dueDate}}': '2026-12-27', '{{subtotal}}': '¥300,000', '{{tax}}': '¥30,000', '{{total}}': '¥330,000',
    '{{taxBreakdown}}': '10%対象 ¥300,000 消費税 ¥30,000', '{{reducedRateNote}}': '', '{{issuerName}}': 'アトリエ襷', '{{issuerAddress}}': '東京都渋谷区',
  };
  const replaced = await docs.documents.batchUpdate({
    documentId: id,
    requestBody: { requests: Object.entries(fill).map(([text, replaceText]) => ({ replaceAllText: { containsText: { text, matchCase: true }, replaceText } })) },
  });
  assert.deepEqual(replaced.data.replies!.map((r) => r.replaceAllText?.occurrencesChanged), Object.keys(fill).map(() => 1));

  const items = [['ポスター デザイン B1 2種', '2', '¥120,000', '10%', '¥240,000'], ['修正・入稿 Revisions', '1', '¥60,000', '10%', '¥60,000']];
  let doc = (await docs.documents.get({ documentId: id })).data;
  const tableStart = tableOf(doc).startIndex!;
  await docs.documents.batchUpdate({
    documentId: id,
    requestBody: { requests: items.map(() => ({ insertTableRow: { tableCellLocation: { tableStartLocation: { index: tableStart }, rowIndex: 1, columnIndex: 0 }, insertBelow: true } })) },
  });
  doc = (await docs.documents.get({ documentId: id })).data;
  assert.equal(tableOf(doc).table!.rows, 4);
  // Fill new rows from the end backwards so earlier indexes stay valid (as a Docs client must).
  const rows = tableOf(doc).table!.tableRows!;
  const inserts: docs_v1.Schema$Request[] = [];
  items.forEach((item, r) => item.forEach((text, c) => inserts.push({ insertText: { location: { index: rows[2 + r]!.tableCells![c]!.content![0]!.startIndex! }, text } })));
  inserts.sort((a, b) => b.insertText!.location!.index! - a.insertText!.location!.index!);
  await docs.documents.batchUpdate({ documentId: id, requestBody: { requests: inserts } });
  await docs.documents.batchUpdate({ documentId: id, requestBody: { requests: [{ deleteTableRow: { tableCellLocation: { tableStartLocation: { index: tableStart }, rowIndex: 1 } } }] } });
  doc = (await docs.documents.get({ documentId: id })).data;
  assert.deepEqual(tableOf(doc).table!.tableRows!.slice(1).map((row) => row.tableCells!.map(cellText)), items);
  assert.ok(!JSON.stringify(doc.body).includes('{{'), 'no placeholder left');

  const pdf = await drive.files.export({ fileId: id, mimeType: 'application/pdf' }, { responseType: 'arraybuffer' });
  const bytes = Buffer.from(pdf.data as ArrayBuffer);
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const { PDFDocument } = await import('pdf-lib');
  const parsed = await PDFDocument.load(bytes);
  assert.equal(parsed.getPageCount(), 1);
  assert.equal(parsed.getTitle(), '見積書 E-2026-013');
  // Japanese runs are UCS-2 codes of the CJK font (extractable through its ToUnicode map);
  // Latin runs are WinAnsi codes of Helvetica.
  const hex = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')).join('');
  const winAnsi = (s: string) => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
  const { inflateSync } = await import('node:zlib');
  const streams = [...bytes.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map((m) => {
    const raw = Buffer.from(m[1]!, 'latin1');
    try { return inflateSync(raw).toString('latin1'); } catch { return raw.toString('latin1'); }
  }).join('\n');
  assert.ok(streams.includes(hex('株式会社アクメ')), 'the client name is drawn');
  assert.ok(streams.includes(winAnsi('¥330,000')), 'the total is drawn');
});

test('batchUpdate is all-or-nothing and names the bad request', async () => {
  const { docs } = t.google;
  const before = (await docs.documents.get({ documentId: SEED_IDS.invoiceTemplateDoc })).data;
  await assert.rejects(
    docs.documents.batchUpdate({ documentId: SEED_IDS.invoiceTemplateDoc, requestBody: { requests: [{ replaceAllText: { containsText: { text: '{{client}}' }, replaceText: 'X' } }, { insertText: { location: { index: 99_999 }, text: 'x' } }] } }),
    (e: { status?: number; message: string }) => e.status === 400 && /requests\[1\]\.insertText: index 99999/.test(e.message),
  );
  const after = (await docs.documents.get({ documentId: SEED_IDS.invoiceTemplateDoc })).data;
  assert.deepEqual(after.body, before.body);
  await assert.rejects(docs.documents.batchUpdate({ documentId: SEED_IDS.invoiceTemplateDoc, requestBody: { requests: [{ updateTextStyle: {} }] } }), /"updateTextStyle" is not supported by the sandbox/);
  await assert.rejects(docs.documents.batchUpdate({ documentId: SEED_IDS.invoiceTemplateDoc, requestBody: { requests: [], writeControl: { requiredRevisionId: 'rev-0' } } }), /does not match the latest revision/);
});

test('replaceAllText with newlines splits the paragraph into several, as Docs does', async () => {
  const { drive, docs } = t.google;
  const copy = await drive.files.copy({ fileId: SEED_IDS.estimateTemplateDoc, requestBody: { name: 'multi-line', parents: [SEED_IDS.projectsFolder] }, fields: 'id' });
  const id = copy.data.id!;
  const before = (await docs.documents.get({ documentId: id })).data.body!.content!.filter((c) => c.paragraph).length;
  await docs.documents.batchUpdate({ documentId: id, requestBody: { requests: [{ replaceAllText: { containsText: { text: '{{client}}', matchCase: true }, replaceText: '一行目\n二行目\nthird line' } }] } });
  const doc = (await docs.documents.get({ documentId: id })).data;
  const paragraphs = doc.body!.content!.filter((c) => c.paragraph).map((c) => c.paragraph!.elements!.map((e) => e.textRun?.content ?? '').join(''));
  assert.equal(paragraphs.length, before + 2);
  const first = paragraphs.findIndex((p) => p.endsWith('一行目\n'));
  assert.ok(first >= 0, 'the first line ends its paragraph');
  assert.equal(paragraphs[first + 1], '二行目\n');
  assert.ok(paragraphs[first + 2]!.startsWith('third line'));
  const content = doc.body!.content!;
  for (let i = 1; i < content.length; i++) assert.equal(content[i]!.startIndex, content[i - 1]!.endIndex, 'indexes stay consistent');
});
