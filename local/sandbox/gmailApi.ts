/**
 * Gmail API v1, the subset tasuki uses, mounted at `<sandbox>/gmail/` (client paths `gmail/v1/users/…`):
 *
 *   GET  gmail/v1/users/{u}/messages                     messages.list  ?q&labelIds&maxResults&pageToken&includeSpamTrash
 *   GET  gmail/v1/users/{u}/messages/{id}                messages.get   ?format=full|metadata|minimal|raw&metadataHeaders
 *   GET  gmail/v1/users/{u}/messages/{id}/attachments/{a} messages.attachments.get
 *   POST gmail/v1/users/{u}/messages/{id}/modify         messages.modify {addLabelIds, removeLabelIds}
 *   POST gmail/v1/users/{u}/drafts                       drafts.create {message: {raw, threadId?}}
 *   GET  gmail/v1/users/{u}/labels                       labels.list
 *   POST gmail/v1/users/{u}/labels                       labels.create
 *
 * Gmail is per user: the caller must act as the mailbox's user through domain-wide delegation
 * (token with `sub`); `me` means that user. A service account calling without a subject gets
 * Google's 400 "Precondition check failed.", another user's mailbox a 403.
 *
 * `q` subset: from:, to:, subject:, has:attachment, is:unread|read|starred, in:inbox|sent|drafts,
 * label: (spaces in names written as -), after:/before: YYYY/MM/DD, newer_than:Nd, and bare words (subject, body, from).
 */
import express, { type Request, type Response, type Router } from 'express';
import * as z from 'zod';
import type { Principal } from './auth.js';
import { GoogleError, badRequest, conflict, forbidden, notFound } from './googleError.js';
import { gmailId } from './ids.js';
import { type MessagePart, hasAttachment, header, parseRfc822, plainText, toRfc822, type AttachmentBytes } from './mimeMessage.js';
import { checkQuery, paginate, parseBody, q, qAll, qInt } from './requestShape.js';
import { Routes } from './routes.js';
import type { SandboxState } from './sandboxState.js';

const API = 'gmail';

export type StoredMessage = {
  id: string;
  threadId: string;
  labelIds: string[];
  snippet: string;
  historyId: string;
  internalDate: string;
  sizeEstimate: number;
  payload: MessagePart;
};
export type StoredLabel = {
  id: string;
  name: string;
  type: 'system' | 'user';
  messageListVisibility?: 'show' | 'hide';
  labelListVisibility?: 'labelShow' | 'labelShowIfUnread' | 'labelHide';
  color?: { textColor?: string; backgroundColor?: string };
};

