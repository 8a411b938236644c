/**
 * Google Docs content operations jobs need: read a document's plain text, replace `{{name}}`
 * placeholders everywhere (replaceAllText is idempotent: once a placeholder is gone, replacing
 * it again changes nothing), and write a document's text once (skipped when a marker is already
 * there, so a redelivered job does not write the text twice).
 */
import type { docs_v1 } from '@googleapis/docs';
import { forDocsValue } from '../../shared/userText.js';
import { callGoogle } from './googleCall.js';

export function placeholder(name: string): string {
  return `{{${name}}}`;
}

/** Concatenated text of a document's body (paragraphs, including those inside tables). */
export function documentText(doc: docs_v1.Schema$Document): string {
  const out: string[] = [];
  const walk = (content: docs_v1.Schema$StructuralElement[] | undefined) => {
    for (const el of content ?? []) {
      for (const pe of el.paragraph?.elements ?? []) out.push(pe.textRun?.content ?? '');
      for (const row of el.table?.tableRows ?? []) for (const cell of row.tableCells ?? []) walk(cell.content);
    }
  };
  walk(doc.body?.content);
  return out.join('');
}

export async function getDocument(docs: docs_v1.Docs, documentId: string): Promise<docs_v1.Schema$Document> {
  const res = await callGoogle('docs.documents.get', () => docs.documents.get({ documentId }));
  return res.data;
}

/**
 * One replaceAllText per placeholder. Google applies them in order, so each value is escaped
 * (forDocsValue): a value holding `{{amount}}` would otherwise be filled in by a later request.
 */
export function replaceAllRequests(values: Record<string, string>): docs_v1.Schema$Request[] {
  return Object.entries(values).map(([name, value]) => ({
    replaceAllText: { containsText: { text: placeholder(name), matchCase: true }, replaceText: forDocsValue(value) },
  }));
}

export async function replacePlaceholders(docs: docs_v1.Docs, documentId: string, values: Record<string, string>): Promise<void> {
  const requests = replaceAllRequests(values);
  if (requests.length === 0) return;
  await callGoogle('docs.documents.batchUpdate (replaceAllText)', () => docs.documents.batchUpdate({ documentId, requestBody: { requests } }));
}

/** Inserts `text` at the start of the body unless the document already contains `marker`. */
export async function writeTextOnce(docs: docs_v1.Docs, documentId: string, text: string, marker: string): Promise<void> {
  const doc = await getDocument(docs, documentId);
  if (documentText(doc).includes(marker)) return;
  await callGoogle('docs.documents.batchUpdate (insertText)', () =>
    docs.documents.batchUpdate({ documentId, requestBody: { requests: [{ insertText: { location: { index: 1 }, text } }] } }),
  );
}
