/**
 * The Apps Script runtime shim for Node: loads the exact built add-on bundle and calls its
 * top-level functions with Google-shaped event objects, as Gmail, Chat and Sheets would.
 *
 *   const addon = await loadAddon({ bundlePath, serviceUrl, sandboxUrl, issuer, scriptClientId,
 *                                   user, locale, timeZone });
 *   await addon.call('onGmailMessage', event)         // → the response as plain JSON
 *   await addon.invoke(fn, event, { user, sheet })    // → { response, ui, logs }
 *   await addon.menu.items()                          // Sheets add-on menu from onOpen
 *   await addon.menu.run(fn, { spreadsheetId, sheetName, selectedRows })
 *   await addon.close()
 *
 * Responses: a Card becomes its Card v2 JSON, a Card[] an array of them, an ActionResponse
 * `{ action: { navigations, notification, link } }`; Chat handlers' JSON passes through.
 * The bundle runs in a worker thread (see hostBridge.ts for why); UrlFetchApp really calls
 * `serviceUrl` over HTTP; ScriptApp.getIdentityToken() is minted by `issuer` with aud =
 * scriptClientId and email = the calling user; GmailApp and SpreadsheetApp read the sandbox
 * over its REST APIs as that user (delegated service-account token from the sandbox's OAuth).
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { resolve } from 'node:path';
import type { LocalIssuer } from '../issuer.js';
import { postTokenGrant, signSandboxAssertion } from '../sandbox/tokenGrant.js';
import { answerHostCall, type FetchRequest, type FetchResponse, type HostOps, type HostRequest } from './hostBridge.js';
import type { CallRequest, CallResult, WorkerInit } from './addonWorker.js';
import type { SheetSelection, UiEvent } from './spreadsheetApp.js';

export type LoadAddonOptions = {
  bundlePath: string;
  serviceUrl: string;
  sandboxUrl: string;
  issuer: LocalIssuer;
  scriptClientId: string;
  /** Default user for calls (an e-mail of the sandbox's domain). */
  user: string;
  locale?: string;
  timeZone?: string;
  /** Extra Script Properties (TASUKI_SERVICE_URL is set from serviceUrl). */
  scriptProperties?: Record<string, string>;
  /** How long UrlFetchApp waits for an answer before it throws (Apps Script: about 60 s). */
  fetchTimeoutMs?: number;
};

export type CallOptions = { user?: string; locale?: string; timeZone?: string; sheet?: SheetSelection };
export type Invocation = { response: unknown; ui: UiEvent[]; logs: string[] };

export type LoadedAddon = {
  call(functionName: string, event: unknown, opts?: CallOptions): Promise<unknown>;
  invoke(functionName: string, event: unknown, opts?: CallOptions): Promise<Invocation>;
  menu: {
    /** The items onOpen adds with createAddonMenu (authMode FULL unless given). */
    items(opts?: CallOptions & { authMode?: string }): Promise<Array<{ label: string; functionName: string }>>;
    run(functionName: string, sheet: SheetSelection, opts?: CallOptions): Promise<Invocation>;
  };
  close(): Promise<void>;
};

const SANDBOX_SCOPES = [
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/drive',
];

async function httpFetch(req: FetchRequest, timeoutMs = 60_000): Promise<FetchResponse> {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    // Bytes (an upload) as they are; fetch takes any ArrayBufferView.
    ...(req.body !== undefined ? { body: req.body as BodyInit } : {}),
    redirect: req.followRedirects ? 'follow' : 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, headers, body: await res.text() };
}

function sandboxTokens(opts: LoadAddonOptions) {
  const cache = new Map<string, { token: string; until: number }>();
  return async (user: string): Promise<string> => {
    const hit = cache.get(user);
    if (hit && hit.until > Date.now()) return hit.token;
    const assertion = await signSandboxAssertion({ sandboxUrl: opts.sandboxUrl, issuer: opts.issuer, scopes: SANDBOX_SCOPES, sub: user });
    const answer = await postTokenGrant(opts.sandboxUrl, assertion);
    if (!answer.accessToken) throw new Error(`sandbox token for ${user} refused: ${answer.error ?? answer.status}`);
    cache.set(user, { token: answer.accessToken, until: Date.now() + ((answer.expiresIn ?? 3600) - 60) * 1000 });
    return answer.accessToken;
  };
}

