/**
 * Production cost per 1,000 jobs, from operations counted while jobs ran through the local stack
 * (bench/benchService.ts counts the service's store and queue calls and the deliveries it
 * received; /proc gives its CPU) priced at the list prices of tasuki's region, asia-northeast1.
 *
 * How counted operations become billed ones (FirestoreStore, service/store/firestoreStore.ts):
 *  createJob = 1 write (a create that finds the job: 1 read); getJob = 1 read; updateJob = 1
 *  write and no read (the adapter guards it with the update time it saw when it last read or
 *  wrote the job in this instance); a refused updateJob = 1 read (its expected version is not the
 *  one last seen: another writer's, which the adapter reads to compare); listJobs /
 *  listUnsettledJobs / queries = 1 read per call at least (the bench counts calls, not
 *  documents: a lower bound); document putIfAbsent like createJob; document update = 1 read + 1
 *  write (a version mismatch: the read only); deleteDoc = 1 delete.
 *  Cloud Tasks: every API call (enqueue, cancel, exists) and every delivery attempt is one
 *  billable operation (tasks are far under 32 KB).
 *  Cloud Run: the service's CPU time at the vCPU-second price (a lower bound: request-based
 *  billing charges the instance's whole active time, which at full concurrency approaches it),
 *  and each request (the enqueue, each delivery) at the request price.
 *  Storage: the finished job record's JSON, kept for a month (Firestore adds per-document and
 *  index overhead, so this too is a lower bound).
 * Free tiers are ignored: this is the marginal cost of 1,000 more jobs.
 */
import type { OperationsPerJob } from './w1.js';

/**
 * List prices in USD, read on 2026-12-03. Region asia-northeast1 (Tokyo).
 *  - Cloud Tasks: $0.40 per million billable operations beyond the first million a month
 *    (https://cloud.google.com/tasks/pricing; same in every region).
 *  - Cloud Run, request-based billing, Tier 1 (asia-northeast1 is Tier 1:
 *    https://cloud.google.com/run/docs/locations): $0.000024 per vCPU-second, $0.0000025 per
 *    GiB-second, $0.40 per million requests (https://cloud.google.com/run/pricing).
 *  - Firestore Standard edition, Tokyo: $0.038 per 100,000 document reads, $0.115 per 100,000
 *    writes, $0.013 per 100,000 deletes, $0.18 per GiB-month stored
 *    (https://cloud.google.com/firestore/pricing, "Pricing by location"). NOT re-verified on
 *    2026-12-03: that table is rendered by script and the pages we could read showed only
 *    us-central1 ($0.03 / $0.09 / $0.01 per 100,000) and nam5; check before quoting.
 */
export const PRICES = {
  readOn: '2026-12-03',
  region: 'asia-northeast1',
  firestore: { readPer100k: 0.038, writePer100k: 0.115, deletePer100k: 0.013, storedPerGiBMonth: 0.18, verified: false },
  cloudTasks: { perMillionOperations: 0.4, verified: true },
  cloudRun: { perVcpuSecond: 0.000024, perGiBSecond: 0.0000025, perMillionRequests: 0.4, verified: true },
} as const;

export type CostPer1000 = {
  kind: string;
  firestoreReads: number;
  firestoreWrites: number;
  firestoreDeletes: number;
  cloudTasksOperations: number;
  cloudRunRequests: number;
  serviceCpuSeconds: number;
  storedBytes: number;
  usd: { firestore: number; cloudTasks: number; cloudRunCpu: number; cloudRunRequests: number; storagePerMonth: number; total: number };
};

/** Billed Firestore operations for one job's counted store calls. */
export function firestoreOperations(store: OperationsPerJob['store']): { reads: number; writes: number; deletes: number } {
  const c = (name: string) => store[name] ?? { calls: 0, ok: 0 };
  const createLike = ['createJob', 'rawPutIfAbsent'].map(c);
  const jobUpdate = c('updateJob');
  const docUpdate = c('rawUpdateDoc');
  const readLike = ['getJob', 'rawGetDoc', 'listJobs', 'listUnsettledJobs', 'rawQueryDocs'].map(c);
  const writes = createLike.reduce((s, x) => s + x.ok, 0) + jobUpdate.ok + docUpdate.ok;
  const reads =
    createLike.reduce((s, x) => s + (x.calls - x.ok), 0) + (jobUpdate.calls - jobUpdate.ok) + docUpdate.calls + readLike.reduce((s, x) => s + x.calls, 0);
  return { reads, writes, deletes: c('deleteDoc').calls };
}

const r = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

export function costPer1000(kind: string, ops: OperationsPerJob, recordBytes: number): CostPer1000 {
  const fs = firestoreOperations(ops.store);
  const tasksOps = Object.entries(ops.queue)
    .filter(([name]) => name !== 'ensureQueue')
    .reduce((s, [, v]) => s + v.calls, 0) + ops.deliveries;
  const requests = (ops.store.createJob?.calls ?? 0) + ops.deliveries;
  const k = 1000;
  const p = PRICES;
  const usd = {
    firestore: ((fs.reads * p.firestore.readPer100k + fs.writes * p.firestore.writePer100k + fs.deletes * p.firestore.deletePer100k) / 100_000) * k,
    cloudTasks: ((tasksOps * k) / 1e6) * p.cloudTasks.perMillionOperations,
    cloudRunCpu: (ops.serviceCpuMs / 1000) * k * p.cloudRun.perVcpuSecond,
    cloudRunRequests: ((requests * k) / 1e6) * p.cloudRun.perMillionRequests,
    storagePerMonth: ((recordBytes * k) / 2 ** 30) * p.firestore.storedPerGiBMonth,
    total: 0,
  };
  usd.total = usd.firestore + usd.cloudTasks + usd.cloudRunCpu + usd.cloudRunRequests + usd.storagePerMonth;
  return {
    kind,
    firestoreReads: r(fs.reads * k, 0),
    firestoreWrites: r(fs.writes * k, 0),
    firestoreDeletes: r(fs.deletes * k, 0),
    cloudTasksOperations: r(tasksOps * k, 0),
    cloudRunRequests: r(requests * k, 0),
    serviceCpuSeconds: r((ops.serviceCpuMs * k) / 1000, 2),
    storedBytes: Math.round(recordBytes * k),
    usd: Object.fromEntries(Object.entries(usd).map(([key, v]) => [key, r(v, 5)])) as CostPer1000['usd'],
  };
}
