/**
 * The console's add-on backend (mounted at /console/api/addon): the sandbox console shows the
 * Gmail sidebar, a Chat composer and a Sheets menu, and every click comes here, becomes the event
 * object Google would send (PLATFORM.md §2), and runs the exact built bundle through the Apps
 * Script shim. Answers are JSON: `{ response }` (the add-on's answer as Card v2 JSON / Chat JSON /
 * `{ action: … }`) or `{ error: { message } }`.
 *
 *   POST /gmail/open    { user, messageId, locale? }                  → onGmailMessage
 *   POST /action        { user, host: GMAIL|CHAT|SHEETS, functionName, parameters?, formInputs?,
 *                         chat?: { space, dialog?, dialogEventType? }, messageId?, locale? }
 *   POST /chat/message  { user, space, text, thread?, locale? }  `/cmd args` → onAppCommand
 *                        (appCommandId from addon/chat/commands.ts), anything else → onMessage
 *   GET  /sheets/menu   ?user&locale                                 → { items: [{label, functionName}] }
 *   POST /sheets/menu   { user, spreadsheetId, sheetName, selectedRows, functionName, locale?,
 *                          promptAnswers?: [{ button, text }] }  → { response: { ui: [alert|toast|dialog|prompt…] } }
 *
 * The bundle is dist/addon/Code.js, built on first use when missing or older than the add-on's
 * sources (so the console always runs what addon/ says). The shim starts on the first request and stays up until close(). As a deployment would
 * set it, the Script Property TASUKI_CHAT_SPACE is the team space, so jobs started from the
 * Gmail sidebar or the Sheets menu also report in Chat.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import * as z from 'zod';
import { CHAT_COMMANDS, type ChatCommand } from '../../addon/chat/commands.js';
import { buildAddon, bundleIsStale } from '../../scripts/build-addon.js';
import { loadConfig } from '../../service/config.js';
import { localeFrom } from '../../shared/locale.js';
import { loadAddon, type LoadedAddon } from '../apps-script-shim/loadAddon.js';
import type { LocalIssuer } from '../issuer.js';
import { chatUserName } from '../sandbox/ids.js';
import { SANDBOX_USERS } from '../sandbox/seedData.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type AddonRouterOptions = {
  dataDir: string;
  serviceUrl: string;
  sandboxUrl: string;
  scriptClientId: string;
  issuer: LocalIssuer;
  /** Default dist/addon/Code.js. */
  bundlePath?: string;
  timeZone?: string;
  /**
   * The team space jobs started in Gmail and Sheets report to (Script Property
   * TASUKI_CHAT_SPACE); default the local configuration's (the seeded team space). '' = none.
   */
  chatSpace?: string;
};

export type AddonRouter = Router & { close(): Promise<void> };

class BadRequest extends Error {}

const User = z.string().email('user must be an e-mail address of the sandbox');
const LocaleTag = z.string().max(20).optional();
const Strings = z.record(z.string(), z.string());

