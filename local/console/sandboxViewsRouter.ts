/**
 * The console backend's read side of the Workspace sandbox (`/console/api/{chat,drive,sheets,
 * gmail,calendar,faults}`): each route reads through the sandbox's Google REST endpoints as the
 * local runtime service account (Gmail as the mailbox owner, by delegation) and answers a shape
 * made for the page: messages in order, the whole Drive file list for a tree, spreadsheets with
 * their sheets' values, parsed e-mails, events. Sandbox errors keep their status and message.
 */
import { chatUserName } from '../sandbox/ids.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ConsoleInputError, consoleUser } from './consoleUsers.js';
import { SandboxCallError, type SandboxClient } from './sandboxClient.js';

export type SandboxResources = { chatSpace: string; calendarId: string; ledgerSpreadsheetId: string; scheduleSpreadsheetId: string };

const SPREADSHEET = 'application/vnd.google-apps.spreadsheet';
const FILE_FIELDS = 'files(id,name,mimeType,parents,appProperties,properties,createdTime,modifiedTime,size,webViewLink,trashed,description),nextPageToken';

type Handler = (req: Request, res: Response) => Promise<unknown>;

/** Wraps an async handler: its value is sent as JSON, its errors become { error } bodies. */
function route(fn: Handler) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const out = await fn(req, res);
      if (!res.headersSent && out !== undefined) res.json(out);
    } catch (err) {
      next(err);
    }
  };
}

