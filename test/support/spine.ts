/**
 * Test harness for the service spine: the real app (createApp) listening on a random port, a real
 * SQLite store in a temp folder, the real Cloud Tasks emulator over gRPC delivering to the app,
 * a LocalIssuer minting the tokens, and its JWKS served over HTTP at /oauth2/v3/certs (so token
 * verification runs its production code path: createRemoteJWKSet over HTTP).
 *
 * The reply port is a recorder (tests check what would be posted, and when); the Workspace
 * implementation of it has its own test against the sandbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalIssuer } from '../../local/issuer.js';
import { startTasksEmulator, type TasksEmulator } from '../../local/tasks-emulator/emulator.js';
import { createApp, type TasukiApp } from '../../service/app.js';
import { loadConfig, type Config } from '../../service/config.js';
import { buildDeps, type BuiltDeps } from '../../service/deps.js';
import type { GoogleClients } from '../../service/google/clients.js';
import { handlerRegistry } from '../../service/jobs/registry.js';
import type { HandlerRegistry } from '../../service/worker/jobHandler.js';
import { createLogger } from '../../service/logger.js';
import { ReplyFailure, type ReplyPort } from '../../service/reply/replyPort.js';
import { createStore } from '../../service/store/createStore.js';
import type { Store } from '../../service/store/store.js';
import type { JobRecord } from '../../shared/job.js';

export const USER = 'aiko@example.co.jp';
export const OTHER_USER = 'ken@example.co.jp';

export function tempDir(prefix = 'tasuki-spine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Serves `issuer`'s public keys at /oauth2/v3/certs, as the sandbox (and Google) do. */
export async function startJwksServer(issuer: LocalIssuer): Promise<{ url: string; close(): Promise<void> }> {
  const jwks = JSON.stringify(await issuer.jwks());
  const server = http.createServer((req, res) => {
    if (req.url === '/oauth2/v3/certs') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else {
      res.writeHead(404).end();
    }
  });
  return { url: await listen(server), close: () => closeServer(server) };
}

export type ReplyCall = { type: 'progress' | 'finished'; jobId: string; status: JobRecord['status']; generation: number; progress?: JobRecord['progress'] };

/**
 * A ReplyPort that records calls; `failFinished` makes the next N `finished` calls throw (a
 * Google 503), `refuseFinished` makes every `finished` throw a permanent ReplyFailure (space gone).
 */
export class RecordingReply implements ReplyPort {
  readonly calls: ReplyCall[] = [];
  failFinished = 0;
  refuseFinished = false;
  finishedAttempts = 0;

  async progress(job: JobRecord): Promise<void> {
    this.calls.push({ type: 'progress', jobId: job.id, status: job.status, generation: job.generation, ...(job.progress ? { progress: job.progress } : {}) });
  }

  /** The wait each `finished` call allowed for a busy target (undefined: the port's default). */
  readonly finishedWaits: Array<number | undefined> = [];

  async finished(job: JobRecord, opts: { maxWaitMs?: number } = {}): Promise<void> {
    this.finishedAttempts++;
    this.finishedWaits.push(opts.maxWaitMs);
    if (this.refuseFinished) throw new ReplyFailure({ permanent: true, code: 'reply_target_gone', message: '404 Space spaces/gone not found (test)' });
    if (this.failFinished > 0) {
      this.failFinished--;
      throw Object.assign(new Error('Chat is unavailable (test)'), { response: { status: 503 } });
    }
    this.calls.push({ type: 'finished', jobId: job.id, status: job.status, generation: job.generation });
  }

  finishedFor(jobId: string): ReplyCall[] {
    return this.calls.filter((c) => c.type === 'finished' && c.jobId === jobId);
  }
}

/** Google clients for tests whose jobs never touch Google: any use is a test bug, said loudly. */
const noGoogle = new Proxy({} as GoogleClients, {
  get(_target, prop) {
    if (prop === 'then') return undefined; // not a thenable (it is returned from an async function)
    throw new Error(`this test's jobs must not use Google (accessed google.${String(prop)})`);
  },
});

