/**
 * Google Chat API v1, the subset tasuki uses, mounted at `<sandbox>/chat/` (client paths `v1/…`):
 *
 *   GET   v1/spaces                      spaces.list   (spaces the caller is a member of; filter spaceType)
 *   GET   v1/spaces/{space}              spaces.get
 *   GET   v1/spaces/{space}/members/{m}  spaces.members.get (m: the member's user id, or their e-mail as an alias)
 *   POST  v1/spaces/{space}/messages     spaces.messages.create  ?messageId&requestId&messageReplyOption&threadKey
 *   GET   v1/spaces/{space}/messages     spaces.messages.list    ?pageSize&pageToken&orderBy&filter&showDeleted
 *   GET   v1/spaces/{space}/messages/{m} spaces.messages.get     (m may be the client-assigned id)
 *   PATCH v1/spaces/{space}/messages/{m} spaces.messages.patch   ?updateMask (required)&allowMissing
 *   DELETE v1/spaces/{space}/messages/{m} spaces.messages.delete
 *
 * Semantics that matter to tasuki, as Google documents them:
 * - messageId: `client-` prefix, ≤63 characters, lowercase letters/digits/hyphens, unique in the
 *   space; the message gets a system name and the client id works as an alias in get/patch.
 * - requestId: a repeat from the same caller returns the existing message unchanged.
 * - messageReplyOption REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD / REPLY_MESSAGE_OR_FAIL with
 *   thread.name or thread.threadKey; the default starts a new thread and ignores both.
 * - patch needs updateMask (text, cards_v2, accessory_widgets, or *); allowMissing=true creates
 *   the message when missing, only for client-assigned ids.
 * - privateMessageViewer (a private message: only that user and the app see it) is accepted on
 *   messages.create with app authentication only, and is immutable: patch refuses it (so a
 *   private message is never made by patch's allowMissing). A user listing or getting messages
 *   does not see other users' private messages.
 * - writes (create/patch/delete) are limited per space (Faults.takeChatWrite → 429).
 * - a message is at most 32,000 bytes, text at most 4,096 characters, cards are Card v2-valid
 *   (400 naming the bad field path), and the app must be a member of the space (403).
 * - a message's `annotations` carry a USER_MENTION for every `<users/…>` in its text, as Google
 *   returns them (the text's formatting is modelled in chatFormatting.ts).
 * - spaces.members.get answers a Membership (state JOINED) for a member and 404 NOT_FOUND for
 *   anyone else, as Google does; `{member}` is the user id (`users/{id}` without the prefix) or
 *   the user's e-mail. The name has one segment after `members/` (Google's path template is
 *   `v1/{name=spaces/*\/members/*}`, one segment each), so `members/users/…` matches no method
 *   and is a 404 too.
 */
import express, { type Response, type Router } from 'express';
import * as z from 'zod';
import { ButtonList, validateCardsV2 } from '../../shared/cardV2.js';
import { mentionAnnotations } from './chatFormatting.js';
import type { Principal } from './auth.js';
import type { Faults } from './faults.js';
import { badRequest, conflict, forbidden, notFound } from './googleError.js';
import { chatMessageId, chatThreadId, chatUserName } from './ids.js';
import { checkQuery, paginate, parseBody, q, qBool, qInt } from './requestShape.js';
import { Routes, nowRfc3339 } from './routes.js';
import type { SandboxState } from './sandboxState.js';

export const MAX_MESSAGE_BYTES = 32_000;
export const MAX_TEXT_CHARS = 4_096;
const API = 'chat';

export type ChatSpace = {
  name: string;
  type: 'ROOM' | 'DM';
  spaceType: 'SPACE' | 'DIRECT_MESSAGE' | 'GROUP_CHAT';
  displayName?: string;
  singleUserBotDm?: boolean;
  spaceThreadingState: 'THREADED_MESSAGES' | 'UNTHREADED_MESSAGES';
  spaceHistoryState: 'HISTORY_ON';
  createTime: string;
};

