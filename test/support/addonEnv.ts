/**
 * Test environment for the add-on: the real built bundle (built into a temp folder) run by the
 * Apps Script shim, against the real service spine (createApp + SQLite + the Cloud Tasks
 * emulator, test/support/spine.ts) and the Workspace sandbox (seeded Gmail and Sheets), all
 * sharing one LocalIssuer so the service accepts the add-on's ID tokens and the sandbox the
 * shim's delegated tokens. Event builders produce the shapes of PLATFORM.md §2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAddon, type AddonBuild } from '../../scripts/build-addon.js';
import { loadAddon, type LoadedAddon } from '../../local/apps-script-shim/loadAddon.js';
import { startSandbox, type Sandbox } from '../../local/sandbox/sandbox.js';
import { SEED_USERS } from '../../local/sandbox/seedData.js';
import { validateCardV2 } from '../../shared/cardV2.js';
import { startSpine, type Spine } from './spine.js';

export const SATO = SEED_USERS.sato.email;
export const EMMA = SEED_USERS.emma.email;

export type AddonEnv = {
  spine: Spine;
  sandbox: Sandbox;
  build: AddonBuild;
  addon: LoadedAddon;
  /** Gmail message ids of `user`'s inbox by subject. */
  messageId(user: string, subjectPart: string): Promise<string>;
  close(): Promise<void>;
};

export async function startAddonEnv(): Promise<AddonEnv> {
  const outDir = mkdtempSync(join(tmpdir(), 'tasuki-addon-build-'));
  const build = await buildAddon({ outDir, serviceUrl: 'http://127.0.0.1:8080' });
  const spine = await startSpine();
  const sandboxDir = mkdtempSync(join(tmpdir(), 'tasuki-addon-sandbox-'));
  const sandbox = await startSandbox({ dataDir: sandboxDir, issuer: spine.issuer, chatLimits: { chatWriteIntervalMs: 0 } });
  const addon = await loadAddon({
    bundlePath: build.codePath,
    serviceUrl: spine.url,
    sandboxUrl: sandbox.url,
    issuer: spine.issuer,
    scriptClientId: spine.config.scriptClientId,
    user: SATO,
    locale: 'ja',
    timeZone: 'Asia/Tokyo',
  });
  return {
    spine,
    sandbox,
    build,
    addon,
    async messageId(user, subjectPart) {
      const res = await fetch(`${sandbox.url}/_sandbox/gmail/${encodeURIComponent(user)}/messages`);
      const body = (await res.json()) as { messages: Array<{ id: string; subject?: string }> };
      const found = body.messages.find((m) => m.subject?.includes(subjectPart));
      if (!found) throw new Error(`no seeded mail "${subjectPart}" for ${user}: ${body.messages.map((m) => m.subject).join(' | ')}`);
      return found.id;
    },
    async close() {
      await addon.close();
      await sandbox.close();
      await spine.close();
      rmSync(sandboxDir, { recursive: true, force: true });
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

type Common = { hostApp: string; userLocale?: string; parameters?: Record<string, string>; formInputs?: Record<string, { stringInputs: { value: string[] } }> };

export function formInputs(values: Record<string, string>): Common['formInputs'] {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { stringInputs: { value: [v] } }]));
}

function common(hostApp: string, locale: string, extra: Partial<Common> = {}) {
  return { hostApp, platform: 'WEB', userLocale: locale, timeZone: { id: 'Asia/Tokyo', offset: 32400000 }, ...extra };
}

export function gmailEvent(messageId: string, opts: { locale?: string; parameters?: Record<string, string>; form?: Record<string, string> } = {}) {
  return {
    commonEventObject: common('GMAIL', opts.locale ?? 'ja', {
      ...(opts.parameters ? { parameters: opts.parameters } : {}),
      ...(opts.form ? { formInputs: formInputs(opts.form) } : {}),
    }),
    gmail: { messageId, threadId: messageId, accessToken: `gmail-addon-token-${messageId}` },
  };
}

