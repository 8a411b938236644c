/**
 * Standalone Cloud Tasks emulator: `npm run emulator -- [options]`. Prints the address and the
 * CloudTasksClient options to use, runs until SIGINT/SIGTERM, then finishes (or aborts, after a
 * grace period) the attempts in flight and closes its database. Usable without the rest of
 * tasuki; see README.md next to this file.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createLogger } from '../../service/logger.js';
import { LocalIssuer } from '../issuer.js';
import { startTasksEmulator } from './emulator.js';

const HELP = `Cloud Tasks emulator (google.cloud.tasks.v2 over gRPC)

Usage: npm run emulator -- [options]

  --port <n>            gRPC port (0 = any free port)     env TASKS_EMULATOR_PORT   default 8123
  --host <addr>         address to bind                   env TASKS_EMULATOR_HOST   default 127.0.0.1
  --data-dir <dir>      state (tasks-emulator.sqlite) and OIDC signing keys
                                                          env TASUKI_DATA_DIR       default .tasuki
  --dedupe-window <s>   seconds an executed/deleted task name stays reserved         default 3600
  --deleted-queue-hold <s>  seconds a deleted queue's name cannot be reused (Google: 604800)  default 0
  --time-scale <x>      multiply backoffs, Retry-After, deadlines (e.g. 0.1)          default 1
  --commit-window <ms>  how long dispatch bookkeeping may wait to share a commit      default 20
  --log-level <level>   pino level (debug shows every attempt)  env LOG_LEVEL       default info
  -h, --help

TASUKI_TASKS_EMULATOR=host:port, if set, gives the default host and port.
`;

function fail(message: string): never {
  process.stderr.write(`tasks-emulator: ${message}\n\n${HELP}`);
  process.exit(2);
}

function num(name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) fail(`${name} "${raw}" is not valid`);
  return n;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'dedupe-window': { type: 'string' },
        'time-scale': { type: 'string' },
        'commit-window': { type: 'string' },
        'deleted-queue-hold': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  const env = process.env;
  const fromTasuki = /^(.+):(\d+)$/.exec(env.TASUKI_TASKS_EMULATOR ?? '');
  const host = args.host ?? env.TASKS_EMULATOR_HOST ?? fromTasuki?.[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1';
  const port = num('--port', args.port ?? env.TASKS_EMULATOR_PORT ?? fromTasuki?.[2], 8123, (n) => Number.isInteger(n) && n >= 0 && n <= 65535);
  const dataDir = resolve(args['data-dir'] ?? env.TASUKI_DATA_DIR ?? '.tasuki');
  const dedupeSeconds = num('--dedupe-window', args['dedupe-window'], 3600, (n) => n >= 0);
  const holdSeconds = num('--deleted-queue-hold', args['deleted-queue-hold'], 0, (n) => n >= 0);
  const timeScale = num('--time-scale', args['time-scale'], 1, (n) => n > 0);
  const commitWindowMs = num('--commit-window', args['commit-window'], 20, (n) => n >= 0);
  const logger = createLogger({ level: args['log-level'] ?? env.LOG_LEVEL ?? 'info' });

  const emulator = await startTasksEmulator({
    host,
    port,
    dataDir,
    issuer: LocalIssuer.open(dataDir),
    logger,
    dedupeWindowMs: dedupeSeconds * 1000,
    deletedQueueHoldMs: holdSeconds * 1000,
    timeScale,
    commitWindowMs,
  });
  const clientHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  process.stdout.write(
    [
      `Cloud Tasks emulator listening on ${emulator.address} (data: ${dataDir})`,
      '',
      'Point the official client at it:',
      `  new CloudTasksClient({ servicePath: '${clientHost}', port: ${emulator.port}, sslCreds: grpc.credentials.createInsecure(),`,
      `                         projectId: 'my-project', universeDomain: 'googleapis.com' })   // grpc from google-gax`,
      `tasuki: TASUKI_TASKS_EMULATOR=${clientHost.includes(':') ? `[${clientHost}]` : clientHost}:${emulator.port}`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'tasks-emulator: shutting down');
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'tasks-emulator: shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`tasks-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
