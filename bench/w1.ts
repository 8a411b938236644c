/**
 * `npm run bench -- w1 --jobs 1000 --concurrency 80`: W1 (three sequential 200 ms HTTP GETs,
 * bench/w1Handler.ts) through the local stack of bench/benchStack.ts against a latency server in
 * this process. The physical limit is C / 0.6 jobs/s: at most C jobs run at once (the queue's
 * maxConcurrentDispatches) and none can finish in under 3 × 200 ms.
 *
 * Two phases of `jobs` jobs each, after a warm-up:
 *  1. drain: the queue is paused, the whole backlog enqueued, then the queue resumed; jobs/s and
 *     efficiency (jobs/s ÷ limit) run from the resume to the last job's finishedAt, and CPU and
 *     peak RSS of each process are read over that span;
 *  2. paced: jobs enqueued open-loop at half the limit; enqueue latency (POST /v1/jobs answered)
 *     and end-to-end latency (POST sent → finishedAt) percentiles.
 * Plus, over both phases: the service's store and queue operations per job (bench/benchService.ts
 * counts them), job-record writes per job, and the bytes of a finished record.
 */
import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SQLITE_FILE_NAME } from '../service/store/createStore.js';
import { SqliteStore } from '../service/store/sqliteStore.js';
import type { JobRecord } from '../shared/job.js';
import type { BenchCounts } from './benchService.js';
import { startBenchStack, type BenchStack } from './benchStack.js';
import { postJson } from './httpClient.js';
import { cpuMs, percentile, round, rssMb, sleep } from './processes.js';
import { W1_CALLS } from './w1Handler.js';

export type JobLoadOptions = { jobs: number; concurrency: number; latencyMs?: number };

export type ProcessUse = { cpuMsPerJob: number; peakRssMb: number };

export type W1Result = {
  jobs: number;
  concurrency: number;
  latencyMsPerCall: number;
  physicalLimitJobsPerSecond: number;
  drain: { seconds: number; jobsPerSecond: number; efficiency: number; processes: Record<'service' | 'emulator' | 'benchAndSandbox', ProcessUse> };
  paced: { ratePerSecond: number; e2eP50Ms: number; e2eP99Ms: number; enqueueP50Ms: number; enqueueP99Ms: number; enqueueMaxMs: number };
  idleServiceRssMb: number;
  jobRecordWritesPerJob: number;
  /** Mean stored version + 1 (the create): the same count, read from the records. */
  jobRecordWritesPerJobFromVersions: number;
  recordBytes: number;
  /** Service operations per job over both phases (calls; `ok` = created/updated/found). */
  operationsPerJob: OperationsPerJob;
  targets: Record<string, { target: string; met: boolean }>;
};

/** Per job: calls and successes; `msPerCall`: the mean wall time of one call (where time goes). */
type OperationUse = { calls: number; ok: number; msPerCall?: number };
export type OperationsPerJob = { store: Record<string, OperationUse>; queue: Record<string, OperationUse>; deliveries: number; serviceCpuMs: number };

