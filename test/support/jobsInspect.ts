/**
 * Reads the sandbox through the same Google clients, to count what jobs made: files a job
 * tagged, ledger/intake/schedule rows, Chat messages, Calendar events.
 */
import type { GoogleClients } from '../../service/google/clients.js';
import { ALL_DRIVES_LIST, quote } from '../../service/workspace/driveFiles.js';

export async function filesTaggedBy(google: GoogleClients, jobId: string): Promise<Array<{ id: string; name: string; mimeType: string; key: string; parents: string[] }>> {
  const out: Array<{ id: string; name: string; mimeType: string; key: string; parents: string[] }> = [];
  let pageToken: string | undefined;
  do {
    const res = await google.drive.files.list({
      q: `appProperties has { key='tasukiJob' and value=${quote(jobId)} } and trashed = false`,
      fields: 'nextPageToken,files(id,name,mimeType,parents,appProperties)',
      pageSize: 100,
      pageToken,
      // The office's files are in a shared drive: a search outside a folder needs every corpus.
      ...ALL_DRIVES_LIST,
    });
    for (const f of res.data.files ?? []) out.push({ id: f.id!, name: f.name!, mimeType: f.mimeType!, key: f.appProperties?.tasukiKey ?? '', parents: f.parents ?? [] });
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

export async function childrenOf(google: GoogleClients, folderId: string): Promise<Array<{ id: string; name: string; mimeType: string }>> {
  const out: Array<{ id: string; name: string; mimeType: string }> = [];
  let pageToken: string | undefined;
  do {
    const res = await google.drive.files.list({ q: `${quote(folderId)} in parents and trashed = false`, fields: 'nextPageToken,files(id,name,mimeType)', pageSize: 100, pageToken });
    for (const f of res.data.files ?? []) out.push({ id: f.id!, name: f.name!, mimeType: f.mimeType! });
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

/** A sheet layout of shared/sheetLayouts.ts. */
type Layout = { sheetName: string; lastLetter: string; columns: ReadonlyArray<{ key: string }> };

export async function sheetRows(google: GoogleClients, spreadsheetId: string, layout: Layout): Promise<Array<Record<string, string>>> {
  const res = await google.sheets.spreadsheets.values.get({ spreadsheetId, range: `'${layout.sheetName}'!A2:${layout.lastLetter}` });
  return (res.data.values ?? []).map((cells) => Object.fromEntries(layout.columns.map((c, i) => [c.key, cells[i] === undefined ? '' : String(cells[i])])));
}

export async function chatMessages(google: GoogleClients, space: string): Promise<Array<{ name: string; text: string; cardsV2?: unknown[] }>> {
  const out: Array<{ name: string; text: string; cardsV2?: unknown[] }> = [];
  let pageToken: string | undefined;
  do {
    const res = await google.chat.spaces.messages.list({ parent: space, pageSize: 1000, pageToken });
    for (const m of res.data.messages ?? []) out.push({ name: m.name!, text: m.text ?? '', cardsV2: m.cardsV2 ?? undefined });
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

export async function documentPlainText(google: GoogleClients, documentId: string): Promise<string> {
  const { documentText } = await import('../../service/workspace/docsContent.js');
  return documentText((await google.docs.documents.get({ documentId })).data);
}
