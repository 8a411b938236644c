/**
 * The page's live connection (`/console/api/events`, Server-Sent Events). Views subscribe to
 * `job` events (a job changed) and `sandbox` events ({api, kind, id}: something in Workspace
 * changed); the connection state drives the "Live" indicator. EventSource reconnects by itself;
 * on reconnect every view is told to re-read (it may have missed changes meanwhile).
 */

export type SandboxChange = { api: string; kind: string; id: string; op?: string };
type Handlers = { job: (job: any) => void; sandbox: (change: SandboxChange) => void; reconnect: () => void; state: (up: boolean) => void };

const subs: { [K in keyof Handlers]: Set<Handlers[K]> } = { job: new Set(), sandbox: new Set(), reconnect: new Set(), state: new Set() };
let source: EventSource | undefined;
let wasUp = false;
let everUp = false;

export function connectLive(): void {
  if (source) return;
  source = new EventSource('/console/api/events');
  source.addEventListener('hello', () => {
    if (everUp && !wasUp) for (const fn of subs.reconnect) fn();
    everUp = true;
    setState(true);
  });
  source.addEventListener('job', (e) => {
    const job = JSON.parse((e as MessageEvent).data);
    for (const fn of subs.job) fn(job);
  });
  source.addEventListener('sandbox', (e) => {
    const change = JSON.parse((e as MessageEvent).data) as SandboxChange;
    for (const fn of subs.sandbox) fn(change);
  });
  source.addEventListener('error', () => setState(false));
}

function setState(up: boolean): void {
  if (up === wasUp) return;
  wasUp = up;
  for (const fn of subs.state) fn(up);
}

export function isLive(): boolean {
  return wasUp;
}

/** Subscribes; returns the unsubscribe function (views call it when they unmount). */
export function onLive<K extends keyof Handlers>(kind: K, fn: Handlers[K]): () => void {
  subs[kind].add(fn);
  return () => subs[kind].delete(fn);
}