export function sandboxViewsRouter(sandbox: SandboxClient, resources: SandboxResources): Router {
  const router = express.Router();
  const enc = encodeURIComponent;

  // ---- Chat ----
  router.get(
    '/chat/spaces',
    route(async () => {
      const { spaces = [] } = await sandbox.json<{ spaces?: unknown[] }>('/chat/v1/spaces?pageSize=100');
      return { spaces, defaultSpace: resources.chatSpace };
    }),
  );

  router.get(
    '/chat/messages',
    route(async (req) => {
      const space = String(req.query.space ?? resources.chatSpace);
      if (!/^spaces\/[A-Za-z0-9_-]+$/.test(space)) throw new ConsoleInputError(`space must look like spaces/AAAA…; got ${JSON.stringify(space)}`);
      // Newest 200, shown oldest first. The console reads as the app, which sees every message;
      // with `user`, private messages (privateMessageViewer) of other people are left out, as Chat
      // shows them only to their viewer.
      const { messages = [] } = await sandbox.json<{ messages?: Array<{ privateMessageViewer?: { name?: string } }> }>(`/chat/v1/${space}/messages?pageSize=200&orderBy=${enc('createTime desc')}`);
      const user = typeof req.query.user === 'string' && req.query.user ? chatUserName(req.query.user) : undefined;
      const visible = user ? messages.filter((m) => !m.privateMessageViewer || m.privateMessageViewer.name === user) : messages;
      return { space, messages: visible.reverse() };
    }),
  );

  // ---- Drive ----
  router.get(
    '/drive/files',
    route(async () => {
      const files: unknown[] = [];
      let pageToken: string | undefined;
      do {
        const page = await sandbox.json<{ files?: unknown[]; nextPageToken?: string }>(
          // The office lives in a shared drive: list every drive, as Google requires for shared-drive items.
          `/drive/drive/v3/files?q=${enc('trashed = false')}&corpora=allDrives&includeItemsFromAllDrives=true&supportsAllDrives=true&pageSize=1000&fields=${enc(FILE_FIELDS)}${pageToken ? `&pageToken=${enc(pageToken)}` : ''}`,
        );
        files.push(...(page.files ?? []));
        pageToken = page.nextPageToken;
      } while (pageToken && files.length < 10_000);
      return { files };
    }),
  );

  router.get(
    '/drive/files/:id/text',
    route(async (req) => {
      const doc = await sandbox.json<{ title?: string; documentId?: string; body?: { content?: unknown[] } }>(`/docs/v1/documents/${enc(String(req.params.id))}`);
      return { title: doc.title ?? '', text: documentText(doc.body?.content ?? []) };
    }),
  );

  router.get(
    '/drive/files/:id/download',
    route(async (req, res) => {
      const id = String(req.params.id);
      const meta = await sandbox.json<{ name?: string; mimeType?: string }>(`/drive/drive/v3/files/${enc(id)}?supportsAllDrives=true&fields=${enc('id,name,mimeType')}`);
      const isGoogleDoc = (meta.mimeType ?? '').startsWith('application/vnd.google-apps.');
      const upstream = isGoogleDoc
        ? await sandbox.raw(`/drive/drive/v3/files/${enc(id)}/export?mimeType=${enc('application/pdf')}`)
        : await sandbox.raw(`/drive/drive/v3/files/${enc(id)}?supportsAllDrives=true&alt=media`);
      const name = isGoogleDoc ? `${meta.name ?? id}.pdf` : (meta.name ?? id);
      sendBinary(res, Buffer.from(await upstream.arrayBuffer()), upstream.headers.get('content-type') ?? 'application/octet-stream', name, req.query.inline === '1');
      return undefined;
    }),
  );

  // ---- Sheets ----
  router.get(
    '/sheets',
    route(async () => {
      const { files = [] } = await sandbox.json<{ files?: Array<{ id: string; name: string }> }>(
        `/drive/drive/v3/files?q=${enc(`mimeType = '${SPREADSHEET}' and trashed = false`)}&pageSize=100&fields=${enc('files(id,name)')}`,
      );
      const ids = new Set<string>([resources.ledgerSpreadsheetId, resources.scheduleSpreadsheetId, ...files.map((f) => f.id)]);
      const spreadsheets = await Promise.all(Array.from(ids).map((id) => readSpreadsheet(id).catch((err: unknown) => ({ id, title: id, sheets: [], error: errorMessage(err) }))));
      return { spreadsheets };
    }),
  );

  router.get(
    '/sheets/:id',
    route(async (req) => readSpreadsheet(String(req.params.id))),
  );

  /**
   * POST /sheets/:id/cell {sheet, row, column, value}: what a person types into one cell (Sheets'
   * USER_ENTERED: 2026-12-01 becomes a date, 120,000 a number), written through the Sheets API as
   * the runtime account (the sandbox has no per-person Sheets access). Row and column are 1-based.
   */
  router.post(
    '/sheets/:id/cell',
    express.json({ limit: '16kb' }),
    route(async (req) => {
      const { sheet, row, column, value } = (req.body ?? {}) as { sheet?: unknown; row?: unknown; column?: unknown; value?: unknown };
      if (typeof sheet !== 'string' || !sheet) throw new ConsoleInputError('sheet (the sheet\'s title) is required');
      if (!Number.isInteger(row) || (row as number) < 1 || !Number.isInteger(column) || (column as number) < 1) throw new ConsoleInputError('row and column must be whole numbers from 1');
      if (typeof value !== 'string' || value.length > 5000) throw new ConsoleInputError('value must be text of at most 5000 characters');
      const a1 = `${quoteSheet(sheet)}!${a1Column(column as number)}${row as number}`;
      return sandbox.json(`/sheets/v4/spreadsheets/${enc(String(req.params.id))}/values/${enc(a1)}?valueInputOption=USER_ENTERED`, { method: 'PUT', body: { values: [[value]] } });
    }),
  );

  async function readSpreadsheet(id: string) {
    const ss = await sandbox.json<{ spreadsheetId: string; properties?: { title?: string }; sheets?: Array<{ properties?: { title?: string; sheetId?: number } }> }>(
      `/sheets/v4/spreadsheets/${enc(id)}`,
    );
    const titles = (ss.sheets ?? []).map((s) => s.properties?.title ?? '').filter(Boolean);
    let ranges: Array<{ values?: unknown[][] }> = [];
    if (titles.length) {
      const qs = titles.map((t) => `ranges=${enc(quoteSheet(t))}`).join('&');
      ({ valueRanges: ranges = [] } = await sandbox.json<{ valueRanges?: Array<{ values?: unknown[][] }> }>(`/sheets/v4/spreadsheets/${enc(id)}/values:batchGet?${qs}`));
    }
    return {
      id,
      title: ss.properties?.title ?? id,
      sheets: titles.map((title, i) => ({ title, values: ranges[i]?.values ?? [] })),
    };
  }

  // ---- Gmail ----
  router.get(
    '/gmail/messages',
    route(async (req) => {
      const user = consoleUser(req.query.user).email;
      const list = await sandbox.json<{ messages?: Array<{ id: string }> }>(`/gmail/gmail/v1/users/${enc(user)}/messages?maxResults=50`, { asUser: user });
      const messages = await Promise.all((list.messages ?? []).map((m) => sandbox.json(`/gmail/gmail/v1/users/${enc(user)}/messages/${enc(m.id)}?format=full`, { asUser: user })));
      return { user, messages: messages.map((m) => parseMessage(m, false)) };
    }),
  );

  router.get(
    '/gmail/messages/:id',
    route(async (req) => {
      const user = consoleUser(req.query.user).email;
      const m = await sandbox.json(`/gmail/gmail/v1/users/${enc(user)}/messages/${enc(String(req.params.id))}?format=full`, { asUser: user });
      return { message: parseMessage(m, true) };
    }),
  );

  router.get(
    '/gmail/messages/:id/attachments/:attachmentId',
    route(async (req, res) => {
      const user = consoleUser(req.query.user).email;
      const a = await sandbox.json<{ data?: string }>(
        `/gmail/gmail/v1/users/${enc(user)}/messages/${enc(String(req.params.id))}/attachments/${enc(String(req.params.attachmentId))}`,
        { asUser: user },
      );
      const name = String(req.query.name ?? 'attachment');
      const type = String(req.query.mimeType ?? 'application/octet-stream');
      sendBinary(res, Buffer.from(a.data ?? '', 'base64url'), /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream', name, false);
      return undefined;
    }),
  );

  // ---- Calendar ----
  router.get(
    '/calendar/events',
    route(async (req) => {
      const calendarId = String(req.query.calendarId ?? resources.calendarId);
      const { items = [] } = await sandbox.json<{ items?: unknown[] }>(`/calendar/calendar/v3/calendars/${enc(calendarId)}/events?maxResults=250`);
      return { calendarId, events: items };
    }),
  );

  // ---- Faults (the sandbox's admin knobs) and its recent-calls log ----
  router.get('/faults', route(async () => adminJson('GET', '/_sandbox/faults')));
  router.post('/faults', express.json({ limit: '64kb' }), route(async (req) => adminJson('PUT', '/_sandbox/faults', req.body)));
  router.delete('/faults', route(async () => adminJson('DELETE', '/_sandbox/faults')));
  router.get('/limits', route(async () => adminJson('GET', '/_sandbox/limits')));
  router.post('/limits', express.json({ limit: '64kb' }), route(async (req) => adminJson('PUT', '/_sandbox/limits', req.body)));
  router.get('/calls', route(async (req) => adminJson('GET', `/_sandbox/calls?limit=${Math.min(500, Math.max(1, Number(req.query.limit) || 50))}`)));

  async function adminJson(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: globalThis.Response;
    try {
      res = await fetch(sandbox.baseUrl + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new SandboxCallError(503, `the Workspace sandbox did not answer: ${errorMessage(err)}`);
    }
    const text = await res.text();
    let data: any = {};
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      throw new SandboxCallError(502, `the sandbox answered ${res.status} with non-JSON`);
    }
    if (!res.ok) throw new SandboxCallError(res.status, data?.error?.message ?? `the sandbox answered ${res.status}`);
    return data;
  }

  return router;
}

/** A1 letters of a 1-based column (1 → A, 27 → AA). */
function a1Column(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function quoteSheet(title: string): string {
  return /^[A-Za-z0-9_]+$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sendBinary(res: Response, data: Buffer, type: string, filename: string, inline: boolean): void {
  res.setHeader('content-type', type);
  res.setHeader('content-length', String(data.length));
  res.setHeader('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(filename)}`);
  res.end(data);
}

/** Plain text of a Docs body: paragraphs in order, table cells separated by tabs. */
export function documentText(content: unknown[]): string {
  const out: string[] = [];
  const walk = (elements: unknown[]) => {
    for (const el of elements as any[]) {
      if (el?.paragraph) {
        out.push((el.paragraph.elements ?? []).map((e: any) => e?.textRun?.content ?? '').join(''));
      } else if (el?.table) {
        for (const row of el.table.tableRows ?? []) {
          const cells = (row.tableCells ?? []).map((cell: any) => {
            const saved = out.length;
            walk(cell.content ?? []);
            return out.splice(saved).join('').replace(/\n+$/, '').replace(/\n/g, ' ');
          });
          out.push(cells.join('\t') + '\n');
        }
      } else if (el?.sectionBreak) {
        // no text
      }
    }
  };
  walk(content);
  return out.join('');
}

type GmailPart = { partId?: string; mimeType?: string; filename?: string; headers?: Array<{ name: string; value: string }>; body?: { data?: string; attachmentId?: string; size?: number }; parts?: GmailPart[] };

/** A Gmail API message → what the page shows (headers, text body, attachments). */
export function parseMessage(m: any, withBody: boolean) {
  const payload: GmailPart = m?.payload ?? {};
  const header = (name: string) => payload.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? '';
  const attachments: Array<{ attachmentId: string; filename: string; mimeType: string; size: number }> = [];
  let text = '';
  let html = '';
  const walk = (part: GmailPart) => {
    if (part.filename && part.body?.attachmentId) {
      attachments.push({ attachmentId: part.body.attachmentId, filename: part.filename, mimeType: part.mimeType ?? 'application/octet-stream', size: part.body.size ?? 0 });
    } else if (part.mimeType === 'text/plain' && part.body?.data && !text) {
      text = Buffer.from(part.body.data, 'base64url').toString('utf8');
    } else if (part.mimeType === 'text/html' && part.body?.data && !html) {
      html = Buffer.from(part.body.data, 'base64url').toString('utf8');
    }
    for (const p of part.parts ?? []) walk(p);
  };
  walk(payload);
  if (!text && html) text = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>/gi, '\n\n').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const internal = Number(m?.internalDate);
  return {
    id: String(m?.id ?? ''),
    threadId: String(m?.threadId ?? ''),
    labelIds: Array.isArray(m?.labelIds) ? m.labelIds : [],
    snippet: String(m?.snippet ?? text.slice(0, 140)),
    from: header('From'),
    to: header('To'),
    subject: header('Subject'),
    date: Number.isFinite(internal) && internal > 0 ? new Date(internal).toISOString() : header('Date'),
    attachments,
    ...(withBody ? { body: text } : {}),
  };
}