/** Code that registers tsx in the worker, then runs the TypeScript worker module. */
function workerBootstrap(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./addonWorker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
}

export async function loadAddon(opts: LoadAddonOptions): Promise<LoadedAddon> {
  const flag = new SharedArrayBuffer(4);
  const flagView = new Int32Array(flag);
  const { port1: replies, port2: workerReplies } = new MessageChannel();
  const sandboxToken = sandboxTokens(opts);
  const ops: HostOps = {
    fetch: (req) => httpFetch(req, opts.fetchTimeoutMs),
    identityToken: ({ user }) => opts.issuer.mintIdToken({ aud: opts.scriptClientId, email: user }),
    sandboxToken: ({ user }) => sandboxToken(user),
  };
  const init: WorkerInit = {
    bundlePath: resolve(opts.bundlePath),
    serviceUrl: opts.serviceUrl,
    sandboxUrl: opts.sandboxUrl,
    flag,
    replies: workerReplies,
    scriptProperties: { TASUKI_SERVICE_URL: opts.serviceUrl, ...opts.scriptProperties },
  };
  const worker = new Worker(workerBootstrap(), { eval: true, workerData: init, transferList: [workerReplies] });
  worker.unref();

  const pending = new Map<number, (r: CallResult) => void>();
  let nextId = 1;
  let failure: Error | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (msg: HostRequest | CallResult | { type: 'ready' }) => {
      if (msg.type === 'ready') resolve();
      else if (msg.type === 'host') void answerHostCall(ops, msg, flagView, replies);
      else if (msg.type === 'result') pending.get(msg.id)?.(msg);
    });
    worker.on('error', (err) => {
      failure = err;
      reject(err);
      for (const resolveCall of pending.values()) resolveCall({ type: 'result', id: 0, ok: false, error: `add-on worker crashed: ${err.message}`, ui: [], logs: [] });
    });
  });
  await ready;

  const invoke = (functionName: string, event: unknown, o: CallOptions = {}): Promise<Invocation> => {
    // One call at a time, as one Apps Script execution at a time per trigger here.
    const run = async (): Promise<Invocation> => {
      if (failure) throw failure;
      const id = nextId++;
      const request: CallRequest = {
        type: 'call',
        id,
        functionName,
        eventJson: JSON.stringify(event ?? {}),
        context: {
          user: o.user ?? opts.user,
          locale: o.locale ?? opts.locale ?? 'en',
          timeZone: o.timeZone ?? opts.timeZone ?? 'Asia/Tokyo',
          ...(o.sheet ? { sheet: o.sheet } : {}),
        },
      };
      const result = await new Promise<CallResult>((resolve) => {
        pending.set(id, resolve);
        worker.ref();
        worker.postMessage(request);
      }).finally(() => {
        pending.delete(id);
        worker.unref();
      });
      if (!result.ok) throw Object.assign(new Error(`${functionName}: ${result.error}`), { ui: result.ui, logs: result.logs });
      return { response: result.response, ui: result.ui, logs: result.logs };
    };
    const p = queue.then(run, run);
    queue = p.catch(() => undefined);
    return p;
  };

  return {
    invoke,
    call: async (fn, event, o) => (await invoke(fn, event, o)).response,
    menu: {
      async items(o = {}) {
        const { ui } = await invoke('onOpen', { authMode: o.authMode ?? 'FULL' }, o);
        const menu = ui.find((u): u is Extract<UiEvent, { type: 'menu' }> => u.type === 'menu');
        return menu?.items ?? [];
      },
      run: (fn, sheet, o = {}) => invoke(fn, {}, { ...o, sheet }),
    },
    async close() {
      replies.close();
      await worker.terminate();
    },
  };
}
