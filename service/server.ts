/**
 * The service process: reads the configuration (a bad value stops it with a message naming the
 * variable), builds the dependencies, listens on PORT.
 *
 * Ready fast: nothing slow is loaded before listening (see deps.ts); the Cloud Tasks client and
 * jose are loaded in the background afterwards. In local mode the emulator's queue is created if
 * absent (retried while the emulator is still starting).
 *
 * SIGTERM (Cloud Run gives ~10 s before SIGKILL): stop accepting connections, let in-flight
 * /tasks/run deliveries finish for up to TASUKI_SHUTDOWN_GRACE_MS, then abort what is still
 * running (each records a retryable outcome and answers, so Cloud Tasks redelivers and the job
 * resumes after its last finished step elsewhere), close the store and exit.
 */
import { createServer } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { buildDeps } from './deps.js';
import { createLogger } from './logger.js';

/** After the grace period, how long aborted runs get to record their outcome and answer. */
const ABORT_SETTLE_MS = 2000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger({ level: config.logLevel });
  const deps = await buildDeps(config, log);
  const app = createApp(deps);
  const server = createServer(app);

  server.listen(config.port, () => {
    log.info({ port: config.port, mode: config.mode }, 'tasuki service listening');
    setImmediate(() => {
      deps.warm().catch((err: unknown) => log.warn({ err }, 'could not load the queue client yet; the first enqueue will try again'));
      if (config.mode === 'local') void ensureLocalQueue();
    });
  });

  /** Local mode: create the emulator's queue, retrying while the emulator is still starting. */
  async function ensureLocalQueue(delayMs = 500): Promise<void> {
    try {
      await deps.queue.ensureQueue();
    } catch (err) {
      log.warn({ err, retryInMs: delayMs }, 'could not create the local queue yet');
      setTimeout(() => void ensureLocalQueue(Math.min(delayMs * 2, 10_000)), delayMs).unref();
    }
  }

  let shuttingDown = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal, inFlight: app.worker.inFlightCount, graceMs: config.shutdownGraceMs }, 'shutting down');
    const started = Date.now();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let drained = await app.worker.drain(config.shutdownGraceMs);
    if (!drained) {
      log.warn({ inFlight: app.worker.inFlightCount }, 'grace period over; aborting running jobs (they resume on redelivery)');
      app.worker.abortAll('shutdown');
      drained = await app.worker.drain(ABORT_SETTLE_MS);
    }
    // Other requests in flight (an enqueue, a status read) get what is left of the grace period.
    const left = Math.max(0, config.shutdownGraceMs - (Date.now() - started));
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, Math.min(left, ABORT_SETTLE_MS)))]);
    server.closeAllConnections();
    await deps.close().catch((err: unknown) => log.error({ err }, 'error while closing'));
    log.info({ drained }, 'bye');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`tasuki service failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