const GmailOpen = z.object({ user: User, messageId: z.string().min(1, 'messageId is required'), locale: LocaleTag });
const ActionBody = z.object({
  user: User,
  host: z.enum(['GMAIL', 'CHAT', 'SHEETS']),
  functionName: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'functionName must be a function name'),
  parameters: Strings.optional(),
  formInputs: z.record(z.string(), z.array(z.string())).optional(),
  chat: z
    .object({
      space: z.string().regex(/^spaces\/[A-Za-z0-9_-]+$/, 'chat.space must look like spaces/AAAA'),
      dialog: z.boolean().optional(),
      dialogEventType: z.enum(['REQUEST_DIALOG', 'SUBMIT_DIALOG', 'CANCEL_DIALOG']).optional(),
      messageName: z.string().optional(),
    })
    .optional(),
  messageId: z.string().optional(),
  locale: LocaleTag,
});
const ChatMessage = z.object({
  user: User,
  space: z.string().regex(/^spaces\/[A-Za-z0-9_-]+$/, 'space must look like spaces/AAAA'),
  text: z.string().min(1, 'text is required').max(4096),
  thread: z.string().optional(),
  locale: LocaleTag,
});
const SheetsRun = z.object({
  user: User,
  spreadsheetId: z.string().min(1, 'spreadsheetId is required'),
  sheetName: z.string().min(1, 'sheetName is required'),
  selectedRows: z.array(z.number().int().min(1)).max(1000),
  functionName: z.string().regex(/^menu[A-Za-z]+$/, 'functionName must be one of the menu functions'),
  locale: LocaleTag,
  /** Answers to the item's Ui.prompt calls, in order (the console asks, then runs the item again). */
  promptAnswers: z.array(z.object({ button: z.enum(['OK', 'CANCEL', 'YES', 'NO', 'CLOSE']), text: z.string().max(1000).optional() })).max(5).optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new BadRequest(r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  return r.data;
}

function localeOf(user: string, requested?: string): string {
  if (requested) return requested;
  return SANDBOX_USERS.find((u) => u.email === user.toLowerCase())?.locale ?? 'en';
}

function chatUser(email: string) {
  const found = SANDBOX_USERS.find((u) => u.email === email.toLowerCase());
  // The sandbox's own users/{id} for this person, so a private answer's viewer is them there too.
  return { name: chatUserName(email), displayName: found?.displayName ?? email, email, type: 'HUMAN' };
}

function common(host: string, locale: string, timeZone: string, extra: Record<string, unknown> = {}) {
  return { hostApp: host, platform: 'WEB', userLocale: locale, timeZone: { id: timeZone, offset: 0 }, ...extra };
}

function formInputsOf(inputs: Record<string, string[]> | undefined) {
  if (!inputs) return undefined;
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { stringInputs: { value: v } }]));
}

/** A per-message token stands in for Gmail's; the shim only checks one was set. */
function gmailPart(messageId: string) {
  return { messageId, threadId: messageId, accessToken: `console-gmail-token-${messageId}` };
}

let sequence = 0;

