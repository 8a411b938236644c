/**
 * The local Cloud Tasks emulator: google.cloud.tasks.v2.CloudTasks over gRPC (the protos shipped
 * with @google-cloud/tasks, so the unmodified CloudTasksClient works against it) and over its
 * REST mapping (restServer.ts, what the service speaks), both on one port (listener.ts), plus a
 * dispatcher that delivers HTTP-target tasks like Cloud Tasks does. State lives in
 * `<dataDir>/tasks-emulator.sqlite` and survives restarts; attempts interrupted by a shutdown
 * or crash are dispatched again on the next start.
 *
 *   const emu = await startTasksEmulator({ dataDir, issuer });
 *   new CloudTasksClient({ servicePath: '127.0.0.1', port: emu.port,
 *     sslCreds: grpc.credentials.createInsecure(), projectId, universeDomain: 'googleapis.com' });
 *
 * See README.md in this folder for what is supported and how it differs from Google.
 */
import type { Logger } from '../../service/logger.js';
import { createLogger } from '../../service/logger.js';
import type { LocalIssuer } from '../issuer.js';
import { CloudTasksApi } from './cloudTasksApi.js';
import { Dispatcher } from './dispatcher.js';
import { createGrpcServer } from './grpcServer.js';
import { listenGrpcAndRest, type DualListener } from './listener.js';
import { restHandler } from './restServer.js';
import { StateStore } from './stateStore.js';

export type TasksEmulatorOptions = {
  /** 0 = a free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Folder of tasks-emulator.sqlite. */
  dataDir: string;
  /** Signs the OIDC tokens of tasks that carry oidcToken. */
  issuer: LocalIssuer;
  logger?: Logger;
  /** How long an executed or deleted task name answers ALREADY_EXISTS. Default 1 h, as Google. */
  dedupeWindowMs?: number;
  /** How long a deleted queue's name cannot be reused. Default 0 (Google: 7 days). */
  deletedQueueHoldMs?: number;
  /** Multiplies backoffs, Retry-After, dispatch deadlines and max retry duration. Default 1. */
  timeScale?: number;
  /** On close(), how long attempts in flight may finish before they are aborted. Default 5 s. */
  closeGraceMs?: number;
  /**
   * How long the dispatcher's own writes may wait to share one SQLite commit (RPCs never wait
   * for it: they are answered as soon as their writes are committed). Default 20 ms.
   */
  commitWindowMs?: number;
};

export type TasksEmulator = {
  port: number;
  /** host:port, for TASUKI_TASKS_EMULATOR. */
  address: string;
  close(): Promise<void>;
};

const SWEEP_INTERVAL_MS = 10 * 60_000;

export async function startTasksEmulator(opts: TasksEmulatorOptions): Promise<TasksEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const logger = opts.logger ?? createLogger({ level: 'silent' });
  const dedupeWindowMs = opts.dedupeWindowMs ?? 3_600_000;
  const timeScale = opts.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`startTasksEmulator: timeScale must be a positive number (got ${timeScale})`);
  if (opts.commitWindowMs !== undefined && !(opts.commitWindowMs >= 0)) throw new Error(`startTasksEmulator: commitWindowMs must be >= 0 (got ${opts.commitWindowMs})`);
  if (!(dedupeWindowMs >= 0)) throw new Error(`startTasksEmulator: dedupeWindowMs must be >= 0 (got ${dedupeWindowMs})`);

  const store = StateStore.open(opts.dataDir, {
    onCommitError: (err) => logger.error({ err }, 'tasks-emulator: a commit failed; its writes were rolled back'),
    ...(opts.commitWindowMs !== undefined ? { commitWindowMs: opts.commitWindowMs } : {}),
  });
  store.sweep(Date.now());
  const dispatcher = new Dispatcher({ store, issuer: opts.issuer, logger, dedupeWindowMs, timeScale });
  const api = new CloudTasksApi({ store, dispatcher, logger, dedupeWindowMs, deletedQueueHoldMs: opts.deletedQueueHoldMs ?? 0 });
  const whenDurable = (cb: (err?: Error) => void) => store.whenDurable(cb);
  let listener: DualListener;
  try {
    listener = await listenGrpcAndRest(createGrpcServer(api, whenDurable, logger), restHandler(api, whenDurable, logger), host, opts.port ?? 0);
  } catch (err) {
    store.close();
    throw new Error(`tasks emulator: cannot listen on ${host}:${opts.port ?? 0}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const recovered = store.recoverInterrupted();
  if (recovered) logger.info({ recovered }, 'tasks-emulator: attempts interrupted by the last shutdown will be dispatched again');
  const sweeper = setInterval(() => store.sweep(Date.now()), SWEEP_INTERVAL_MS);
  sweeper.unref();
  dispatcher.kick(); // tasks left from the previous run
  const { port } = listener;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ address, dataDir: opts.dataDir }, 'tasks-emulator: listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    address,
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        // Clients may keep channels open; give calls a moment, then cut them.
        await listener.close(1000);
        await dispatcher.close(opts.closeGraceMs ?? 5000);
        store.close();
      })();
      return closing;
    },
  };
}
