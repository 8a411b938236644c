/**
 * `npm run bench -- cost [--jobs N]`: production cost per 1,000 jobs of system.echo, W1 and
 * project.create (bench/cost.ts prices them). Each kind runs `jobs` jobs (project.create at most
 * 100: each one files a Drive folder, a sheet row, a document and Chat messages in the sandbox)
 * through its own bench stack after a warm-up, counting the service's operations meanwhile.
 * Job-record writes per job are reported beside, counted at the store (createJob and successful
 * updateJob calls).
 */
import { costPer1000, PRICES, type CostPer1000 } from './cost.js';
import { startBenchStack } from './benchStack.js';
import { JobDriver, perJob, startLatencyServer } from './w1.js';
import { round } from './processes.js';

type KindRun = { kind: string; label: string; input: (i: number) => unknown; w1?: boolean; jobs: number };

export type JobCosts = { prices: typeof PRICES; rows: Array<CostPer1000 & { label: string; jobs: number; jobRecordWritesPerJob: number }> };

const projectInput = (i: number) => ({ source: 'gmail', client: { name: `ベンチ顧客${i}` }, newClient: true, title: `ベンチ案件 ${i}`, due: '2027-03-31', amount: 100_000 });

export async function benchJobCosts(opts: { jobs: number; concurrency: number }): Promise<JobCosts> {
  const runs: KindRun[] = [
    { kind: 'system.echo', label: 'system.echo (1 step)', input: (i) => ({ message: `echo ${i}` }), jobs: opts.jobs },
    { kind: 'system.echo', label: 'W1 (3 × 200 ms GET)', input: (i) => ({ message: `w1 ${i}` }), w1: true, jobs: opts.jobs },
    { kind: 'project.create', label: 'project.create', input: projectInput, jobs: Math.min(opts.jobs, 100) },
  ];
  const rows: JobCosts['rows'] = [];
  for (const run of runs) {
    process.stderr.write(`bench cost: ${run.label}, ${run.jobs} jobs…\n`);
    const latency = run.w1 ? await startLatencyServer(200) : undefined;
    const stack = await startBenchStack({ concurrency: opts.concurrency, ...(latency ? { w1Url: latency.url } : {}) });
    try {
      const { issuer, config } = stack.standIns;
      const token = await issuer.mintIdToken({ aud: config.scriptClientId, email: 'sato@example.co.jp' });
      const driver = new JobDriver(stack, token);
      await Promise.all(Array.from({ length: 3 }, (_, i) => driver.enqueue(run.kind, run.input(-1 - i))));
      await driver.waitForSucceeded(0, 3);
      const before = await stack.counts();
      const base = driver.outcomes().ok;
      const ids: string[] = [];
      for (let i = 0; i < run.jobs; i += 20) {
        const batch = await Promise.all(Array.from({ length: Math.min(20, run.jobs - i) }, (_, k) => driver.enqueue(run.kind, run.input(i + k))));
        ids.push(...batch.map((b) => b.id));
      }
      await driver.waitForSucceeded(base, run.jobs);
      const after = await stack.counts();
      const records = await driver.records(ids);
      await driver.close();
      const ops = perJob(before, after, run.jobs);
      const bytes = records.reduce((s, j) => s + Buffer.byteLength(JSON.stringify(j)), 0) / records.length;
      rows.push({
        ...costPer1000(run.kind, ops, bytes),
        label: run.label,
        jobs: run.jobs,
        jobRecordWritesPerJob: round((ops.store.createJob?.ok ?? 0) + (ops.store.updateJob?.ok ?? 0), 2),
      });
    } finally {
      await stack.close();
      if (latency) await new Promise((r) => latency.server.close(r));
    }
  }
  return { prices: PRICES, rows };
}

/** The README's table: one row per kind, USD per 1,000 jobs. */
export function costTable(costs: JobCosts, date: string): string {
  const head = `| job (${date}, ${costs.prices.region}) | record writes/job | Firestore r / w per 1k | Cloud Tasks ops per 1k | service CPU s per 1k | Firestore $ | Cloud Tasks $ | Cloud Run CPU $ | Cloud Run requests $ | storage $/month | total $ per 1k |`;
  const sep = `|${'---|'.repeat(11)}`;
  const lines = costs.rows.map((r) =>
    `| ${r.label} | ${r.jobRecordWritesPerJob} | ${r.firestoreReads} / ${r.firestoreWrites} | ${r.cloudTasksOperations} | ${r.serviceCpuSeconds} | ${r.usd.firestore.toFixed(4)} | ${r.usd.cloudTasks.toFixed(4)} | ${r.usd.cloudRunCpu.toFixed(4)} | ${r.usd.cloudRunRequests.toFixed(4)} | ${r.usd.storagePerMonth.toFixed(5)} | ${r.usd.total.toFixed(4)} |`,
  );
  return [head, sep, ...lines].join('\n');
}