/** A space as stored: the resource plus its members' e-mails (the app by its service account). */
export type StoredSpace = { space: ChatSpace; members: Array<{ email: string; displayName: string; type: 'HUMAN' | 'BOT' }> };

export type ChatMessage = {
  name: string;
  sender: { name: string; type: 'HUMAN' | 'BOT'; displayName?: string };
  createTime: string;
  lastUpdateTime?: string;
  text?: string;
  formattedText?: string;
  argumentText?: string;
  cardsV2?: unknown[];
  accessoryWidgets?: unknown[];
  fallbackText?: string;
  thread: { name: string; threadKey?: string };
  space: { name: string };
  clientAssignedMessageId?: string;
  threadReply?: boolean;
  annotations?: ReturnType<typeof mentionAnnotations>;
  privateMessageViewer?: { name: string };
};

const OUTPUT_ONLY = {
  name: z.string().optional(),
  sender: z.unknown().optional(),
  createTime: z.string().optional(),
  lastUpdateTime: z.string().optional(),
  deleteTime: z.string().optional(),
  space: z.unknown().optional(),
  clientAssignedMessageId: z.string().optional(),
  argumentText: z.string().optional(),
  formattedText: z.string().optional(),
  threadReply: z.boolean().optional(),
  annotations: z.array(z.unknown()).optional(),
  emojiReactionSummaries: z.array(z.unknown()).optional(),
};

const MessageBody = z.strictObject({
  ...OUTPUT_ONLY,
  text: z.string().optional(),
  cardsV2: z.array(z.unknown()).optional(),
  accessoryWidgets: z.array(z.strictObject({ buttonList: ButtonList })).optional(),
  fallbackText: z.string().optional(),
  thread: z.strictObject({ name: z.string().optional(), threadKey: z.string().optional() }).optional(),
  privateMessageViewer: z.strictObject({ name: z.string() }).optional(),
  cards: z.never({ error: 'cards (Card v1) is not supported by tasuki\'s sandbox; use cardsV2' }).optional(),
});
type MessageBody = z.infer<typeof MessageBody>;

