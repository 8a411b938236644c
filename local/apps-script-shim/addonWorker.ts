/**
 * The worker thread that runs the add-on: the exact built bundle (dist/addon/Code.js) in a bare
 * `vm` context whose globals are the shim's services, nothing else (no require, no process, no
 * timers — as in Apps Script). It executes one call at a time; blocking services reach the main
 * thread through the host bridge.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createCacheService, createHtmlService, createLogger, createPropertiesService, createScriptApp, createSession, createUtilities, type CallContext } from './basicServices.js';
import { createCardService, toPlain } from './cardService.js';
import { createGmailApp, type GmailApiMessage } from './gmailApp.js';
import { createHostCaller, type FetchResponse, type HostRequest } from './hostBridge.js';
import { createSpreadsheetApp, type SheetSelection, type UiEvent } from './spreadsheetApp.js';
import { createUrlFetchApp } from './urlFetchApp.js';

export type WorkerInit = {
  bundlePath: string;
  serviceUrl: string;
  sandboxUrl: string;
  flag: SharedArrayBuffer;
  replies: MessagePort;
  scriptProperties: Record<string, string>;
};

export type CallRequest = {
  type: 'call';
  id: number;
  functionName: string;
  eventJson: string;
  context: CallContext & { sheet?: SheetSelection };
};
export type CallResult = { type: 'result'; id: number; ok: true; response: unknown; ui: UiEvent[]; logs: string[] } | { type: 'result'; id: number; ok: false; error: string; ui: UiEvent[]; logs: string[] };

const init = workerData as WorkerInit;
const port = parentPort!;
const flag = new Int32Array(init.flag);
const hostCall = createHostCaller(flag, init.replies, (msg: HostRequest) => port.postMessage(msg));

let context: CallRequest['context'] = { user: '', locale: 'en', timeZone: 'Asia/Tokyo' };
let ui: UiEvent[] = [];
let logs: string[] = [];

const fetchSync = (req: Parameters<typeof hostCall<'fetch'>>[1]): FetchResponse => hostCall('fetch', req);
function sandboxJson<T>(path: string): T {
  const token = hostCall('sandboxToken', { user: context.user });
  const res = fetchSync({ url: `${init.sandboxUrl}${path}`, method: 'GET', headers: { Authorization: `Bearer ${token}` }, followRedirects: true });
  if (res.status !== 200) throw new Error(`Sandbox ${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as T;
}

const gmail = createGmailApp(
  (id) => sandboxJson<GmailApiMessage>(`/gmail/gmail/v1/users/me/messages/${encodeURIComponent(id)}?format=full`),
  (id, attachmentId) =>
    Buffer.from(
      sandboxJson<{ data?: string }>(`/gmail/gmail/v1/users/me/messages/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`).data ?? '',
      'base64url',
    ),
);
const { Logger, console: consoleShim } = createLogger((line) => logs.push(line));
const ctx = () => context;

const globals = {
  CardService: createCardService(),
  UrlFetchApp: createUrlFetchApp(fetchSync),
  ScriptApp: createScriptApp({
    identity: () => hostCall('identityToken', { user: context.user }),
    oauth: () => hostCall('sandboxToken', { user: context.user }),
  }),
  GmailApp: gmail.service,
  PropertiesService: createPropertiesService(ctx, new Map(Object.entries(init.scriptProperties))),
  CacheService: createCacheService(ctx),
  SpreadsheetApp: createSpreadsheetApp(
    {
      values: (id, range) =>
        sandboxJson<{ values?: unknown[][] }>(`/sheets/v4/spreadsheets/${encodeURIComponent(id)}/values/${encodeURIComponent(range)}`).values ?? [],
      sheetNames: (id) =>
        (sandboxJson<{ sheets?: Array<{ properties?: { title?: string } }> }>(`/sheets/v4/spreadsheets/${encodeURIComponent(id)}`).sheets ?? []).map(
          (s) => s.properties?.title ?? '',
        ),
    },
    () => context.sheet,
    (event) => ui.push(event),
  ),
  Session: createSession(ctx),
  Utilities: createUtilities(),
  HtmlService: createHtmlService(),
  Logger,
  console: consoleShim,
};

const sandbox = vm.createContext({ ...globals });
vm.runInContext(readFileSync(init.bundlePath, 'utf8'), sandbox, { filename: 'Code.js' });

port.on('message', (msg: CallRequest) => {
  if (msg.type !== 'call') return;
  context = msg.context;
  ui = [];
  logs = [];
  gmail.resetCurrentMessage();
  let result: CallResult;
  try {
    const fn = (sandbox as Record<string, unknown>)[msg.functionName];
    if (typeof fn !== 'function') throw new Error(`Script function not found: ${msg.functionName}`);
    // The event is parsed inside the context, so it is made of the script's own Objects.
    (sandbox as Record<string, unknown>).__tasukiEventJson = msg.eventJson;
    const event = vm.runInContext('JSON.parse(__tasukiEventJson)', sandbox);
    const response = toPlain((fn as (e: unknown) => unknown).call(sandbox, event));
    result = { type: 'result', id: msg.id, ok: true, response: response === undefined ? null : JSON.parse(JSON.stringify(response)), ui, logs };
  } catch (err) {
    result = { type: 'result', id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err), ui, logs };
  }
  port.postMessage(result);
});
port.postMessage({ type: 'ready' });
