/**
 * `npm run chaos:repro` — issue 9's minimal reproduction of a stranded job, as a script: the stack
 * with TASUKI_QUEUE_MAX_ATTEMPTS=3 and a fast emulator clock, one `system.echo` with a 5 s delay
 * replying in the team space, the service SIGKILLed 1.5 s after the enqueue, kept down 20 s,
 * started again; then it watches the job (from the store's file) and its Chat message (from the
 * sandbox) until both show the same terminal state, or the watch ends. Prints one JSON object:
 * the status timeline (seconds after the restart), the end state, what Chat shows, and `ok`
 * (ended and reported). Exit 0 when ok, 1 when not, 2 when the run itself failed.
 *
 *   npm run chaos:repro                            # time scale 0.1, watch 150 s
 *   npm run chaos:repro -- --time-scale 0.05 --watch 300 --down 20
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { replyMessagesOf, statusShown } from '../local/chaos/checks.js';
import { readWorkspace } from '../local/chaos/sandboxReader.js';
import { openStoreReader } from '../local/chaos/storeReader.js';
import { LocalIssuer } from '../local/issuer.js';
import { startStack, type Stack } from '../local/stack.js';
import { loadConfig } from '../service/config.js';
import { createLogger } from '../service/logger.js';

const { values } = parseArgs({
  options: { 'time-scale': { type: 'string' }, watch: { type: 'string' }, down: { type: 'string' }, keep: { type: 'boolean' } },
});
const timeScale = Number(values['time-scale'] ?? 0.1);
const watchSeconds = Number(values.watch ?? 150);
const downSeconds = Number(values.down ?? 20);
if (!(timeScale > 0) || !(watchSeconds > 0) || !(downSeconds >= 0)) {
  process.stderr.write('chaos:repro: --time-scale and --watch must be positive numbers, --down at least 0\n');
  process.exit(2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-chaos-repro-'));
let stack: Stack | undefined;
process.on('exit', () => {
  try {
    if (stack && stack.servicePid > 0) process.kill(stack.servicePid, 'SIGKILL');
  } catch {
    // gone
  }
});
const hard = setTimeout(() => {
  process.stderr.write('chaos:repro: hard timeout\n');
  process.exit(2);
}, (watchSeconds + downSeconds + 180) * 1000);
hard.unref();

let ok = false;
try {
  stack = await startStack({
    dataDir,
    consolePort: 0,
    servicePort: 0,
    emulatorPort: 0,
    emulatorTimeScale: timeScale,
    logger: createLogger({ level: 'silent' }),
    serviceLogs: join(dataDir, 'logs', 'service.log'),
    serviceEnv: { TASUKI_QUEUE_MAX_ATTEMPTS: '3', LOG_LEVEL: 'info' },
  });
  const config = loadConfig({ TASUKI_DATA_DIR: dataDir });
  const token = await LocalIssuer.open(dataDir).mintIdToken({ aud: config.scriptClientId, email: 'sato@example.co.jp' });
  const res = await fetch(`${stack.serviceUrl}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ kind: 'system.echo', input: { message: 'repro', delayMs: 5000 }, reply: { chat: { space: config.chatSpace } }, locale: 'ja' }),
  });
  if (res.status !== 202) throw new Error(`enqueue answered ${res.status}: ${await res.text()}`);
  const jobId = ((await res.json()) as { job: { id: string } }).job.id;
  await sleep(1500);
  const store = openStoreReader(dataDir);
  const statusAtKill = store.jobs().find((j) => j.id === jobId)?.status;
  await stack.killService();
  await sleep(downSeconds * 1000);
  await stack.startService();
  const restartedAt = Date.now();

  const timeline: Array<{ s: number; status: string; attempts?: number; generation?: number; report?: string; chat: string }> = [];
  let last = '';
  let end: { status: string; error?: unknown; chat: string } | undefined;
  while (Date.now() - restartedAt < watchSeconds * 1000) {
    const job = store.jobs().find((j) => j.id === jobId)!;
    const ws = await readWorkspace(stack.sandboxUrl, { ledgerSpreadsheetId: config.ledgerSpreadsheetId, scheduleSpreadsheetId: config.scheduleSpreadsheetId, calendarId: config.calendarId });
    const messages = replyMessagesOf(ws.chatMessages, jobId, config.chatSpace);
    const chat = messages.length === 0 ? 'no message' : messages.map((m) => statusShown(m, job.locale) ?? 'no status').join(', ');
    const key = `${job.status}|${job.attempts}|${job.generation}|${job.report?.state}|${chat}`;
    if (key !== last) {
      last = key;
      timeline.push({
        s: Math.round((Date.now() - restartedAt) / 100) / 10,
        status: job.status,
        ...(job.attempts !== undefined ? { attempts: job.attempts } : {}),
        ...(job.generation !== undefined ? { generation: job.generation } : {}),
        ...(job.report?.state ? { report: job.report.state } : {}),
        chat,
      });
    }
    end = { status: job.status, ...(job.error ? { error: job.error } : {}), chat };
    if (['succeeded', 'failed', 'canceled'].includes(job.status) && chat === job.status) {
      ok = true;
      break;
    }
    await sleep(500);
  }
  store.close();
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a checkout
  }
  process.stdout.write(
    `${JSON.stringify({ commit, at: new Date().toISOString(), timeScale, downSeconds, watchSeconds, jobId, statusAtKill, timeline, end, endedAndReportedAfterRestartS: ok ? timeline.at(-1)!.s : null, ok }, null, 2)}\n`,
  );
} catch (err) {
  process.stderr.write(`chaos:repro: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
} finally {
  await stack?.close().catch(() => {});
  if (values.keep) process.stderr.write(`chaos:repro: data kept in ${dataDir}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
}
if (process.exitCode !== 2) process.exitCode = ok ? 0 : 1;