/** An HTTP server answering every GET after `latencyMs` (keep-alive, like a Google API). */
export async function startLatencyServer(latencyMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('{"ok":true}'), latencyMs);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/w1`, server };
}

/** Operation counts between two snapshots, per job. */
export function perJob(before: BenchCounts, after: BenchCounts, jobs: number): OperationsPerJob {
  const diff = (a: BenchCounts['store'], b: BenchCounts['store']) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([k, v]) => {
          const calls = v.calls - (a[k]?.calls ?? 0);
          const use = { calls: round(calls / jobs, 3), ok: round((v.ok - (a[k]?.ok ?? 0)) / jobs, 3), msPerCall: round(calls ? (v.ms - (a[k]?.ms ?? 0)) / calls : 0, 3) };
          return [k, use] as const;
        })
        .filter(([, v]) => v.calls > 0),
    );
  return {
    store: diff(before.store, after.store),
    queue: diff(before.queue, after.queue),
    deliveries: round((after.deliveries - before.deliveries) / jobs, 3),
    serviceCpuMs: round((after.cpuMs - before.cpuMs) / jobs, 3),
  };
}

/** The enqueue side of a bench stack: POST /v1/jobs as the add-on does, and waiting for outcomes. */
export class JobDriver {
  private readonly db: Database.Database;
  readonly store: SqliteStore;
  private n = 0;

  constructor(
    private readonly stack: BenchStack,
    private readonly token: string,
  ) {
    const file = join(stack.standIns.dataDir, SQLITE_FILE_NAME);
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.store = new SqliteStore(file);
  }

  /** POSTs one job; resolves with its id, when it was sent and how long the answer took. */
  async enqueue(kind: string, input: unknown): Promise<{ id: string; sentAt: number; ms: number }> {
    const key = `bench-${process.pid}-${++this.n}`;
    const sentAt = Date.now();
    const res = await postJson(`${this.stack.serviceUrl}/v1/jobs`, { authorization: `Bearer ${this.token}` }, { kind, input, idempotencyKey: key });
    const body = res.body as { job?: { id: string }; error?: unknown };
    if (res.status !== 202 || !body.job) throw new Error(`POST /v1/jobs answered ${res.status}: ${JSON.stringify(body)}`);
    return { id: body.job.id, sentAt, ms: res.ms };
  }

  /** Waits until `n` more jobs than `baseline` succeeded (a failure stops the bench). */
  async waitForSucceeded(baseline: number, n: number, timeoutMs = 900_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { ok, bad } = this.outcomes();
      if (bad > 0) throw new Error(`${bad} bench jobs failed or were canceled`);
      if (ok >= baseline + n) return;
      if (Date.now() > deadline) throw new Error(`only ${ok - baseline} of ${n} jobs succeeded in ${timeoutMs / 1000} s`);
      await sleep(50);
    }
  }

  outcomes(): { ok: number; bad: number } {
    const rows = this.db.prepare("SELECT status, count(*) AS n FROM jobs WHERE status IN ('succeeded', 'failed', 'canceled') GROUP BY status").all() as Array<{ status: string; n: number }>;
    const ok = rows.find((r) => r.status === 'succeeded')?.n ?? 0;
    return { ok, bad: rows.reduce((s, r) => s + (r.status === 'succeeded' ? 0 : r.n), 0) };
  }

  async records(ids: string[]): Promise<JobRecord[]> {
    return (await Promise.all(ids.map((id) => this.store.getJob(id)))).filter((j): j is JobRecord => j !== null);
  }

  async close(): Promise<void> {
    this.db.close();
    await this.store.close();
  }
}

/** Samples the RSS of some processes every 100 ms; stop() gives each one's peak. */
export function rssSampler(pids: Record<string, number>): { stop(): Record<string, number> } {
  const peak: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const sample = () => {
    for (const [k, pid] of Object.entries(pids)) {
      try {
        peak[k] = Math.max(peak[k]!, rssMb(pid));
      } catch {
        // gone
      }
    }
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, round(v)]));
    },
  };
}

/** Sends `count` requests open-loop at `ratePerSecond` (a slow answer never delays the next). */
export async function paced<T>(count: number, ratePerSecond: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const start = performance.now();
  const pending: Array<Promise<T>> = [];
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / ratePerSecond - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(i));
  }
  return Promise.all(pending);
}

export async function benchW1(opts: JobLoadOptions): Promise<W1Result> {
  const { jobs, concurrency } = opts;
  const latencyMs = opts.latencyMs ?? 200;
  const latency = await startLatencyServer(latencyMs);
  const stack = await startBenchStack({ concurrency, w1Url: latency.url });
  const note = (msg: string) => process.stderr.write(`bench w1 C=${concurrency}: ${msg}\n`);
  try {
    const { issuer, config } = stack.standIns;
    const token = await issuer.mintIdToken({ aud: config.scriptClientId, email: 'sato@example.co.jp' });
    const driver = new JobDriver(stack, token);
    const w1 = (i: number) => driver.enqueue('system.echo', { message: `w1 ${i}` });
    const limit = concurrency / ((W1_CALLS * latencyMs) / 1000);
    const pids = { service: stack.servicePid, emulator: stack.emulator.pid, benchAndSandbox: process.pid };
    const cpu = () => ({ service: cpuMs(pids.service), emulator: cpuMs(pids.emulator), benchAndSandbox: cpuMs(pids.benchAndSandbox) });

    await sleep(1000);
    const idleServiceRssMb = round(rssMb(stack.servicePid));
    note('warm-up…');
    const warm = await Promise.all(Array.from({ length: 2 * concurrency }, (_, i) => w1(-i)));
    await driver.waitForSucceeded(0, warm.length);
    const counts0 = await stack.counts();

    note(`enqueueing a backlog of ${jobs} on the paused queue…`);
    await stack.pauseQueue();
    const backlog: string[] = [];
    for (let i = 0; i < jobs; i += 20) backlog.push(...(await Promise.all(Array.from({ length: Math.min(20, jobs - i) }, (_, k) => w1(i + k)))).map((r) => r.id));
    const before = driver.outcomes().ok;
    const cpu0 = cpu();
    const rss = rssSampler(pids);
    const resumedAt = Date.now();
    await stack.resumeQueue();
    note('draining…');
    await driver.waitForSucceeded(before, jobs);
    const cpu1 = cpu();
    const peak = rss.stop();
    const drained = await driver.records(backlog);
    const lastFinish = Math.max(...drained.map((j) => Date.parse(j.finishedAt!)));
    const drainSeconds = (lastFinish - resumedAt) / 1000;

    const rate = limit / 2;
    note(`paced: ${jobs} jobs at ${rate.toFixed(1)}/s…`);
    const base2 = driver.outcomes().ok;
    const sent = await paced(jobs, rate, (i) => w1(jobs + i));
    await driver.waitForSucceeded(base2, jobs);
    const counts1 = await stack.counts();
    const pacedRecords = await driver.records(sent.map((s) => s.id));
    const sentAt = new Map(sent.map((s) => [s.id, s.sentAt]));
    const e2e = pacedRecords.map((j) => Date.parse(j.finishedAt!) - sentAt.get(j.id)!).sort((a, b) => a - b);
    const enq = sent.map((s) => s.ms).sort((a, b) => a - b);

    const all = [...drained, ...pacedRecords];
    const ops = perJob(counts0, counts1, 2 * jobs);
    const writes = (ops.store.createJob?.ok ?? 0) + (ops.store.updateJob?.ok ?? 0);
    const fromVersions = all.reduce((s, j) => s + j.version + 1, 0) / all.length;
    const recordBytes = Math.round(all.reduce((s, j) => s + Buffer.byteLength(JSON.stringify(j)), 0) / all.length);
    await driver.close();

    const use = (k: keyof typeof pids): ProcessUse => ({ cpuMsPerJob: round((cpu1[k] - cpu0[k]) / jobs, 2), peakRssMb: peak[k]! });
    const jobsPerSecond = jobs / drainSeconds;
    const efficiency = jobsPerSecond / limit;
    const result: W1Result = {
      jobs,
      concurrency,
      latencyMsPerCall: latencyMs,
      physicalLimitJobsPerSecond: round(limit, 1),
      drain: {
        seconds: round(drainSeconds, 2),
        jobsPerSecond: round(jobsPerSecond, 1),
        efficiency: round(efficiency, 3),
        processes: { service: use('service'), emulator: use('emulator'), benchAndSandbox: use('benchAndSandbox') },
      },
      paced: {
        ratePerSecond: round(rate, 1),
        e2eP50Ms: round(percentile(e2e, 50), 1),
        e2eP99Ms: round(percentile(e2e, 99), 1),
        enqueueP50Ms: round(percentile(enq, 50), 2),
        enqueueP99Ms: round(percentile(enq, 99), 2),
        enqueueMaxMs: round(enq[enq.length - 1] ?? NaN, 2),
      },
      idleServiceRssMb,
      jobRecordWritesPerJob: round(writes, 2),
      jobRecordWritesPerJobFromVersions: round(fromVersions, 2),
      recordBytes,
      operationsPerJob: ops,
      targets: {},
    };
    const svc = result.drain.processes.service;
    result.targets = {
      serviceCpu: { target: 'service CPU per W1 job ≤ 3 ms', met: svc.cpuMsPerJob <= 3 },
      emulatorCpu: { target: 'emulator ≤ 0.5 ms CPU per task', met: result.drain.processes.emulator.cpuMsPerJob <= 0.5 },
      efficiency: concurrency >= 200 ? { target: 'efficiency ≥ 0.88 at C = 200', met: efficiency >= 0.88 } : { target: 'efficiency ≥ 0.92 at C = 80', met: efficiency >= 0.92 },
      recordWrites: { target: 'job-record writes per W1 job ≤ 5', met: writes <= 5 },
      serviceRss: { target: 'service peak RSS during the drain ≤ 150 MB, idle ≤ 120 MB', met: svc.peakRssMb <= 150 && idleServiceRssMb <= 120 },
    };
    return result;
  } finally {
    await stack.close();
    await new Promise((r) => latency.server.close(r));
  }
}
