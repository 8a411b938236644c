/**
 * `npm run bench`: tasuki's speed and memory targets, measured on this machine and printed as one
 * JSON document (progress goes to stderr). These are measurements, not tests: nothing here
 * fails on a number; each entry carries its target and whether it was met.
 *
 *   npm run bench                         every benchmark below except the long ones (emulator, w1)
 *   npm run bench -- ready enqueue        only those
 *   npm run bench -- emulator --jobs 2000 --concurrency 200
 *   npm run bench -- w1 --jobs 1000 --concurrency 80        (bench/w1.ts)
 *   npm run bench -- cost --jobs 300                        (bench/jobCosts.ts; the table also goes to stderr)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../service/logger.js';
import { startSandbox } from '../local/sandbox/sandbox.js';
import { startTasksEmulator } from '../local/tasks-emulator/emulator.js';
import { LocalIssuer } from '../local/issuer.js';
import { benchAddonBundle } from './addonBundle.js';
import { benchEmulatorCost } from './emulatorCost.js';
import { benchW1 } from './w1.js';
import { benchJobCosts, costTable } from './jobCosts.js';
import { benchEnqueueLatency } from './enqueueLatency.js';
import { benchGmailTrigger } from './gmailTrigger.js';
import { benchLocalStackMemory } from './localStackMemory.js';
import { benchProjectCreate } from './projectCreate.js';
import { benchTimeToReady } from './timeToReady.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = ['ready', 'enqueue', 'stack', 'bundle', 'gmail', 'project', 'emulator', 'w1', 'cost'];
/** Run only when named: they take minutes. */
const ON_REQUEST = new Set(['emulator', 'w1', 'cost']);
const USAGE = `usage: npm run bench -- [${BENCHES.join('|')}]... [--jobs N] [--concurrency C]`;
let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { jobs: { type: 'string' }, concurrency: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
}
try {
  args = parse();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
}
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const unknown = args.positionals.filter((p) => !BENCHES.includes(p));
if (unknown.length) {
  process.stderr.write(`bench: no benchmark named ${unknown.join(', ')}\n${USAGE}\n`);
  process.exit(2);
}
/** A positive integer option, or the default. */
function count(name: 'jobs' | 'concurrency', fallback: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench: --${name} must be a positive integer (got "${raw}")\n`);
    process.exit(2);
  }
  return n;
}
const only = new Set(args.positionals);
const wanted = (name: string) => (only.size === 0 ? !ON_REQUEST.has(name) : only.has(name));
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
  note('enqueue latency at 50 and 200 requests/s…');
  results.enqueueLatency = await benchEnqueueLatency();
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

if (wanted('emulator')) {
  const tasks = count('jobs', 1000);
  const concurrency = count('concurrency', 80);
  note(`Cloud Tasks emulator CPU per task: ${tasks} tasks, ${concurrency} in flight, 600 ms each…`);
  results.emulatorCost = await benchEmulatorCost({ tasks, concurrency });
}

if (wanted('w1')) {
  const jobs = count('jobs', 1000);
  const concurrency = count('concurrency', 80);
  note(`W1 (three sequential 200 ms GETs) through the local stack: ${jobs} jobs, C = ${concurrency}…`);
  results.w1 = await benchW1({ jobs, concurrency });
}

if (wanted('cost')) {
  const costs = await benchJobCosts({ jobs: count('jobs', 300), concurrency: count('concurrency', 80) });
  results.costPer1000Jobs = costs;
  note(`production cost per 1,000 jobs:\n${costTable(costs, costs.prices.readOn)}`);
}

process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