export function hostEvent(hostApp: 'GMAIL' | 'SHEETS', opts: { locale?: string; parameters?: Record<string, string> } = {}) {
  return { commonEventObject: common(hostApp, opts.locale ?? 'ja', opts.parameters ? { parameters: opts.parameters } : {}) };
}

export const SPACE = 'spaces/AAAAtasukiTeam';
const USER = { name: 'users/1001', displayName: '佐藤 美咲', type: 'HUMAN' };
let messageCounter = 0;

export function slashCommandEvent(commandId: number, argumentText: string, opts: { locale?: string; thread?: string; dialog?: boolean } = {}) {
  const n = ++messageCounter;
  return {
    commonEventObject: common('CHAT', opts.locale ?? 'ja'),
    chat: {
      user: USER,
      eventTime: new Date().toISOString(),
      appCommandPayload: {
        space: { name: SPACE, type: 'SPACE' },
        message: {
          name: `${SPACE}/messages/m${Date.now()}x${n}`,
          text: `/cmd ${argumentText}`.trim(),
          argumentText,
          thread: { name: opts.thread ?? `${SPACE}/threads/t${n}` },
          sender: USER,
          slashCommand: { commandId: String(commandId) },
        },
        appCommandMetadata: { appCommandId: commandId, appCommandType: 'SLASH_COMMAND' },
        isDialogEvent: Boolean(opts.dialog),
        ...(opts.dialog ? { dialogEventType: 'REQUEST_DIALOG' } : {}),
      },
    },
  };
}

export function chatMessageEvent(text: string, opts: { locale?: string } = {}) {
  return {
    commonEventObject: common('CHAT', opts.locale ?? 'ja'),
    chat: { user: USER, messagePayload: { space: { name: SPACE, type: 'SPACE' }, message: { name: `${SPACE}/messages/p${++messageCounter}`, text, argumentText: text, sender: USER } } },
  };
}

export function buttonEvent(parameters: Record<string, string>, opts: { locale?: string; dialog?: 'SUBMIT_DIALOG' | 'CANCEL_DIALOG' | 'REQUEST_DIALOG'; form?: Record<string, string> } = {}) {
  return {
    commonEventObject: common('CHAT', opts.locale ?? 'ja', { parameters, ...(opts.form ? { formInputs: formInputs(opts.form) } : {}) }),
    chat: {
      user: USER,
      buttonClickedPayload: {
        space: { name: SPACE, type: 'SPACE' },
        message: { name: `${SPACE}/messages/b${++messageCounter}`, sender: { type: 'BOT' } },
        isDialogEvent: Boolean(opts.dialog),
        ...(opts.dialog ? { dialogEventType: opts.dialog } : {}),
      },
    },
  };
}

export function addedToSpaceEvent(locale = 'ja') {
  return { commonEventObject: common('CHAT', locale), chat: { user: USER, addedToSpacePayload: { space: { name: SPACE, type: 'SPACE' } } } };
}

/** Calls an add-on function in the env's bundle and checks every card in its answer is valid Card v2. */
export function addonCaller(env: () => AddonEnv) {
  return async (fn: string, event: unknown, locale = 'ja'): Promise<any> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await env().addon.call(fn, event, { locale });
    assertValidCards(response);
    return response;
  };
}

/** Every Card v2 inside a response (cards, pushCard/updateCard, cardsV2), each validated. */
export function cardsIn(response: unknown): unknown[] {
  const found: unknown[] = [];
  const visit = (v: unknown, key?: string) => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x, key));
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (key === 'pushCard' || key === 'updateCard' || key === 'card' || key === '$root') {
      if ('sections' in o || 'header' in o) found.push(o);
    }
    for (const [k, child] of Object.entries(o)) visit(child, k);
  };
  visit(response, '$root');
  return found;
}

export function assertValidCards(response: unknown): unknown[] {
  const cards = cardsIn(response);
  for (const card of cards) {
    const result = validateCardV2(card);
    if (!result.ok) throw new Error(`invalid Card v2 at ${result.path}: ${result.message}\n${JSON.stringify(card).slice(0, 2000)}`);
  }
  return cards;
}
