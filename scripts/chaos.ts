/**
 * `npm run chaos` — issue 9's chaos suite: runs the whole local stack with the production queue
 * settings, SIGKILLs the service every few seconds, stops the emulator once, makes every Google
 * API fail at a rate, enqueues a mix of every job kind, then waits and checks from the job store
 * and the sandbox (local/chaos/chaosRun.ts, rules in local/chaos/checks.ts). Prints ONE JSON
 * summary on stdout (progress goes to stderr) and exits 0 only when the run is clean:
 *
 *   exit 0  no stranded, unreported, duplicated or lost job; no unexplained number gap; every
 *           failed job with a code and a readable message (`refused`, requests the service did
 *           not take within a minute, is reported: the requester saw an error, nothing was silent)
 *   exit 1  any of those counts is not zero
 *   exit 2  bad arguments, the run crashed, or it hit the hard timeout
 *
 *   npm run chaos                          # 60 jobs, 45 s of chaos
 *   npm run chaos -- --jobs 1000           # the full run (chaos window scales with the jobs)
 *   npm run chaos -- --seed 7 --fault-rate 0.2 --kill-min 1 --kill-max 3
 *
 * Options: --jobs N (60) · --seed S (random; printed) · --kill-min/--kill-max seconds of uptime
 * between SIGKILLs (2, 6) · --fault-rate 0..1 of Google calls failing (0.1) · --chaos-seconds
 * (0.6 × jobs, at least 45, at most 600) · --quiesce-timeout seconds to wait after the chaos (600,
 * or 180 under 100 jobs) · --timeout hard limit for the whole run in seconds (startup + chaos +
 * quiesce + 180) · --no-emulator-restart · --keep (keep the data folder even when clean) · --json
 * (accepted for clarity: the summary is always JSON).
 */
import { parseArgs } from 'node:util';
import { runChaos, type ChaosOptions } from '../local/chaos/chaosRun.js';

function fail(message: string): never {
  process.stderr.write(`chaos: ${message}\n`);
  process.exit(2);
}

function numberOption(values: Record<string, unknown>, name: string, fallback: number, check: (n: number) => boolean, rule: string): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) fail(`--${name} must be ${rule} (got "${String(raw)}")`);
  return n;
}

const { values } = parseArgs({
  options: {
    jobs: { type: 'string' },
    seed: { type: 'string' },
    'kill-min': { type: 'string' },
    'kill-max': { type: 'string' },
    'fault-rate': { type: 'string' },
    'chaos-seconds': { type: 'string' },
    'quiesce-timeout': { type: 'string' },
    timeout: { type: 'string' },
    'no-emulator-restart': { type: 'boolean' },
    keep: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
  allowPositionals: false,
});

if (values.help) {
  process.stdout.write('usage: npm run chaos -- [--jobs N] [--seed S] [--kill-min s] [--kill-max s] [--fault-rate r] [--chaos-seconds s] [--quiesce-timeout s] [--timeout s] [--no-emulator-restart] [--keep] [--json]\n');
  process.exit(0);
}

const jobs = numberOption(values, 'jobs', 60, (n) => Number.isInteger(n) && n >= 1 && n <= 5000, 'a whole number from 1 to 5000');
const seed = numberOption(values, 'seed', Math.floor(Math.random() * 2 ** 31), (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0');
const killMin = numberOption(values, 'kill-min', 2, (n) => n > 0, 'a positive number of seconds');
const killMax = numberOption(values, 'kill-max', 6, (n) => n >= killMin, `at least --kill-min (${killMin})`);
const faultRate = numberOption(values, 'fault-rate', 0.1, (n) => n >= 0 && n <= 1, 'between 0 and 1');
// Long enough that most jobs run while the kills go on (they arrive over its first 70%).
const chaosSeconds = numberOption(values, 'chaos-seconds', Math.min(600, Math.max(45, Math.round(jobs * 0.6))), (n) => n >= 1, 'a positive number of seconds');
const quiesceTimeout = numberOption(values, 'quiesce-timeout', jobs < 100 ? 180 : 600, (n) => n >= 1, 'a positive number of seconds');
const hardTimeout = numberOption(values, 'timeout', 120 + chaosSeconds + quiesceTimeout + 180, (n) => n >= 10, 'at least 10 seconds');

const options: ChaosOptions = {
  jobs,
  seed,
  killMinSeconds: killMin,
  killMaxSeconds: killMax,
  faultRate,
  chaosSeconds,
  quiesceTimeoutSeconds: quiesceTimeout,
  emulatorRestart: !values['no-emulator-restart'],
  keepDataDir: values.keep ? 'always' : 'on-failure',
};

const abort = new AbortController();
// The hard timeout: first ask the run to stop (it judges what it has and cleans up), then, if it
// still has not ended a minute later, leave anyway (runChaos's exit hook SIGKILLs the service).
const hard = setTimeout(() => {
  process.stderr.write(`chaos: hard timeout of ${hardTimeout} s reached; stopping\n`);
  abort.abort();
  setTimeout(() => {
    process.stderr.write('chaos: the run did not stop within 60 s of the timeout; exiting\n');
    process.exit(2);
  }, 60_000).unref();
}, hardTimeout * 1000);
hard.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`chaos: ${sig}; stopping\n`);
    abort.abort();
    setTimeout(() => process.exit(2), 30_000).unref();
  });
}

try {
  const summary = await runChaos({ ...options, signal: abort.signal, log: (line) => process.stderr.write(`${line}\n`) });
  clearTimeout(hard);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.exit(summary.aborted ? 2 : summary.ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`chaos: the run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
}
