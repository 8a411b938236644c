/**
 * `project.create` throughput through the whole local stack as `npm start` runs it — the service
 * in its own process, the Cloud Tasks emulator and the Workspace sandbox in this one — with
 * 200 ms added to every Google call, and how close it comes to the physical limit for the
 * queue's concurrency:
 *
 *   physical limit (jobs/s) = concurrency / (sequential Google calls per job × 200 ms)
 *
 * A job's Google calls are sequential (each step needs the previous one's answer), so no job can
 * finish faster than calls × latency, and at most `concurrency` jobs run at once. The calls per
 * job are counted from the sandbox's call log during one job run alone (after a warm-up job that
 * also pays the one-time sequence-base read and template listing). A ratio near 1 means the
 * worker, store and queue add little on top of Google's own latency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LocalIssuer } from '../local/issuer.js';
import { startStack } from '../local/stack.js';
import { loadConfig } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import { TASUKI_QUEUE_SETTINGS } from '../service/queue/queueSettings.js';
import { SqliteStore } from '../service/store/sqliteStore.js';
import type { JobRecord, JobView } from '../shared/job.js';
import { cpuMs } from './processes.js';

export type ProjectCreateBench = {
  jobs: number;
  concurrency: number;
  latencyMsPerGoogleCall: number;
  googleCallsPerJob: number;
  singleJobSeconds: number;
  /** Median run time (worker start → finish) of a job in the concurrent batch. */
  medianJobSecondsInBatch: number;
  wallSeconds: number;
  throughputJobsPerSecond: number;
  physicalLimitJobsPerSecond: number;
  ratioToPhysicalLimit: number;
};

const serviceCpuSeconds = (pid: number) => cpuMs(pid) / 1000;

const APIS = ['chat', 'drive', 'sheets', 'docs', 'gmail', 'calendar'] as const;

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function benchProjectCreate(opts: { jobs?: number; latencyMs?: number } = {}): Promise<ProjectCreateBench> {
  const jobs = opts.jobs ?? 40;
  const latencyMs = opts.latencyMs ?? 200;
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-bench-project-'));
  let closeStore = async () => {};
  const stack = await startStack({ dataDir, consolePort: 0, servicePort: 0, emulatorPort: 0, logger: createLogger({ level: 'silent' }) });
  try {
    const admin = `${stack.sandboxUrl}/_sandbox`;
    for (const api of APIS) await json(`${admin}/faults`, { method: 'PUT', body: JSON.stringify({ api, latencyMs }) });
    // The announcements of 40 jobs would otherwise wait on Chat's 1 write/s per space.
    await json(`${admin}/limits`, { method: 'PUT', body: JSON.stringify({ chatWriteIntervalMs: 0 }) });
    const config = loadConfig({ TASUKI_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const token = await LocalIssuer.open(dataDir).mintIdToken({ aud: config.scriptClientId, email: 'sato@example.co.jp' });
    const auth = { authorization: `Bearer ${token}` };

    const enqueue = async (i: number) =>
      (
        await json<{ job: JobView }>(`${stack.serviceUrl}/v1/jobs`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ kind: 'project.create', idempotencyKey: `bench-${i}`, input: { source: 'gmail', client: { name: `ベンチ顧客${i}` }, newClient: true, title: `ベンチ案件 ${i}`, due: '2027-03-31', amount: 100_000 } }),
        })
      ).job.id;
    // Job records are read from the store file directly: polling the API would spend the
    // service's CPU on token verification, which is not what this measures.
    const store = new SqliteStore(join(dataDir, 'tasuki.sqlite'));
    closeStore = () => store.close();
    const finish = async (ids: string[]): Promise<JobRecord[]> => {
      const deadline = Date.now() + 600_000;
      for (;;) {
        const views = (await Promise.all(ids.map((id) => store.getJob(id)))).filter((v): v is JobRecord => v !== null);
        const failed = views.filter((v) => v.status === 'failed' || v.status === 'canceled');
        if (failed.length) throw new Error(`bench jobs failed: ${JSON.stringify(failed.map((v) => v.error))}`);
        if (views.length === ids.length && views.every((v) => v.status === 'succeeded')) return views;
        if (Date.now() > deadline) throw new Error('bench jobs did not finish in 10 minutes');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const googleCalls = async () =>
      (await json<{ calls: Array<{ api: string; at: string }> }>(`${admin}/calls?limit=500`)).calls.filter((c) => c.api !== 'oauth2');

    await finish([await enqueue(-1)]); // warm-up: clients, sequence base, template listing
    const before = new Set((await googleCalls()).map((c) => JSON.stringify(c)));
    const t0 = performance.now();
    await finish([await enqueue(0)]);
    const singleJobSeconds = (performance.now() - t0) / 1000;
    const googleCallsPerJob = (await googleCalls()).filter((c) => !before.has(JSON.stringify(c))).length;

    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpu0 = process.cpuUsage();
    const svc0 = serviceCpuSeconds(stack.servicePid);
    const t1 = performance.now();
    const ids = await Promise.all(Array.from({ length: jobs }, (_, i) => enqueue(i + 1)));
    const batch = await finish(ids);
    const wallSeconds = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);
    loopDelay.disable();
    process.stderr.write(`bench: sandbox+emulator event-loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms\n`);
    process.stderr.write(`bench: batch CPU — sandbox+emulator ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, service ${(serviceCpuSeconds(stack.servicePid) - svc0).toFixed(2)} s, wall ${wallSeconds.toFixed(2)} s\n`);
    const runSeconds = batch.map((j) => (Date.parse(j.finishedAt!) - Date.parse(j.startedAt!)) / 1000).sort((a, b) => a - b);

    const concurrency = TASUKI_QUEUE_SETTINGS.maxConcurrentDispatches;
    const throughput = jobs / wallSeconds;
    const limit = concurrency / ((googleCallsPerJob * latencyMs) / 1000);
    return {
      jobs,
      concurrency,
      latencyMsPerGoogleCall: latencyMs,
      googleCallsPerJob,
      singleJobSeconds: Number(singleJobSeconds.toFixed(2)),
      medianJobSecondsInBatch: Number((runSeconds[Math.floor(runSeconds.length / 2)] ?? 0).toFixed(2)),
      wallSeconds: Number(wallSeconds.toFixed(2)),
      throughputJobsPerSecond: Number(throughput.toFixed(3)),
      physicalLimitJobsPerSecond: Number(limit.toFixed(3)),
      ratioToPhysicalLimit: Number((throughput / limit).toFixed(3)),
    };
  } finally {
    await closeStore();
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