export function createAddonRouter(opts: AddonRouterOptions): AddonRouter {
  const bundlePath = opts.bundlePath ?? join(ROOT, 'dist/addon/Code.js');
  const timeZone = opts.timeZone ?? 'Asia/Tokyo';
  const chatSpace = opts.chatSpace ?? loadConfig({ TASUKI_MODE: 'local', TASUKI_DATA_DIR: opts.dataDir }).chatSpace;
  let loading: Promise<LoadedAddon> | undefined;

  const addon = () => {
    loading ??= (async () => {
      // Missing, or older than addon/ and shared/ (an edit since the last `npm run build`).
      if (opts.bundlePath === undefined ? bundleIsStale(bundlePath) : !existsSync(bundlePath)) await buildAddon({ outDir: dirname(bundlePath) });
      return loadAddon({
        bundlePath,
        serviceUrl: opts.serviceUrl,
        sandboxUrl: opts.sandboxUrl,
        issuer: opts.issuer,
        scriptClientId: opts.scriptClientId,
        user: SANDBOX_USERS[0]!.email,
        timeZone,
        ...(chatSpace ? { scriptProperties: { TASUKI_CHAT_SPACE: chatSpace } } : {}),
      });
    })().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };

  const run = async (fn: string, event: unknown, user: string, locale: string) => (await addon()).call(fn, event, { user, locale, timeZone });

  const router = express.Router();
  router.use(express.json({ limit: '200kb' }));

  /** A POST whose body `schema` checks; `fn` gets it and the user's locale, and answers `{ response }`. */
  const post = <T extends { user: string; locale?: string | undefined }>(path: string, schema: z.ZodType<T>, fn: (body: T, locale: string) => Promise<unknown>) =>
    router.post(path, (req: Request, res: Response, next: NextFunction) => {
      Promise.resolve()
        .then(() => {
          const body = parse(schema, req.body);
          return fn(body, localeOf(body.user, body.locale));
        })
        .then((response) => res.json({ response }), next);
    });

  post('/gmail/open', GmailOpen, (body, locale) =>
    run('onGmailMessage', { commonEventObject: common('GMAIL', locale, timeZone), gmail: gmailPart(body.messageId) }, body.user, locale),
  );

  post('/action', ActionBody, async (body, locale) => {
    const formInputs = formInputsOf(body.formInputs);
    const commonEventObject = common(body.host, locale, timeZone, {
      parameters: body.parameters ?? {},
      ...(formInputs ? { formInputs } : {}),
      invokedFunction: body.functionName,
    });
    let event: Record<string, unknown> = { commonEventObject };
    if (body.host === 'GMAIL') {
      const messageId = body.messageId ?? body.parameters?.messageId;
      if (messageId) event.gmail = gmailPart(messageId);
    } else if (body.host === 'CHAT') {
      if (!body.chat) throw new BadRequest('chat: { space } is required for host CHAT');
      const dialogEventType = body.chat.dialogEventType ?? (body.chat.dialog ? 'SUBMIT_DIALOG' : undefined);
      event = {
        commonEventObject,
        chat: {
          user: chatUser(body.user),
          eventTime: new Date().toISOString(),
          buttonClickedPayload: {
            space: { name: body.chat.space, type: 'SPACE' },
            message: { name: body.chat.messageName ?? `${body.chat.space}/messages/console-${Date.now()}-${++sequence}`, sender: { type: 'BOT' } },
            isDialogEvent: Boolean(dialogEventType),
            ...(dialogEventType ? { dialogEventType } : {}),
          },
        },
      };
    }
    return run(body.functionName, event, body.user, locale);
  });

  post('/chat/message', ChatMessage, async (body, locale) => {
    const user = chatUser(body.user);
    const n = ++sequence;
    const message = {
      name: `${body.space}/messages/console-${Date.now()}-${n}`,
      text: body.text,
      thread: { name: body.thread ?? `${body.space}/threads/console-${Date.now()}-${n}` },
      sender: user,
    };
    const slash = /^(\/[a-z]+)(?:\s+([\s\S]*))?$/i.exec(body.text.trim());
    const command: ChatCommand | undefined = slash ? CHAT_COMMANDS.find((c) => c.name === slash[1]!.toLowerCase()) : undefined;
    const commonEventObject = common('CHAT', locale, timeZone);
    if (command) {
      const argumentText = (slash![2] ?? '').trim();
      const event = {
        commonEventObject,
        chat: {
          user,
          eventTime: new Date().toISOString(),
          appCommandPayload: {
            space: { name: body.space, type: 'SPACE' },
            message: { ...message, argumentText, slashCommand: { commandId: String(command.id) } },
            appCommandMetadata: { appCommandId: command.id, appCommandType: 'SLASH_COMMAND' },
            isDialogEvent: Boolean(command.opensDialog),
            ...(command.opensDialog ? { dialogEventType: 'REQUEST_DIALOG' } : {}),
          },
        },
      };
      return run('onAppCommand', event, body.user, locale);
    }
    const event = {
      commonEventObject,
      chat: { user, eventTime: new Date().toISOString(), messagePayload: { space: { name: body.space, type: 'SPACE' }, message: { ...message, argumentText: body.text } } },
    };
    return run('onMessage', event, body.user, locale);
  });

  router.get('/sheets/menu', (req, res, next) => {
    const user = typeof req.query.user === 'string' ? req.query.user : SANDBOX_USERS[0]!.email;
    const locale = localeOf(user, typeof req.query.locale === 'string' ? req.query.locale : undefined);
    addon()
      .then((a) => a.menu.items({ user, locale: localeFrom(locale), timeZone }))
      .then((items) => res.json({ items }), next);
  });

  post('/sheets/menu', SheetsRun, async (body, locale) => {
    const sheet = { spreadsheetId: body.spreadsheetId, sheetName: body.sheetName, selectedRows: body.selectedRows, ...(body.promptAnswers ? { promptAnswers: body.promptAnswers } : {}) };
    const result = await (await addon()).menu.run(body.functionName, sheet, { user: body.user, locale, timeZone });
    return { ui: result.ui };
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const message = err instanceof Error ? err.message : String(err);
    res.status(err instanceof BadRequest ? 400 : 500).json({ error: { message } });
  });

  return Object.assign(router, {
    async close() {
      const pending = loading;
      loading = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  });
}
