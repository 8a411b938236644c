/**
 * Builds what the app runs on (AppDeps) from the configuration, cheaply: start-up only opens the
 * job store and prepares token verification (the JWKS is fetched on the first token). The Cloud
 * Tasks transport and credentials, the Google API clients and the job handlers load on first use,
 * and `warm()` loads the queue's in the background once the server is ready, so a cold Cloud Run
 * instance answers /healthz about as fast as a bare Express app and the first enqueue still does
 * not pay for them.
 */
import type { JWTVerifyGetKey } from 'jose';
import { loadJose, type TokenTrust } from './auth/tokenVerifier.js';
import { tokenTrust } from './auth/trust.js';
import type { Config } from './config.js';
import { handlerRegistry } from './jobs/registry.js';
import type { GoogleClients } from './google/clients.js';
import type { HandlerRegistry } from './worker/jobHandler.js';
import type { Logger } from './logger.js';
import type { JobQueue } from './queue/queue.js';
import type { ReplyPort } from './reply/replyPort.js';
import type { Store } from './store/store.js';
import { createCloudTasksQueue } from './queue/cloudTasksQueue.js';
import { WorkspaceReply } from './reply/workspaceReply.js';

/** What the app (app.ts) runs on; buildDeps below builds it from the configuration. */
export type AppDeps = {
  config: Config;
  log: Logger;
  store: Store;
  queue: JobQueue;
  reply: ReplyPort;
  handlers: HandlerRegistry;
  /** Google clients, loaded on first call. */
  google: () => Promise<GoogleClients>;
  trust: TokenTrust;
  now?: () => Date;
  /** How often a running job re-reads its record for a cancel request (ms). */
  cancelPollMs?: number;
};

export type DepsOverrides = Partial<Omit<AppDeps, 'config' | 'log' | 'trust'>> & {
  /** Key source for token verification (tests: a JWKS of a LocalIssuer). */
  jwks?: JWTVerifyGetKey;
};

export type BuiltDeps = AppDeps & {
  /** Loads slow clients ahead of their first use; call after the server is listening. */
  warm(): Promise<void>;
  close(): Promise<void>;
};

/** Memoizes an async loader; a failed load is retried on the next call. */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

export async function buildDeps(config: Config, log: Logger, overrides: DepsOverrides = {}): Promise<BuiltDeps> {
  const { jwks, ...given } = overrides;
  const store = given.store ?? (await import('./store/createStore.js')).createStore(config, log);
  const cloudTasks = given.queue ? undefined : createCloudTasksQueue(config, log);
  const queue = given.queue ?? cloudTasks!;
  const google = given.google ?? lazy(async () => (await import('./google/createGoogleClients.js')).createGoogleClients(config));
  return {
    config,
    log,
    store,
    queue,
    google,
    reply: given.reply ?? new WorkspaceReply({ google, log, display: { ...(config.queueMaxAttempts > 0 ? { maxAttempts: config.queueMaxAttempts } : {}), timeZone: config.timezone }, sheetLocale: config.sheetLocale }),
    handlers: given.handlers ?? handlerRegistry(),
    trust: tokenTrust(config, jwks),
    ...(given.now ? { now: given.now } : {}),
    ...(given.cancelPollMs ? { cancelPollMs: given.cancelPollMs } : {}),
    async warm() {
      await Promise.all([loadJose(), cloudTasks?.warm()]);
    },
    async close() {
      await queue.close();
      await store.close();
    },
  };
}
