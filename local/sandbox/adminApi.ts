/**
 * The sandbox's admin and state endpoints, for the console and tests. No auth (the sandbox is a
 * local tool bound to loopback); everything here is outside Google's API surface.
 *
 *   GET    /_sandbox                               overview: seededAt, users, seed ids, counts
 *   GET    /_sandbox/faults                        every API's fault knobs, and the errors injected so far per status
 *   PUT    /_sandbox/faults                        {api, latencyMs?, errorRates?: {"429"|"500"|"503": rate}} → that API's knobs
 *   DELETE /_sandbox/faults[?api=drive]            clear knobs (all APIs, or one)
 *   GET    /_sandbox/limits                        Chat per-space write limit {chatWriteIntervalMs, chatWriteBurst}
 *   PUT    /_sandbox/limits                        change it (interval 0 = no limit)
 *   GET    /_sandbox/events                        Server-Sent Events: `change` {api, kind, id, op} on every write
 *   GET    /_sandbox/calls?limit=100               recent API calls: time, api, method, path, caller (SA or delegated user), status
 *   GET    /_sandbox/chat/spaces                   spaces with members
 *   POST   /_sandbox/chat/spaces                   make a space with the app in it, as a person would add it
 *                                                 {id, displayName?, dmWith?: email, members?: [email]} (a
 *                                                 room, or with dmWith that person's direct message with the app)
 *   PUT    /_sandbox/chat/spaces/{id}/members      add a person to a space {email, displayName?} (membership tests)
 *   DELETE /_sandbox/chat/spaces/{id}/members/{email}  remove a person from a space
 *   GET    /_sandbox/chat/spaces/{id}/messages     a space's messages, oldest first (id without "spaces/")
 *   POST   /_sandbox/chat/spaces/{id}/messages     post as a person {senderEmail, text, threadName?} (e.g. a typed /command)
 *   GET    /_sandbox/drive/files[?parent=ID]       every file's full metadata (or a folder's children)
 *   GET    /_sandbox/drive/files/{id}/content      bytes of a binary file; Docs as PDF; Sheets as CSV
 *   GET    /_sandbox/sheets/{id}                   spreadsheet with each sheet's formatted grid (values)
 *   GET    /_sandbox/docs/{id}                     documents.get JSON plus `text`
 *   GET    /_sandbox/gmail/{user}/messages         a mailbox, newest first: id, from, to, subject, date, snippet, labels, attachments
 *   GET    /_sandbox/gmail/{user}/messages/{id}    one message with its decoded text
 *   POST   /_sandbox/gmail/{user}/messages         deliver an e-mail {from, subject, text, date?, attachments?: [{filename, mimeType, dataBase64}]} into the inbox
 *   GET    /_sandbox/calendar/{id}/events          a calendar's events, cancelled included
 */
import express, { type Router } from 'express';
import * as z from 'zod';
import type { CalendarEvent } from './calendarApi.js';
import type { ChatMessage, StoredSpace } from './chatApi.js';
import { documentText, toDocsJson, type StoredDocument } from './docsModel.js';
import type { DriveFile } from './driveApi.js';
import { FaultUpdate, type Faults, ChatLimits, SANDBOX_APIS, type SandboxApi } from './faults.js';
import { storeMessage, type StoredMessage } from './gmailApi.js';
import { chatMessageId, chatThreadId, chatUserName } from './ids.js';
import { buildPayload, header, plainText, type MessagePart } from './mimeMessage.js';
import type { ChangeEvent, SandboxState } from './sandboxState.js';
import { APP_SERVICE_ACCOUNT, SANDBOX_USERS, SEED_IDS } from './seedData.js';
import { readRange, type StoredSpreadsheet } from './sheetsModel.js';

const HumanMessage = z.strictObject({ senderEmail: z.string().email(), text: z.string().min(1).max(4096), threadName: z.string().optional() });
const NewSpace = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/),
    displayName: z.string().min(1).max(128).optional(),
    dmWith: z.string().email().optional(),
    members: z.array(z.string().email()).max(50).optional(),
  })
  .refine((v) => !(v.dmWith && v.members), 'a direct message has exactly one person: give dmWith or members, not both');
