/**
 * Test harness for the Cloud Tasks emulator: a started emulator on a random port with a temp
 * data folder and its own LocalIssuer, a real CloudTasksClient pointed at it, and HTTP target
 * servers that record every request and answer what the test scripts.
 */
import { CloudTasksClient } from '@google-cloud/tasks';
import { grpc } from 'google-gax';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTasksEmulator, type TasksEmulator, type TasksEmulatorOptions } from '../../local/tasks-emulator/emulator.js';
import { LocalIssuer } from '../../local/issuer.js';
import { createLogger } from '../../service/logger.js';

export const PROJECT = 'tasks-test';
export const LOCATION = 'asia-northeast1';
export const PARENT = `projects/${PROJECT}/locations/${LOCATION}`;

export function tempDir(prefix = 'tasuki-tasks-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function clientFor(port: number): CloudTasksClient {
  return new CloudTasksClient({
    servicePath: '127.0.0.1',
    port,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: PROJECT,
    universeDomain: 'googleapis.com',
  });
}

export type EmulatorHandle = {
  emulator: TasksEmulator;
  client: CloudTasksClient;
  issuer: LocalIssuer;
  dataDir: string;
  /** Closes client and emulator (the data folder stays for a restart). */
  stop(): Promise<void>;
  /** stop() and remove the data folder. */
  dispose(): Promise<void>;
};

export async function startEmulator(opts: Partial<TasksEmulatorOptions> = {}): Promise<EmulatorHandle> {
  const dataDir = opts.dataDir ?? tempDir();
  const issuer = opts.issuer ?? LocalIssuer.open(dataDir);
  const emulator = await startTasksEmulator({ logger: createLogger({ level: 'silent' }), ...opts, dataDir, issuer });
  const client = clientFor(emulator.port);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await client.close();
    await emulator.close();
  };
  return {
    emulator,
    client,
    issuer,
    dataDir,
    stop,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type RecordedRequest = {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
};

export type Reply = {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Answer only once this settles (the test decides when). */
  holdUntil?: Promise<unknown>;
};

export type Target = {
  url: string;
  requests: RecordedRequest[];
  /** Resolves when at least `n` requests have arrived. */
  waitFor(n: number): Promise<RecordedRequest[]>;
  /** Requests currently being answered (for concurrency checks). */
  maxConcurrent: number;
  close(): Promise<void>;
};

/** An HTTP server that records requests; `reply(i, req)` picks the answer to the i-th request. */
export async function startTarget(reply: (index: number, req: RecordedRequest) => Reply = () => ({ status: 200 })): Promise<Target> {
  const requests: RecordedRequest[] = [];
  const waiters: { n: number; resolve: (r: RecordedRequest[]) => void }[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let current = 0;
  const target: Target = { url: '', requests, maxConcurrent: 0, waitFor, close };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      const index = requests.length;
      requests.push(rec);
      current += 1;
      target.maxConcurrent = Math.max(target.maxConcurrent, current);
      for (const w of [...waiters]) {
        if (requests.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(requests.slice());
        }
      }
      const r = reply(index, rec);
      const answer = () => {
        current -= 1;
        if (res.destroyed) return;
        res.writeHead(r.status, r.headers).end();
      };
      if (r.holdUntil) {
        void r.holdUntil.then(answer, answer);
      } else if (r.delayMs) {
        const t = setTimeout(() => {
          pendingTimers.delete(t);
          answer();
        }, r.delayMs);
        pendingTimers.add(t);
      } else {
        answer();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function waitFor(n: number): Promise<RecordedRequest[]> {
    if (requests.length >= n) return Promise.resolve(requests.slice());
    return new Promise((resolve) => waiters.push({ n, resolve }));
  }
  async function close(): Promise<void> {
    for (const t of pendingTimers) clearTimeout(t);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return target;
}

/** Waits until `check` returns a value other than undefined, polling `get` every few ms. */
export async function eventually<T>(get: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