export const SYSTEM_LABELS = ['INBOX', 'SENT', 'DRAFT', 'UNREAD', 'STARRED', 'IMPORTANT', 'SPAM', 'TRASH', 'CHAT', 'CATEGORY_PERSONAL', 'CATEGORY_SOCIAL', 'CATEGORY_PROMOTIONS', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS'];

const LabelBody = z.strictObject({
  name: z.string().min(1, 'name is required'),
  messageListVisibility: z.enum(['show', 'hide']).optional(),
  labelListVisibility: z.enum(['labelShow', 'labelShowIfUnread', 'labelHide']).optional(),
  color: z.strictObject({ textColor: z.string().optional(), backgroundColor: z.string().optional() }).optional(),
  type: z.string().optional(),
  id: z.string().optional(),
});
const ModifyBody = z.strictObject({ addLabelIds: z.array(z.string()).optional(), removeLabelIds: z.array(z.string()).optional() });
const DraftBody = z.strictObject({
  id: z.string().optional(),
  message: z.strictObject({ raw: z.string().min(1, 'message.raw (base64url RFC 822) is required'), threadId: z.string().optional(), labelIds: z.array(z.string()).optional() }),
});

/** Stores a new message in a user's mailbox (the API's drafts, and the seed's inbox). */
export function storeMessage(state: SandboxState, user: string, m: { payload: MessagePart; attachments: AttachmentBytes[]; labelIds: string[]; threadId?: string; internalDate?: number }): StoredMessage {
  const id = gmailId();
  const history = Number(state.meta('gmailHistoryId') ?? '100000') + 1;
  state.setMeta('gmailHistoryId', String(history));
  const text = plainText(m.payload);
  const date = m.internalDate ?? (Date.parse(header(m.payload, 'Date') ?? '') || Date.now());
  const message: StoredMessage = {
    id,
    threadId: m.threadId ?? id,
    labelIds: m.labelIds,
    snippet: text.replace(/\s+/g, ' ').trim().slice(0, 140),
    historyId: String(history),
    internalDate: String(date),
    sizeEstimate: JSON.stringify(m.payload).length + m.attachments.reduce((n, a) => n + a.data.length, 0),
    payload: m.payload,
  };
  for (const a of m.attachments) state.putBlob(`gmail:${user}:${a.attachmentId}`, a.data);
  state.put(API, 'message', `${user}/${id}`, message, user);
  return message;
}

function searchable(m: StoredMessage): { from: string; to: string; subject: string; text: string } {
  return {
    from: (header(m.payload, 'From') ?? '').toLowerCase(),
    to: [header(m.payload, 'To'), header(m.payload, 'Cc')].filter(Boolean).join(' ').toLowerCase(),
    subject: (header(m.payload, 'Subject') ?? '').toLowerCase(),
    text: plainText(m.payload).toLowerCase(),
  };
}

function gmailDate(s: string, field: string): number {
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(s);
  if (!m) throw badRequest(`Invalid query: ${field}:${s} needs a date like 2026/12/20.`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Compiles Gmail's search operators (the subset above) into a predicate. */
function compileGmailQuery(query: string, labelsByName: (name: string) => string | undefined): (m: StoredMessage) => boolean {
  const tests: Array<(m: StoredMessage) => boolean> = [];
  const tokens = query.match(/-?(?:[a-z_]+:)?(?:"[^"]*"|\S+)/gi) ?? [];
  for (const raw of tokens) {
    const negate = raw.startsWith('-');
    const tok = negate ? raw.slice(1) : raw;
    const op = /^([a-z_]+):(.*)$/i.exec(tok);
    const value = (op ? op[2]! : tok).replace(/^"|"$/g, '').toLowerCase();
    let t: (m: StoredMessage) => boolean;
    switch (op?.[1]?.toLowerCase()) {
      case 'from': t = (m) => searchable(m).from.includes(value); break;
      case 'to': t = (m) => searchable(m).to.includes(value); break;
      case 'subject': t = (m) => searchable(m).subject.includes(value); break;
      case 'has':
        if (value !== 'attachment') throw badRequest(`Invalid query: has:${value} is not supported by the sandbox (has:attachment is).`);
        t = (m) => hasAttachment(m.payload);
        break;
      case 'is': {
        const label = { unread: 'UNREAD', starred: 'STARRED', important: 'IMPORTANT' }[value];
        if (value === 'read') t = (m) => !m.labelIds.includes('UNREAD');
        else if (label) t = (m) => m.labelIds.includes(label);
        else throw badRequest(`Invalid query: is:${value} is not supported by the sandbox.`);
        break;
      }
      case 'in': {
        const label = { inbox: 'INBOX', sent: 'SENT', drafts: 'DRAFT', draft: 'DRAFT', spam: 'SPAM', trash: 'TRASH' }[value];
        if (value === 'anywhere') t = () => true;
        else if (!label) throw badRequest(`Invalid query: in:${value} is not supported by the sandbox.`);
        else t = (m) => m.labelIds.includes(label);
        break;
      }
      case 'label': {
        const id = labelsByName(value);
        t = (m) => (id ? m.labelIds.includes(id) : false);
        break;
      }
      case 'after': { const at = gmailDate(value, 'after'); t = (m) => Number(m.internalDate) >= at; break; }
      case 'before': { const at = gmailDate(value, 'before'); t = (m) => Number(m.internalDate) < at; break; }
      case 'newer_than': {
        const n = /^(\d+)([dmy])$/.exec(value);
        if (!n) throw badRequest(`Invalid query: newer_than:${value} needs a count and d, m or y.`);
        const days = Number(n[1]) * (n[2] === 'd' ? 1 : n[2] === 'm' ? 30 : 365);
        t = (m) => Number(m.internalDate) >= Date.now() - days * 86_400_000;
        break;
      }
      case undefined:
        t = (m) => {
          const s = searchable(m);
          return s.subject.includes(value) || s.text.includes(value) || s.from.includes(value);
        };
        break;
      default:
        throw badRequest(`Invalid query: the operator ${op![1]}: is not supported by the sandbox.`);
    }
    tests.push(negate ? (m) => !t(m) : t);
  }
  return (m) => tests.every((t) => t(m));
}

export function gmailRouter(opts: { state: SandboxState }): Router {
  const { state } = opts;
  const routes = new Routes();

  /** The mailbox's owner: the delegated user the token acts as; `me` means them. */
  function mailbox(res: Response, userId: string): string {
    const p = res.locals.principal as Principal;
    if (p.kind !== 'user') throw new GoogleError(400, 'Precondition check failed.', { status: 'FAILED_PRECONDITION', reason: 'failedPrecondition' });
    const user = userId === 'me' ? p.email : userId.toLowerCase();
    if (user !== p.email) throw forbidden(`Delegation denied for ${p.email}: the token cannot read ${userId}'s mailbox.`);
    return user;
  }
  const labelsOf = (user: string): StoredLabel[] => [
    ...SYSTEM_LABELS.map((id) => ({ id, name: id, type: 'system' as const })),
    ...state.list<StoredLabel>(API, 'label', user),
  ];
  const getMessage = (user: string, id: string) => {
    const m = state.get<StoredMessage>(API, 'message', `${user}/${id}`);
    if (!m) throw notFound('Requested entity was not found.');
    return m;
  };

  routes.on('GET', /^\/gmail\/v1\/users\/([^/]+)\/messages$/, (req: Request, res, [userId]) => {
    checkQuery(req, ['q', 'labelIds', 'maxResults', 'pageToken', 'includeSpamTrash']);
    const user = mailbox(res, userId!);
    const labels = labelsOf(user);
    let messages = state.list<StoredMessage>(API, 'message', user);
    if (q(req, 'includeSpamTrash') !== 'true') messages = messages.filter((m) => !m.labelIds.includes('SPAM') && !m.labelIds.includes('TRASH'));
    for (const l of qAll(req, 'labelIds')) messages = messages.filter((m) => m.labelIds.includes(l));
    const query = q(req, 'q');
    if (query) messages = messages.filter(compileGmailQuery(query, (name) => labels.find((l) => l.name.toLowerCase() === name || l.name.toLowerCase().replace(/[\s]+/g, '-') === name)?.id));
    messages.sort((a, b) => Number(b.internalDate) - Number(a.internalDate));
    const { page, nextPageToken } = paginate(messages, q(req, 'pageToken'), qInt(req, 'maxResults', 1, 500) ?? 100);
    return { ...(page.length ? { messages: page.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}), ...(nextPageToken ? { nextPageToken } : {}), resultSizeEstimate: messages.length };
  });

  routes.on('GET', /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)$/, (req: Request, res, [userId, id]) => {
    checkQuery(req, ['format', 'metadataHeaders']);
    const user = mailbox(res, userId!);
    const m = getMessage(user, id!);
    const format = q(req, 'format') ?? 'full';
    const base = { id: m.id, threadId: m.threadId, labelIds: m.labelIds, snippet: m.snippet, sizeEstimate: m.sizeEstimate, historyId: m.historyId, internalDate: m.internalDate };
    switch (format) {
      case 'full': return { ...base, payload: m.payload };
      case 'minimal': return base;
      case 'metadata': {
        const wanted = qAll(req, 'metadataHeaders').map((h) => h.toLowerCase());
        const headers = m.payload.headers.filter((h) => !wanted.length || wanted.includes(h.name.toLowerCase()));
        return { ...base, payload: { mimeType: m.payload.mimeType, headers } };
      }
      case 'raw': return { ...base, raw: Buffer.from(toRfc822(m.payload, (a) => state.blob(`gmail:${user}:${a}`))).toString('base64url') };
      default: throw badRequest(`Invalid value at 'format': "${format}" (full, metadata, minimal or raw).`);
    }
  });

  routes.on('GET', /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)\/attachments\/([^/]+)$/, (req: Request, res, [userId, id, attachmentId]) => {
    checkQuery(req, []);
    const user = mailbox(res, userId!);
    getMessage(user, id!);
    const data = state.blob(`gmail:${user}:${attachmentId}`);
    if (!data) throw notFound('Invalid attachment token');
    return { attachmentId, size: data.length, data: data.toString('base64url') };
  });

  routes.on('POST', /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)\/modify$/, (req: Request, res, [userId, id]) => {
    checkQuery(req, []);
    const user = mailbox(res, userId!);
    const m = getMessage(user, id!);
    const body = parseBody(ModifyBody, req.body, 'modify_message_request');
    const known = new Set(labelsOf(user).map((l) => l.id));
    for (const l of [...(body.addLabelIds ?? []), ...(body.removeLabelIds ?? [])]) if (!known.has(l)) throw badRequest(`Invalid label: ${l}`);
    const labels = m.labelIds.filter((l) => !(body.removeLabelIds ?? []).includes(l));
    for (const l of body.addLabelIds ?? []) if (!labels.includes(l)) labels.push(l);
    const next = { ...m, labelIds: labels };
    state.put(API, 'message', `${user}/${m.id}`, next, user);
    return { id: next.id, threadId: next.threadId, labelIds: next.labelIds };
  });

  routes.on('POST', /^\/gmail\/v1\/users\/([^/]+)\/drafts$/, (req: Request, res, [userId]) => {
    checkQuery(req, []);
    const user = mailbox(res, userId!);
    const body = parseBody(DraftBody, req.body, 'draft');
    let raw: string;
    try {
      raw = Buffer.from(body.message.raw, 'base64url').toString('utf8');
    } catch {
      throw badRequest("Invalid value at 'draft.message.raw': must be base64url-encoded RFC 822.");
    }
    if (!/^[\w-]+:/m.test(raw)) throw badRequest("Invalid value at 'draft.message.raw': no RFC 822 headers found after base64url decoding.");
    const parsed = parseRfc822(raw);
    if (body.message.threadId && !state.list<StoredMessage>(API, 'message', user).some((m) => m.threadId === body.message.threadId)) {
      throw notFound(`Thread ${body.message.threadId} not found.`);
    }
    const draftId = `r${BigInt.asUintN(63, BigInt(`0x${gmailId()}`)).toString()}`;
    const stored = state.transaction(() => {
      const m = storeMessage(state, user, { ...parsed, labelIds: ['DRAFT'], threadId: body.message.threadId, internalDate: Date.now() });
      state.put(API, 'draft', `${user}/${draftId}`, { id: draftId, messageId: m.id }, user);
      return m;
    });
    return { id: draftId, message: { id: stored.id, threadId: stored.threadId, labelIds: stored.labelIds } };
  });

  routes.on('GET', /^\/gmail\/v1\/users\/([^/]+)\/labels$/, (req: Request, res, [userId]) => {
    checkQuery(req, []);
    return { labels: labelsOf(mailbox(res, userId!)) };
  });

  routes.on('POST', /^\/gmail\/v1\/users\/([^/]+)\/labels$/, (req: Request, res, [userId]) => {
    checkQuery(req, []);
    const user = mailbox(res, userId!);
    const body = parseBody(LabelBody, req.body, 'label');
    if (labelsOf(user).some((l) => l.name.toLowerCase() === body.name.toLowerCase())) throw conflict('Label name exists or conflicts');
    const n = state.list<StoredLabel>(API, 'label', user).length + 1;
    const label: StoredLabel = {
      id: `Label_${n}${gmailId().slice(0, 4)}`,
      name: body.name,
      type: 'user',
      messageListVisibility: body.messageListVisibility ?? 'show',
      labelListVisibility: body.labelListVisibility ?? 'labelShow',
      ...(body.color ? { color: body.color } : {}),
    };
    state.put(API, 'label', `${user}/${label.id}`, label, user);
    return label;
  });

  const router = express.Router();
  router.use(express.json({ limit: '35mb' }));
  router.use(routes.handler());
  return router;
}
