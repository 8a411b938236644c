/**
 * `npm run bench`: tasuki's speed and memory targets, measured on this machine and printed as one
 * JSON document (progress goes to stderr). These are measurements, not tests: nothing here
 * fails on a number; each entry carries its target and whether it was met.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../service/logger.js';
import { startStack } from '../local/stack.js';
import { startSandbox } from '../local/sandbox/sandbox.js';
import { startTasksEmulator } from '../local/tasks-emulator/emulator.js';
import { LocalIssuer } from '../local/issuer.js';
import { benchAddonBundle } from './addonBundle.js';
import { benchEnqueueLatency } from './enqueueLatency.js';
import { benchGmailTrigger } from './gmailTrigger.js';
import { benchLocalStackMemory } from './localStackMemory.js';
import { benchProjectCreate } from './projectCreate.js';
import { benchTimeToReady } from './timeToReady.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const note = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const results: Record<string, unknown> = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length, at: new Date().toISOString() },
};

if (wanted('ready')) {
  note('time-to-ready and idle RSS of the service vs bare Express…');
  // The service's peers (emulator, sandbox) run in this process, not in the measured one.
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-bench-peers-'));
  const issuer = LocalIssuer.open(dataDir);
  const logger = createLogger({ level: 'silent' });
  const sandbox = await startSandbox({ dataDir, issuer, logger });
  const emulator = await startTasksEmulator({ dataDir, issuer, logger });
  try {
    results.timeToReady = await benchTimeToReady({
      root: ROOT,
      serviceEnv: { TASUKI_GOOGLE_ROOT_URL: sandbox.url, TASUKI_TASKS_EMULATOR: emulator.address },
    });
  } finally {
    await emulator.close();
    await sandbox.close();
  }
}

if (wanted('enqueue')) {
  note('enqueue latency at 50 requests/s…');
  const stack = await startStack({ dataDir: mkdtempSync(join(tmpdir(), 'tasuki-bench-enqueue-')), consolePort: 0, servicePort: 0, emulatorPort: 0, logger: createLogger({ level: 'silent' }) });
  try {
    results.enqueueLatency = await benchEnqueueLatency(stack);
  } finally {
    await stack.close();
  }
}

if (wanted('stack')) {
  note('idle RSS of the whole local stack (npm start)…');
  results.localStackMemory = await benchLocalStackMemory(ROOT);
}

if (wanted('bundle')) {
  note('add-on bundle size…');
  results.addonBundle = benchAddonBundle(ROOT);
}

if (wanted('gmail')) {
  note('Gmail contextual trigger on a long thread through the Apps Script shim…');
  results.gmailTrigger = await benchGmailTrigger();
}

if (wanted('project')) {
  note('project.create throughput with 200 ms per Google call…');
  results.projectCreate = await benchProjectCreate();
}

process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
