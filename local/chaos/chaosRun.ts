/**
 * One chaos run (issue 9): the whole local stack with the production queue settings, a seeded
 * workload of every job kind enqueued through the HTTP API while the service is SIGKILLed every
 * few seconds, the emulator is stopped and started once, and every Google API answers errors at
 * the fault rate; then the kills and faults stop, the run waits for the jobs to end, and judges
 * from the job store's file and the sandbox's state (checks.ts) — never from the engine's API.
 *
 *   const summary = await runChaos({ jobs: 60, seed: 1 });
 *   summary.ok   // no stranded, unreported, duplicated or lost job; no unexplained gap; every
 *                // failure with a code and a readable message. `refused` (requests the service
 *                // did not take within a minute of retries) is reported but not a failure: the
 *                // person who asked was told, nothing was lost silently.
 *
 * Timeline: start the stack (random ports, its own temp data folder; queue maxAttempts 8,
 * backoff 1 s → 60 s, dispatch deadline 600 s, emulator time scale 1) → snapshot Workspace →
 * faults on, kill loop on, jobs arrive over the first 70% of the chaos window, the emulator goes
 * down for 2–5 s once in the middle → after the window (and every enqueue answered): kills and
 * faults off → poll until every job is terminal and every owed report is visible (quiesced), or
 * the quiesce timeout → 3 s more for late writes → final snapshot → verdict.
 *
 * Processes: the service is a child process of the stack; an exit hook SIGKILLs it if this
 * process ends before close(). Everything listens on 127.0.0.1. The data folder is deleted
 * unless `keepDataDir` says otherwise (its path is in the summary when kept).
 */
import { execFileSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../service/config.js';
import { createLogger } from '../../service/logger.js';
import { LEDGER } from '../../shared/sheetLayouts.js';
import { LocalIssuer } from '../issuer.js';
import { SEED_IDS, SEED_USERS } from '../sandbox/seedData.js';
import { startStack, type Stack } from '../stack.js';
import { judge, type Verdict } from './checks.js';
import { faultDriver } from './faultDriver.js';
import { readWorkspace, type WorkspaceIds, type WorkspaceView } from './sandboxReader.js';
import { seededRandom } from './seededRandom.js';
import { startServiceKiller } from './serviceKiller.js';
import { openStoreReader } from './storeReader.js';
import { enqueueJob, planWorkload, type ChaosSpaces, type EnqueueOutcome, type SeedProject } from './workload.js';

export type ChaosOptions = {
  jobs: number;
  seed: number;
  killMinSeconds: number;
  killMaxSeconds: number;
  faultRate: number;
  /** How long the kills and faults last; jobs arrive over its first 70%. */
  chaosSeconds: number;
  quiesceTimeoutSeconds: number;
  /** Restart the emulator once during the window (default true). */
  emulatorRestart?: boolean;
  keepDataDir?: 'always' | 'on-failure' | 'never';
  /** Aborts the run (the CLI's hard timeout): it stops waiting, judges what is there, cleans up. */
  signal?: AbortSignal;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
};

export type ChaosSummary = Omit<Verdict, 'jobs'> & {
  seed: number;
  commit: string | null;
  startedAt: string;
  options: Omit<ChaosOptions, 'signal' | 'log' | 'keepDataDir'>;
  jobs: number;
  /** Planned jobs the service never accepted within a minute of retries (user requests lost at the door). */
  refused: number;
  /** Accepted job ids the store does not hold. */
  lost: number;
  enqueueRetries: number;
  /** Why enqueue (and cancel) tries failed, counted over all jobs. */
  enqueueErrors: Record<string, number>;
  /** Cancels the requesters sent: accepted, too late (the job had ended), refused otherwise. */
  cancels: { accepted: number; tooLate: number; refused: number };
  kills: number;
  serviceStartFailures: number;
  emulatorRestarts: number;
  emulator: { tasksWhileDown: number; tasksRightAfterRestart: number; statePersisted: boolean } | null;
  faultsInjected: number;
  /** Jobs already terminal when the kills stopped: how much work got done under the chaos itself. */
  endedDuringChaos: number;
  quiesced: boolean;
  timeToQuiesceMs: number | null;
  durationMs: number;
  aborted: boolean;
  refusedExamples: Array<{ index: number; kind: string; refused: string }>;
  dataDir?: string;
  ok: boolean;
};

const ROOT = resolve(import.meta.dirname, '..', '..');

function commitOf(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res) => {
    if (signal?.aborted) return res();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      res();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The spaces replies go to, as an office has them: the team space, two project rooms both users
 * are in, and each user's direct message with the app (sato's is seeded; emma's is made here).
 */
async function officeSpaces(sandboxUrl: string, team: string): Promise<ChaosSpaces> {
  const make = async (body: Record<string, unknown>): Promise<string> => {
    const res = await fetch(`${sandboxUrl}/_sandbox/chat/spaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    if (res.status !== 201 && res.status !== 409) throw new Error(`sandbox: making chat space ${String(body.id)}: ${res.status} ${await res.text()}`);
    return `spaces/${String(body.id)}`;
  };
  const people = [SEED_USERS.sato.email, SEED_USERS.emma.email];
  const rooms = [await make({ id: 'AAAAchaosRoomA', displayName: '案件 A / Project A', members: people }), await make({ id: 'AAAAchaosRoomB', displayName: '案件 B / Project B', members: people })];
  const dms = { [SEED_USERS.sato.email]: SEED_IDS.chatDmSpace, [SEED_USERS.emma.email]: await make({ id: 'AAAAchaosDmEmma', dmWith: SEED_USERS.emma.email }) };
  return { team, rooms, dms };
}

function seededProjects(ws: WorkspaceView): SeedProject[] {
  const rows = ws.sheets.Ledger.rows;
  const col = Math.max(0, (rows[0] ?? []).indexOf(LEDGER.headers[LEDGER.index.projectNumber]!));
  const out: SeedProject[] = [];
  rows.forEach((cells, i) => {
    if (i > 0 && /^P-\d{4}-\d{3,}$/.test((cells[col] ?? '').trim())) out.push({ projectNumber: cells[col]!.trim(), row: i + 1 });
  });
  return out;
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosSummary> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  // The commit under test: read before the stack builds the service, not when the summary is
  // written (main may have moved on during a twenty-minute run).
  const commit = commitOf();
  const signal = opts.signal ?? new AbortController().signal;
  // Every planned job waits on the signal for its arrival time.
  setMaxListeners(opts.jobs + 20, signal);
  const rnd = seededRandom(opts.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-chaos-'));
  const logFile = join(dataDir, 'logs', 'service.log');
  let stack: Stack | undefined;
  // If this process dies before close(), do not leave the service running.
  const killOnExit = () => {
    try {
      if (stack && stack.servicePid > 0) process.kill(stack.servicePid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);
  let summary: ChaosSummary | undefined;
  try {
    log(`chaos: seed ${opts.seed}, ${opts.jobs} jobs, data ${dataDir}`);
    stack = await startStack({
      dataDir,
      consolePort: 0,
      servicePort: 0,
      emulatorPort: 0,
      logger: createLogger({ level: 'silent' }),
      serviceLogs: logFile,
      // A stopped emulator is a crashed one: attempts in flight are cut, not drained.
      emulatorCloseGraceMs: 0,
      serviceEnv: {
        // The production queue: 8 attempts, 600 s dispatch deadline (backoffs are the code's own, 1 s → 60 s).
        TASUKI_QUEUE_MAX_ATTEMPTS: '8',
        TASUKI_DISPATCH_DEADLINE_SECONDS: '600',
        LOG_LEVEL: 'info',
      },
    });
    const s = stack;
    const config = loadConfig({ TASUKI_DATA_DIR: dataDir });
    const ids: WorkspaceIds = { ledgerSpreadsheetId: config.ledgerSpreadsheetId, scheduleSpreadsheetId: config.scheduleSpreadsheetId, calendarId: config.calendarId };
    const issuer = LocalIssuer.open(dataDir);
    const store = openStoreReader(dataDir);
    const before = await readWorkspace(s.sandboxUrl, ids);
    const plan = planWorkload({
      jobs: opts.jobs,
      spreadMs: opts.chaosSeconds * 1000 * 0.7,
      rnd: rnd.fork('workload'),
      seed: opts.seed,
      spaces: await officeSpaces(s.sandboxUrl, config.chatSpace),
      ledgerSpreadsheetId: config.ledgerSpreadsheetId,
      projects: seededProjects(before),
    });

    // --- chaos window
    const faults = faultDriver(s.sandboxUrl, opts.faultRate);
    await faults.start();
    const killer = startServiceKiller({
      service: s,
      rnd: rnd.fork('kills'),
      minMs: opts.killMinSeconds * 1000,
      maxMs: opts.killMaxSeconds * 1000,
      onError: (err) => log(`chaos: service start failed: ${err instanceof Error ? err.message : String(err)}`),
      onCycle: ({ upMs, startMs }) => log(`chaos: SIGKILL after ${(upMs / 1000).toFixed(1)} s up; healthy again ${(startMs / 1000).toFixed(1)} s later`),
    });
    const windowStart = Date.now();
    const enqueues: Array<Promise<EnqueueOutcome>> = plan.map((job) =>
      sleep(job.atMs, signal).then(() => enqueueJob({ serviceUrl: s.serviceUrl, issuer, audience: config.scriptClientId, job, signal })),
    );
    let emulatorReport: ChaosSummary['emulator'] = null;
    const emuRnd = rnd.fork('emulator');
    const emulatorChaos = (opts.emulatorRestart ?? true)
      ? (async () => {
          await sleep(emuRnd.between(0.3, 0.6) * opts.chaosSeconds * 1000, signal);
          if (signal.aborted) return;
          const downMs = emuRnd.between(2000, 5000);
          log('chaos: stopping the Cloud Tasks emulator');
          await s.stopEmulator();
          const whileDown = store.emulatorTaskNames();
          await sleep(downMs);
          await s.startEmulator();
          const after = store.emulatorTaskNames();
          emulatorReport = { tasksWhileDown: whileDown.size, tasksRightAfterRestart: after.size, statePersisted: [...whileDown].every((n) => after.has(n)) };
          log(`chaos: emulator back after ${Math.round(downMs)} ms (${whileDown.size} tasks while down, ${after.size} right after)`);
        })()
      : Promise.resolve();
    await sleep(opts.chaosSeconds * 1000, signal);
    const outcomes = await Promise.all(enqueues);
    await emulatorChaos;
    await killer.stop();
    const faultsInjected = await faults.injected();
    await faults.stop();
    const calmAt = Date.now();
    const endedDuringChaos = store.jobs().filter((j) => ['succeeded', 'failed', 'canceled'].includes(j.status)).length;
    log(`chaos: kills and faults stopped after ${Math.round((calmAt - windowStart) / 1000)} s: ${killer.kills} kills, ${faultsInjected} faults; waiting for the jobs`);

    // --- quiesce: every job terminal and every owed report visible
    const accepted = outcomes.filter((o) => o.jobId);
    const judgeNow = async (): Promise<Verdict> =>
      judge({ jobs: store.jobs(), claims: store.sequenceClaims(), before, after: await readWorkspace(s.sandboxUrl, ids), emulatorTasks: store.emulatorTaskNames(), sheetLocale: config.sheetLocale });
    const quiesceDeadline = calmAt + opts.quiesceTimeoutSeconds * 1000;
    let quiescedAt: number | null = null;
    let lastLog = 0;
    while (!signal.aborted && Date.now() < quiesceDeadline) {
      const jobs = store.jobs();
      const open = jobs.filter((j) => !['succeeded', 'failed', 'canceled'].includes(j.status)).length;
      if (open === 0 && (await judgeNow()).unreported === 0) {
        quiescedAt = Date.now();
        break;
      }
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log(`chaos: ${open} of ${jobs.length} jobs not finished yet (${Math.round((Date.now() - calmAt) / 1000)} s after the chaos)`);
      }
      await sleep(1000, signal);
    }
    if (quiescedAt) await sleep(3000, signal); // late writes would show up as duplicates
    const verdict = await judgeNow();
    const storeIds = new Set(store.jobs().map((j) => j.id));
    store.close();

    const refused = outcomes.filter((o) => o.refused);
    const lost = accepted.filter((o) => !storeIds.has(o.jobId!)).length;
    const ok =
      !signal.aborted &&
      verdict.stranded === 0 &&
      verdict.unreported === 0 &&
      verdict.duplicates.total === 0 &&
      verdict.numberGaps.unexplained === 0 &&
      verdict.failuresWithoutMessage === 0 &&
      lost === 0;
    summary = {
      seed: opts.seed,
      commit,
      startedAt: new Date(started).toISOString(),
      options: {
        jobs: opts.jobs,
        seed: opts.seed,
        killMinSeconds: opts.killMinSeconds,
        killMaxSeconds: opts.killMaxSeconds,
        faultRate: opts.faultRate,
        chaosSeconds: opts.chaosSeconds,
        quiesceTimeoutSeconds: opts.quiesceTimeoutSeconds,
        ...(opts.emulatorRestart === false ? { emulatorRestart: false } : {}),
      },
      ...verdict,
      refused: refused.length,
      lost,
      enqueueRetries: outcomes.reduce((a, o) => a + o.tries - 1, 0),
      enqueueErrors: outcomes.reduce<Record<string, number>>((all, o) => {
        for (const [k, v] of Object.entries(o.errors)) all[k] = (all[k] ?? 0) + v;
        return all;
      }, {}),
      kills: killer.kills,
      serviceStartFailures: killer.startFailures,
      emulatorRestarts: emulatorReport ? 1 : 0,
      emulator: emulatorReport,
      faultsInjected,
      endedDuringChaos,
      quiesced: quiescedAt !== null,
      timeToQuiesceMs: quiescedAt === null ? null : quiescedAt - calmAt,
      durationMs: 0,
      aborted: signal.aborted,
      cancels: {
        accepted: outcomes.filter((o) => o.cancel === 'accepted').length,
        tooLate: outcomes.filter((o) => o.cancel === 'too-late').length,
        refused: outcomes.filter((o) => o.cancel !== undefined && o.cancel !== 'accepted' && o.cancel !== 'too-late').length,
      },
      refusedExamples: refused.slice(0, 10).map((o) => ({ index: o.index, kind: o.kind, refused: o.refused! })),
      ok,
    };
    return summary;
  } finally {
    if (stack) await stack.close().catch((err: unknown) => log(`chaos: closing the stack failed: ${String(err)}`));
    process.off('exit', killOnExit);
    const keep = opts.keepDataDir ?? 'on-failure';
    if (keep === 'always' || (keep === 'on-failure' && !summary?.ok)) {
      if (summary) summary.dataDir = dataDir;
      log(`chaos: data kept in ${dataDir} (service log: ${logFile})`);
    } else {
      rmSync(dataDir, { recursive: true, force: true });
    }
    if (summary) summary.durationMs = Date.now() - started;
  }
}