export type SpineOptions = {
  handlers?: HandlerRegistry;
  /** TASUKI_QUEUE_MAX_ATTEMPTS (the queue and the worker agree on it). Default 5. */
  maxAttempts?: number;
  /** Emulator time scale: multiplies backoffs, Retry-After and deadlines. Default 0.2 (1 s backoff → 200 ms). */
  timeScale?: number;
  dispatchDeadlineSeconds?: number;
  cancelPollMs?: number;
  env?: Record<string, string>;
};

export type Spine = {
  url: string;
  app: TasukiApp;
  deps: BuiltDeps;
  config: Config;
  store: Store;
  issuer: LocalIssuer;
  emulator: TasksEmulator;
  reply: RecordingReply;
  dataDir: string;
  /** An add-on ID token for `email` (aud = the script client id). */
  userToken(email?: string, opts?: { emailVerified?: boolean; ttlSeconds?: number; aud?: string }): Promise<string>;
  /** A Cloud Tasks OIDC token (aud = the service URL, email = the invoker). */
  taskToken(opts?: { email?: string; aud?: string }): Promise<string>;
  /** Polls the store until `until(job)` holds. */
  waitForJob(id: string, until: (job: JobRecord) => boolean, what?: string, timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
};

export async function startSpine(opts: SpineOptions = {}): Promise<Spine> {
  const dataDir = tempDir();
  const issuer = LocalIssuer.open(dataDir);
  const log = createLogger({ level: 'silent' });
  const jwks = await startJwksServer(issuer);
  const emulator = await startTasksEmulator({ dataDir, issuer, logger: log, timeScale: opts.timeScale ?? 0.2 });
  // Listen first: the service URL (the tasks' target and OIDC audience) must be in the config.
  const server = http.createServer();
  const url = await listen(server);
  const config = loadConfig({
    TASUKI_MODE: 'local',
    TASUKI_DATA_DIR: dataDir,
    TASUKI_SERVICE_URL: url,
    TASUKI_TASKS_EMULATOR: emulator.address,
    TASUKI_GOOGLE_ROOT_URL: jwks.url,
    TASUKI_QUEUE_MAX_ATTEMPTS: String(opts.maxAttempts ?? 5),
    TASUKI_DISPATCH_DEADLINE_SECONDS: String(opts.dispatchDeadlineSeconds ?? 60),
    TASUKI_ALLOWED_DOMAINS: 'example.co.jp',
    TASUKI_ALLOWED_EMAILS: 'partner@example.com',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const store = createStore(config, log);
  const reply = new RecordingReply();
  const deps = await buildDeps(config, log, {
    store,
    reply,
    google: async () => noGoogle,
    handlers: opts.handlers ?? handlerRegistry(),
    cancelPollMs: opts.cancelPollMs ?? 50,
  });
  await deps.queue.ensureQueue();
  const app = createApp(deps);
  server.on('request', app);

  return {
    url,
    app,
    deps,
    config,
    store,
    issuer,
    emulator,
    reply,
    dataDir,
    userToken: (email = USER, o = {}) =>
      issuer.mintIdToken({ aud: o.aud ?? config.scriptClientId, email, ...(o.emailVerified !== undefined ? { emailVerified: o.emailVerified } : {}), ...(o.ttlSeconds !== undefined ? { ttlSeconds: o.ttlSeconds } : {}) }),
    taskToken: (o = {}) => issuer.mintIdToken({ aud: o.aud ?? config.serviceUrl, email: o.email ?? config.invokerServiceAccount }),
    async waitForJob(id, until, what = 'the job', timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: JobRecord | null = null;
      for (;;) {
        last = await store.getJob(id);
        if (last && until(last)) return last;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; job is ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await emulator.close();
      await closeServer(server);
      await deps.close();
      await jwks.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