const NewMember = z.strictObject({ email: z.string().email(), displayName: z.string().min(1).max(200).optional() });
const NewMail = z.strictObject({
  from: z.string().min(1),
  subject: z.string().min(1),
  text: z.string(),
  date: z.string().optional(),
  attachments: z.array(z.strictObject({ filename: z.string().min(1), mimeType: z.string().min(1), dataBase64: z.string() })).max(10).optional(),
});

function attachmentsOf(part: MessagePart): Array<{ filename: string; mimeType: string; size: number; attachmentId?: string }> {
  const own = part.filename ? [{ filename: part.filename, mimeType: part.mimeType, size: part.body.size, attachmentId: part.body.attachmentId }] : [];
  return [...own, ...(part.parts ?? []).flatMap(attachmentsOf)];
}

export function adminRouter(opts: { state: SandboxState; faults: Faults }): Router {
  const { state, faults } = opts;
  const router = express.Router();
  // Room for a delivered e-mail's attachments (base64), as tests send large ones.
  router.use(express.json({ limit: '40mb' }));
  const fail = (res: express.Response, code: number, message: string) => res.status(code).json({ error: { code, message } });

  router.get('/', (_req, res) => {
    res.json({
      seededAt: state.meta('seededAt') ?? null,
      users: SANDBOX_USERS,
      ids: SEED_IDS,
      counts: {
        chatSpaces: state.list('chat', 'space').length,
        driveFiles: state.list('drive', 'file').length,
        spreadsheets: state.list('sheets', 'spreadsheet').length,
        documents: state.list('docs', 'document').length,
      },
    });
  });

  router.get('/faults', (_req, res) => res.json({ faults: faults.all(), injected: faults.injected() }));
  router.put('/faults', (req, res) => {
    const parsed = FaultUpdate.safeParse(req.body);
    if (!parsed.success) return fail(res, 400, `Invalid fault update: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
    res.json({ api: parsed.data.api, faults: faults.set(parsed.data) });
  });
  router.delete('/faults', (req, res) => {
    const api = typeof req.query.api === 'string' ? req.query.api : undefined;
    if (api && !SANDBOX_APIS.includes(api as SandboxApi)) return fail(res, 400, `Unknown api "${api}"; one of ${SANDBOX_APIS.join(', ')}`);
    faults.clear(api as SandboxApi | undefined);
    res.json({ faults: faults.all() });
  });
  router.get('/limits', (_req, res) => res.json(faults.limits));
  router.put('/limits', (req, res) => {
    const parsed = ChatLimits.safeParse(req.body);
    if (!parsed.success) return fail(res, 400, `Invalid limits: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    res.json(faults.setLimits(parsed.data));
  });

  router.get('/events', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write(': tasuki sandbox changes\n\n');
    const onChange = (e: ChangeEvent) => res.write(`event: change\ndata: ${JSON.stringify(e)}\n\n`);
    const onClose = () => res.end();
    state.events.on('change', onChange);
    state.events.once('close', onClose);
    req.on('close', () => {
      state.events.off('change', onChange);
      state.events.off('close', onClose);
    });
  });

  router.get('/calls', (req, res) => res.json({ calls: state.recentCalls(Number(req.query.limit ?? 100) || 100) }));

  router.get('/chat/spaces', (_req, res) => res.json({ spaces: state.list<StoredSpace>('chat', 'space') }));
  router.post('/chat/spaces', (req, res) => {
    const parsed = NewSpace.safeParse(req.body);
    if (!parsed.success) return invalid(res, 'space', parsed.error);
    const { id, displayName, dmWith, members } = parsed.data;
    const name = `spaces/${id}`;
    if (state.get('chat', 'space', name)) return fail(res, 409, `Space ${name} already exists`);
    const person = (email: string) => {
      const known = SANDBOX_USERS.find((u) => u.email === email.toLowerCase());
      return { email: email.toLowerCase(), displayName: known?.displayName ?? email, type: 'HUMAN' as const };
    };
    const app = { email: APP_SERVICE_ACCOUNT, displayName: 'tasuki', type: 'BOT' as const };
    const createTime = new Date().toISOString();
    const stored: StoredSpace = dmWith
      ? { space: { name, type: 'DM', spaceType: 'DIRECT_MESSAGE', singleUserBotDm: true, spaceThreadingState: 'UNTHREADED_MESSAGES', spaceHistoryState: 'HISTORY_ON', createTime }, members: [app, person(dmWith)] }
      : { space: { name, type: 'ROOM', spaceType: 'SPACE', displayName: displayName ?? id, spaceThreadingState: 'THREADED_MESSAGES', spaceHistoryState: 'HISTORY_ON', createTime }, members: [app, ...(members ?? []).map(person)] };
    state.put('chat', 'space', name, stored);
    res.status(201).json(stored);
  });
  /** The space named by the route's :id, or a 404 answered (undefined). */
  const spaceOf = (req: express.Request, res: express.Response): { name: string; stored: StoredSpace } | undefined => {
    const name = `spaces/${String(req.params.id)}`;
    const stored = state.get<StoredSpace>('chat', 'space', name);
    if (!stored) fail(res, 404, `No space ${name}`);
    return stored && { name, stored };
  };
  const invalid = (res: express.Response, what: string, error: z.ZodError) =>
    fail(res, 400, `Invalid ${what}: ${error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  router.get('/chat/spaces/:id/messages', (req, res) => {
    const name = `spaces/${req.params.id}`;
    if (!state.get('chat', 'space', name)) return fail(res, 404, `No space ${name}`);
    res.json({ messages: state.list<ChatMessage>('chat', 'message', name) });
  });

  router.put('/chat/spaces/:id/members', (req, res) => {
    const found = spaceOf(req, res);
    if (!found) return;
    const { name, stored } = found;
    const parsed = NewMember.safeParse(req.body);
    if (!parsed.success) return invalid(res, 'member', parsed.error);
    const email = parsed.data.email.toLowerCase();
    if (!stored.members.some((m) => m.email === email)) {
      stored.members.push({ email, displayName: parsed.data.displayName ?? email, type: 'HUMAN' });
      state.put('chat', 'space', name, stored);
    }
    res.json(stored);
  });

  router.delete('/chat/spaces/:id/members/:email', (req, res) => {
    const found = spaceOf(req, res);
    if (!found) return;
    const { name, stored } = found;
    const email = req.params.email.toLowerCase();
    const members = stored.members.filter((m) => m.email !== email || m.type !== 'HUMAN');
    if (members.length === stored.members.length) return fail(res, 404, `${email} is not a member of ${name}`);
    state.put('chat', 'space', name, { ...stored, members });
    res.json({ ...stored, members });
  });

  router.post('/chat/spaces/:id/messages', (req, res) => {
    const found = spaceOf(req, res);
    if (!found) return;
    const { name, stored: space } = found;
    const parsed = HumanMessage.safeParse(req.body);
    if (!parsed.success) return invalid(res, 'message', parsed.error);
    const member = space.members.find((m) => m.email === parsed.data.senderEmail.toLowerCase() && m.type === 'HUMAN');
    if (!member) return fail(res, 403, `${parsed.data.senderEmail} is not a member of ${name}`);
    const id = chatMessageId();
    const message: ChatMessage = {
      name: `${name}/messages/${id}`,
      sender: { name: chatUserName(member.email), type: 'HUMAN', displayName: member.displayName },
      createTime: new Date().toISOString(),
      text: parsed.data.text, formattedText: parsed.data.text, argumentText: parsed.data.text,
      thread: { name: parsed.data.threadName ?? `${name}/threads/${chatThreadId()}` },
      space: { name },
    };
    state.put('chat', 'message', message.name, message, name);
    res.status(201).json(message);
  });

  router.get('/drive/files', (req, res) => {
    const parent = typeof req.query.parent === 'string' ? req.query.parent : undefined;
    res.json({ files: parent === undefined ? state.list<DriveFile>('drive', 'file') : state.list<DriveFile>('drive', 'file', parent) });
  });
  router.get('/drive/files/:id/content', async (req, res) => {
    const file = state.get<DriveFile>('drive', 'file', req.params.id);
    if (!file) return fail(res, 404, `No file ${req.params.id}`);
    if (file.mimeType === 'application/vnd.google-apps.document') {
      const doc = state.get<StoredDocument>('docs', 'document', file.id);
      if (!doc) return fail(res, 404, 'Document has no content');
      const { documentToPdf } = await import('./pdfExport.js');
      res.type('application/pdf').send(Buffer.from(await documentToPdf(doc)));
      return;
    }
    if (file.mimeType === 'application/vnd.google-apps.spreadsheet') {
      const ss = state.get<StoredSpreadsheet>('sheets', 'spreadsheet', file.id);
      const values = ss?.sheets[0] ? readRange({ sheet: ss.sheets[0] }, 'FORMATTED_VALUE', 'ROWS').values ?? [] : [];
      res.type('text/csv').send(values.map((r) => r.join(',')).join('\n'));
      return;
    }
    if (file.mimeType === 'application/vnd.google-apps.folder') return fail(res, 400, 'A folder has no content');
    res.type(file.mimeType).send(state.blob(file.id) ?? Buffer.alloc(0));
  });

  router.get('/sheets/:id', (req, res) => {
    const ss = state.get<StoredSpreadsheet>('sheets', 'spreadsheet', req.params.id);
    if (!ss) return fail(res, 404, `No spreadsheet ${req.params.id}`);
    res.json({
      spreadsheetId: ss.spreadsheetId,
      properties: ss.properties,
      sheets: ss.sheets.map((s) => ({ properties: s.properties, values: readRange({ sheet: s }, 'FORMATTED_VALUE', 'ROWS').values ?? [] })),
    });
  });

  router.get('/docs/:id', (req, res) => {
    const doc = state.get<StoredDocument>('docs', 'document', req.params.id);
    if (!doc) return fail(res, 404, `No document ${req.params.id}`);
    res.json({ ...toDocsJson(doc), text: documentText(doc) });
  });

  const mailSummary = (m: StoredMessage) => ({
    id: m.id, threadId: m.threadId, labelIds: m.labelIds, snippet: m.snippet, internalDate: m.internalDate,
    from: header(m.payload, 'From'), to: header(m.payload, 'To'), subject: header(m.payload, 'Subject'), date: header(m.payload, 'Date'),
    attachments: attachmentsOf(m.payload),
  });
  router.get('/gmail/:user/messages', (req, res) => {
    const messages = state.list<StoredMessage>('gmail', 'message', req.params.user.toLowerCase());
    messages.sort((a, b) => Number(b.internalDate) - Number(a.internalDate));
    res.json({ messages: messages.map(mailSummary) });
  });
  router.get('/gmail/:user/messages/:id', (req, res) => {
    const m = state.get<StoredMessage>('gmail', 'message', `${req.params.user.toLowerCase()}/${req.params.id}`);
    if (!m) return fail(res, 404, `No message ${req.params.id}`);
    res.json({ ...mailSummary(m), text: plainText(m.payload), payload: m.payload });
  });
  router.post('/gmail/:user/messages', (req, res) => {
    const user = req.params.user.toLowerCase();
    if (!SANDBOX_USERS.some((u) => u.email === user)) return fail(res, 404, `No mailbox ${user}; users: ${SANDBOX_USERS.map((u) => u.email).join(', ')}`);
    const parsed = NewMail.safeParse(req.body);
    if (!parsed.success) return fail(res, 400, `Invalid e-mail: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
    const date = parsed.data.date ? new Date(parsed.data.date) : new Date();
    if (Number.isNaN(date.getTime())) return fail(res, 400, 'Invalid e-mail: date must be an ISO time');
    const built = buildPayload({
      headers: [
        { name: 'From', value: parsed.data.from }, { name: 'To', value: user }, { name: 'Subject', value: parsed.data.subject },
        { name: 'Date', value: date.toUTCString().replace('GMT', '+0000') },
      ],
      text: parsed.data.text,
      attachments: (parsed.data.attachments ?? []).map((a) => ({ filename: a.filename, mimeType: a.mimeType, data: Buffer.from(a.dataBase64, 'base64') })),
    });
    const m = storeMessage(state, user, { ...built, labelIds: ['INBOX', 'UNREAD'], internalDate: date.getTime() });
    res.status(201).json(mailSummary(m));
  });

  router.get('/calendar/:id/events', (req, res) => {
    if (!state.get('calendar', 'calendar', req.params.id)) return fail(res, 404, `No calendar ${req.params.id}`);
    res.json({ events: state.list<CalendarEvent>('calendar', 'event', req.params.id) });
  });

  return router;
}
