/**
 * `npm run abuse` — issue 10's abuse suite (local/abuse/abuseRun.ts): the local stack with the
 * service in this process, attacked with malformed bodies, forged tokens, cross-user access,
 * reply targets the user may not use, text-injection strings in every user field and SSRF
 * targets. Everything is sent to loopback only; private, link-local and public addresses go
 * through a stub resolver and the guard. Prints ONE JSON summary on stdout (progress on stderr):
 *
 *   exit 0  nothing accepted, no 5xx, nothing recorded from invalid or unauthorized requests, no
 *           forbidden connection, no post to a space the requester is not a member of, no
 *           injection string turned into markup
 *   exit 1  any of those is not zero
 *   exit 2  bad arguments, the run crashed, or it hit the time limit
 *
 *   npm run abuse                       # ≥ 10,000 requests
 *   npm run abuse -- --requests 500 --seed 7 --concurrency 8 --timeout 300
 */
import { parseArgs } from 'node:util';
import { runAbuse } from '../local/abuse/abuseRun.js';

function fail(message: string): never {
  process.stderr.write(`abuse: ${message}\n`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      requests: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

if (values.help) {
  process.stdout.write('usage: npm run abuse -- [--requests N (10000)] [--seed S (random)] [--concurrency C (16)] [--timeout seconds (900)]\n');
  process.exit(0);
}

function whole(name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max} (got "${String(raw)}")`);
  return n;
}

const requests = whole('requests', 10_000, 1, 1_000_000);
const seed = whole('seed', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 32 - 1);
const concurrency = whole('concurrency', 16, 1, 256);
const timeoutSeconds = whole('timeout', 900, 10, 86_400);

const timer = setTimeout(() => fail(`the run did not finish within --timeout ${timeoutSeconds} s`), timeoutSeconds * 1000);
timer.unref();
process.stderr.write(`abuse: ${requests} requests, seed ${seed}\n`);
try {
  const summary = await runAbuse({ requests, seed, concurrency, log: (line) => process.stderr.write(`abuse: ${line}\n`) });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.exit(summary.ok ? 0 : 1);
} catch (err) {
  fail(`the run crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}