const MESSAGE_ID = /^client-[a-z0-9-]+$/;
const REPLY_OPTIONS = ['MESSAGE_REPLY_OPTION_UNSPECIFIED', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD', 'REPLY_MESSAGE_OR_FAIL'];
const MASK_FIELDS: Record<string, keyof ChatMessage> = {
  text: 'text', cards_v2: 'cardsV2', cardsV2: 'cardsV2', accessory_widgets: 'accessoryWidgets', accessoryWidgets: 'accessoryWidgets',
};

export function validateMessageId(id: string): void {
  if (id.length > 63 || !MESSAGE_ID.test(id)) {
    throw badRequest(
      `Invalid messageId "${id}": a custom message ID must begin with "client-", contain only lowercase letters, numbers and hyphens, and be at most 63 characters long.`,
    );
  }
}

/** Checks text, cards and size of an incoming message body; 400 naming what is wrong. */
function checkContent(body: MessageBody, rawBody: unknown, requireContent: boolean): void {
  const bytes = Buffer.byteLength(JSON.stringify(rawBody ?? {}), 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) throw badRequest(`Message too large: ${bytes} bytes; a message is at most ${MAX_MESSAGE_BYTES} bytes.`);
  if (body.text !== undefined && [...body.text].length > MAX_TEXT_CHARS) {
    throw badRequest(`Invalid value at 'message.text': text is at most ${MAX_TEXT_CHARS} characters.`);
  }
  if (body.cardsV2 !== undefined) {
    const v = validateCardsV2(body.cardsV2);
    if (!v.ok) throw badRequest(`Invalid card in message: ${v.path}: ${v.message}`, 'invalidCard');
  }
  if (requireContent && !body.text && !(body.cardsV2 && body.cardsV2.length) && !(body.accessoryWidgets && body.accessoryWidgets.length)) {
    throw badRequest('Message cannot be empty: set text, cardsV2 or accessoryWidgets.');
  }
}

export function chatRouter(opts: { state: SandboxState; faults: Faults }): Router {
  const { state, faults } = opts;
  const routes = new Routes();
  const principalOf = (res: Response) => res.locals.principal as Principal;

  function memberSpace(res: Response, spaceName: string): StoredSpace {
    const stored = state.get<StoredSpace>(API, 'space', spaceName);
    if (!stored) throw notFound(`Space ${spaceName} not found.`);
    const caller = principalOf(res).email;
    if (!stored.members.some((m) => m.email === caller)) {
      throw forbidden(`The caller (${caller}) is not a member of ${spaceName}. Add the app to the space first.`);
    }
    return stored;
  }

  function findMessage(spaceName: string, id: string): ChatMessage | undefined {
    if (id.startsWith('client-')) {
      const alias = state.get<{ name: string }>(API, 'clientId', `${spaceName}/${id}`);
      return alias ? state.get<ChatMessage>(API, 'message', alias.name) : undefined;
    }
    return state.get<ChatMessage>(API, 'message', `${spaceName}/messages/${id}`);
  }

  /** Private messages are seen by their viewer and the app (any service-account caller). */
  function visibleTo(res: Response, message: ChatMessage): boolean {
    const p = principalOf(res);
    return !message.privateMessageViewer || p.kind === 'serviceAccount' || message.privateMessageViewer.name === chatUserName(p.email);
  }

  function senderOf(res: Response): ChatMessage['sender'] {
    const p = principalOf(res);
    return p.kind === 'serviceAccount'
      ? { name: chatUserName(p.email), type: 'BOT', displayName: 'tasuki' }
      : { name: chatUserName(p.email), type: 'HUMAN', displayName: p.email };
  }

  function resolveThread(spaceName: string, body: MessageBody, replyOption: string, threadKeyParam: string | undefined): ChatMessage['thread'] {
    const threadKey = body.thread?.threadKey ?? threadKeyParam;
    const fresh = () => {
      const thread = { name: `${spaceName}/threads/${chatThreadId()}`, ...(threadKey ? { threadKey } : {}) };
      if (threadKey) state.put(API, 'threadKey', `${spaceName}/${threadKey}`, { name: thread.name });
      return thread;
    };
    if (replyOption === 'MESSAGE_REPLY_OPTION_UNSPECIFIED' && !threadKeyParam) return fresh();
    if (body.thread?.name) {
      if (!body.thread.name.startsWith(`${spaceName}/threads/`)) throw badRequest(`Invalid value at 'message.thread.name': ${body.thread.name} is not a thread of ${spaceName}.`);
      const exists = state.list<ChatMessage>(API, 'message', spaceName).some((m) => m.thread.name === body.thread!.name);
      if (exists) return { name: body.thread.name };
    } else if (threadKey) {
      const known = state.get<{ name: string }>(API, 'threadKey', `${spaceName}/${threadKey}`);
      if (known) return { name: known.name, threadKey };
    }
    if (replyOption === 'REPLY_MESSAGE_OR_FAIL') throw notFound('Thread not found: REPLY_MESSAGE_OR_FAIL needs an existing thread.');
    return fresh();
  }

  function createMessage(res: Response, spaceName: string, body: MessageBody, clientId: string | undefined, threadOpts: { replyOption: string; threadKey?: string }): ChatMessage {
    const now = nowRfc3339();
    const message: ChatMessage = {
      name: `${spaceName}/messages/${chatMessageId()}`,
      sender: senderOf(res),
      createTime: now,
      ...(body.text !== undefined ? { text: body.text, formattedText: body.text, argumentText: body.text, ...annotationsOf(body.text) } : {}),
      ...(body.cardsV2 ? { cardsV2: body.cardsV2 } : {}),
      ...(body.accessoryWidgets ? { accessoryWidgets: body.accessoryWidgets } : {}),
      ...(body.fallbackText ? { fallbackText: body.fallbackText } : {}),
      thread: resolveThread(spaceName, body, threadOpts.replyOption, threadOpts.threadKey),
      space: { name: spaceName },
      ...(clientId ? { clientAssignedMessageId: clientId } : {}),
      ...(body.privateMessageViewer ? { privateMessageViewer: { name: body.privateMessageViewer.name } } : {}),
    };
    state.transaction(() => {
      if (clientId && !state.insert(API, 'clientId', `${spaceName}/${clientId}`, { name: message.name })) {
        throw conflict(`Message with ID ${clientId} already exists in ${spaceName}.`);
      }
      state.put(API, 'message', message.name, message, spaceName);
    });
    return message;
  }

  routes.on('GET', /^\/v1\/spaces$/, (req, res) => {
    checkQuery(req, ['pageSize', 'pageToken', 'filter']);
    const filter = q(req, 'filter');
    let spaceType: string | undefined;
    if (filter) {
      const m = /^\s*space_?[tT]ype\s*=\s*"(SPACE|GROUP_CHAT|DIRECT_MESSAGE)"\s*$/.exec(filter);
      if (!m) throw badRequest(`Invalid filter "${filter}": the sandbox supports spaceType = "SPACE" | "GROUP_CHAT" | "DIRECT_MESSAGE".`);
      spaceType = m[1];
    }
    const me = principalOf(res).email;
    const spaces = state
      .list<StoredSpace>(API, 'space')
      .filter((s) => s.members.some((m) => m.email === me) && (!spaceType || s.space.spaceType === spaceType))
      .map((s) => s.space);
    const { page, nextPageToken } = paginate(spaces, q(req, 'pageToken'), qInt(req, 'pageSize', 1, 1000) ?? 100);
    return { spaces: page, ...(nextPageToken ? { nextPageToken } : {}) };
  });

  routes.on('GET', /^\/v1\/spaces\/([^/]+)$/, (req, res, [id]) => {
    checkQuery(req, ['useAdminAccess']);
    return memberSpace(res, `spaces/${id}`).space;
  });

  routes.on('GET', /^\/v1\/spaces\/([^/]+)\/members\/([^/]+)$/, (req, res, [id, member]) => {
    checkQuery(req, ['useAdminAccess']);
    const spaceName = `spaces/${id}`;
    const stored = memberSpace(res, spaceName);
    const wanted = decodeURIComponent(member!).toLowerCase();
    const found = stored.members.find((m) => m.email === wanted || chatUserName(m.email) === `users/${wanted}`);
    if (!found) throw notFound(`Membership ${spaceName}/members/${member} not found.`);
    const user = chatUserName(found.email);
    return {
      name: `${spaceName}/members/${user.slice('users/'.length)}`,
      state: 'JOINED',
      role: 'ROLE_MEMBER',
      member: { name: user, type: found.type },
      createTime: stored.space.createTime,
    };
  });

  routes.on('POST', /^\/v1\/spaces\/([^/]+)\/messages$/, (req, res, [id]) => {
    checkQuery(req, ['messageId', 'requestId', 'messageReplyOption', 'threadKey']);
    const spaceName = `spaces/${id}`;
    memberSpace(res, spaceName);
    const body = parseBody(MessageBody, req.body, 'message');
    const messageId = q(req, 'messageId');
    if (messageId !== undefined) validateMessageId(messageId);
    const replyOption = q(req, 'messageReplyOption') ?? 'MESSAGE_REPLY_OPTION_UNSPECIFIED';
    if (!REPLY_OPTIONS.includes(replyOption)) throw badRequest(`Invalid value at 'message_reply_option': "${replyOption}"; expected one of ${REPLY_OPTIONS.join(', ')}.`);
    const requestId = q(req, 'requestId');
    const caller = principalOf(res).email;
    if (requestId) {
      const seen = state.get<{ name: string; caller: string }>(API, 'requestId', `${spaceName}/${requestId}`);
      if (seen) {
        if (seen.caller !== caller) throw badRequest(`requestId ${requestId} was used by a different caller in ${spaceName}.`);
        const existing = state.get<ChatMessage>(API, 'message', seen.name);
        if (existing) return existing;
      }
    }
    checkContent(body, req.body, true);
    if (body.privateMessageViewer) {
      if (principalOf(res).kind !== 'serviceAccount') throw badRequest('privateMessageViewer requires app authentication; a message sent as a user cannot be private.');
      if (!/^users\/[A-Za-z0-9_-]+$/.test(body.privateMessageViewer.name)) throw badRequest(`Invalid value at 'message.private_message_viewer.name': "${body.privateMessageViewer.name}" is not users/{user}.`);
    }
    faults.takeChatWrite(spaceName);
    const message = createMessage(res, spaceName, body, messageId, { replyOption, threadKey: q(req, 'threadKey') });
    if (requestId) state.put(API, 'requestId', `${spaceName}/${requestId}`, { name: message.name, caller });
    return message;
  });

  routes.on('GET', /^\/v1\/spaces\/([^/]+)\/messages$/, (req, res, [id]) => {
    checkQuery(req, ['pageSize', 'pageToken', 'filter', 'orderBy', 'showDeleted']);
    const spaceName = `spaces/${id}`;
    memberSpace(res, spaceName);
    let messages = state.list<ChatMessage>(API, 'message', spaceName).filter((m) => visibleTo(res, m));
    const filter = q(req, 'filter');
    if (filter) messages = messages.filter(messageFilter(filter));
    const orderBy = (q(req, 'orderBy') ?? 'createTime asc').trim().toLowerCase();
    if (orderBy === 'createtime desc' || orderBy === 'create_time desc') messages.reverse();
    else if (orderBy !== 'createtime asc' && orderBy !== 'create_time asc' && orderBy !== 'createtime') throw badRequest(`Invalid orderBy "${orderBy}"; use "createTime asc" or "createTime desc".`);
    const { page, nextPageToken } = paginate(messages, q(req, 'pageToken'), qInt(req, 'pageSize', 1, 1000) ?? 25);
    return { messages: page, ...(nextPageToken ? { nextPageToken } : {}) };
  });

  routes.on('GET', /^\/v1\/spaces\/([^/]+)\/messages\/([^/]+)$/, (req, res, [id, mid]) => {
    checkQuery(req, []);
    const spaceName = `spaces/${id}`;
    memberSpace(res, spaceName);
    const message = findMessage(spaceName, mid!);
    if (!message || !visibleTo(res, message)) throw notFound(`Message ${spaceName}/messages/${mid} not found.`);
    return message;
  });

  routes.on('PATCH', /^\/v1\/spaces\/([^/]+)\/messages\/([^/]+)$/, (req, res, [id, mid]) => {
    checkQuery(req, ['updateMask', 'allowMissing']);
    const spaceName = `spaces/${id}`;
    memberSpace(res, spaceName);
    const maskRaw = q(req, 'updateMask');
    if (!maskRaw) throw badRequest('updateMask is required: name the fields to update (text, cards_v2, accessory_widgets) or *.');
    const mask = maskRaw.split(',').map((s) => s.trim()).filter(Boolean);
    const fields = new Set<keyof ChatMessage>();
    for (const path of mask) {
      if (path === '*') ['text', 'cardsV2', 'accessoryWidgets'].forEach((f) => fields.add(f as keyof ChatMessage));
      else if (MASK_FIELDS[path]) fields.add(MASK_FIELDS[path]!);
      else throw badRequest(`Invalid updateMask path "${path}"; supported: text, cards_v2, accessory_widgets, *.`);
    }
    const body = parseBody(MessageBody, req.body, 'message');
    checkContent(body, req.body, false);
    if (body.privateMessageViewer) throw badRequest('privateMessageViewer is immutable: set it when the message is created (messages.create).');
    const existing = findMessage(spaceName, mid!);
    if (!existing) {
      if (qBool(req, 'allowMissing') !== true) throw notFound(`Message ${spaceName}/messages/${mid} not found.`);
      if (!mid!.startsWith('client-')) {
        throw badRequest(`allowMissing creates a message only for a client-assigned ID (client-…); ${mid} is not one.`);
      }
      validateMessageId(mid!);
      checkContent(body, req.body, true);
      faults.takeChatWrite(spaceName);
      return createMessage(res, spaceName, body, mid, { replyOption: 'MESSAGE_REPLY_OPTION_UNSPECIFIED' });
    }
    if (existing.sender.name !== senderOf(res).name) throw forbidden('Only the message\'s sender can update it.');
    faults.takeChatWrite(spaceName);
    const updated: ChatMessage = { ...existing, lastUpdateTime: nowRfc3339() };
    for (const f of fields) {
      const value = (body as Record<string, unknown>)[f];
      if (value === undefined || (Array.isArray(value) && value.length === 0)) delete (updated as Record<string, unknown>)[f];
      else (updated as Record<string, unknown>)[f] = value;
      if (f === 'text') {
        delete updated.annotations;
        if (body.text === undefined) {
          delete updated.formattedText;
          delete updated.argumentText;
        } else {
          updated.formattedText = body.text;
          updated.argumentText = body.text;
          Object.assign(updated, annotationsOf(body.text));
        }
      }
    }
    if (!updated.text && !updated.cardsV2?.length && !updated.accessoryWidgets?.length) throw badRequest('Message cannot be empty after the update.');
    state.put(API, 'message', existing.name, updated, spaceName);
    return updated;
  });

  routes.on('DELETE', /^\/v1\/spaces\/([^/]+)\/messages\/([^/]+)$/, (req, res, [id, mid]) => {
    checkQuery(req, ['force']);
    const spaceName = `spaces/${id}`;
    memberSpace(res, spaceName);
    const message = findMessage(spaceName, mid!);
    if (!message) throw notFound(`Message ${spaceName}/messages/${mid} not found.`);
    faults.takeChatWrite(spaceName);
    state.transaction(() => {
      state.delete(API, 'message', message.name);
      if (message.clientAssignedMessageId) state.delete(API, 'clientId', `${spaceName}/${message.clientAssignedMessageId}`);
    });
    return {};
  });

  const router = express.Router();
  // Bodies a little over the message limit still parse, so the size check can name the limit.
  router.use(express.json({ limit: '256kb' }));
  router.use(routes.handler());
  return router;
}

/** Chat's annotations for a text: USER_MENTION per `<users/…>` (none: the field is absent). */
function annotationsOf(text: string): { annotations?: ChatMessage['annotations'] } {
  const annotations = mentionAnnotations(text);
  return annotations.length ? { annotations } : {};
}

/** The list filter subset: `createTime > "…"`, `createTime < "…"`, `thread.name = …`, joined by AND. */
function messageFilter(filter: string): (m: ChatMessage) => boolean {
  const tests: Array<(m: ChatMessage) => boolean> = [];
  for (const part of filter.split(/\s+AND\s+/i)) {
    const ct = /^\s*create_?[tT]ime\s*(>|<|>=|<=)\s*"([^"]+)"\s*$/.exec(part);
    const th = /^\s*thread\.name\s*=\s*"?([^"\s]+)"?\s*$/.exec(part);
    if (ct) {
      const [, op, at] = ct;
      const t = Date.parse(at!);
      if (Number.isNaN(t)) throw badRequest(`Invalid filter: "${at}" is not an RFC 3339 time.`);
      tests.push((m) => {
        const c = Date.parse(m.createTime);
        return op === '>' ? c > t : op === '<' ? c < t : op === '>=' ? c >= t : c <= t;
      });
    } else if (th) {
      tests.push((m) => m.thread.name === th[1]);
    } else {
      throw badRequest(`Invalid filter "${part.trim()}": the sandbox supports createTime comparisons and thread.name = …, joined by AND.`);
    }
  }
  return (m) => tests.every((t) => t(m));
}

