// The cost benchmark's arithmetic: counted store calls become billed Firestore operations, and
// counted operations become USD per 1,000 jobs at the constant's prices; the call counter counts
// calls an object makes on itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costPer1000, firestoreOperations, PRICES } from '../bench/cost.js';
import { countCalls, type CallCounts } from '../bench/operationCounter.js';

test('store calls → Firestore reads, writes and deletes', () => {
  const ops = firestoreOperations({
    createJob: { calls: 1, ok: 1 },
    getJob: { calls: 2, ok: 2 },
    updateJob: { calls: 5, ok: 4 }, // four guarded by the update time last seen (no read); one lost a version race: read, no write
    rawUpdateDoc: { calls: 3, ok: 2 }, // documents: a read before every update
    rawPutIfAbsent: { calls: 2, ok: 1 }, // one found the document: a read
    deleteDoc: { calls: 1, ok: 0 },
  });
  assert.deepEqual(ops, { reads: 2 + 1 + 3 + 1, writes: 1 + 4 + 2 + 1, deletes: 1 });
});

test('USD per 1,000 jobs from per-job counts', () => {
  const c = costPer1000('w1', { store: { createJob: { calls: 1, ok: 1 }, updateJob: { calls: 4, ok: 4 } }, queue: { enqueue: { calls: 1, ok: 1 }, ensureQueue: { calls: 1, ok: 1 } }, deliveries: 1, serviceCpuMs: 3 }, 1024);
  assert.equal(c.firestoreWrites, 5000);
  assert.equal(c.firestoreReads, 0, "job writes after the worker's own read or write read nothing");
  assert.equal(c.cloudTasksOperations, 2000, 'enqueue + delivery; ensureQueue is start-up, not per job');
  assert.equal(c.serviceCpuSeconds, 3);
  const firestore = (5000 * PRICES.firestore.writePer100k) / 100_000;
  assert.ok(Math.abs(c.usd.firestore - firestore) < 1e-5);
  assert.ok(Math.abs(c.usd.cloudTasks - 0.0008) < 1e-5);
  assert.ok(Math.abs(c.usd.cloudRunCpu - 3 * PRICES.cloudRun.perVcpuSecond) < 1e-5, "rounded to 5 digits");
  assert.ok(Math.abs(c.usd.total - (c.usd.firestore + c.usd.cloudTasks + c.usd.cloudRunCpu + c.usd.cloudRunRequests + c.usd.storagePerMonth)) < 1e-4);
});

test('countCalls counts public calls and the calls an object makes on itself, and what succeeded', async () => {
  class Store {
    async createJob(created: boolean) {
      return { created };
    }
    async claim() {
      await this.raw();
      return this.raw();
    }
    raw() {
      return 1;
    }
  }
  const s = new Store();
  const counts: CallCounts = {};
  countCalls(s, ['createJob', 'raw'], counts);
  await s.createJob(true);
  await s.createJob(false);
  await s.claim();
  const strip = (c: CallCounts[string]) => ({ calls: c.calls, ok: c.ok });
  assert.deepEqual({ createJob: strip(counts.createJob!), raw: strip(counts.raw!) }, { createJob: { calls: 2, ok: 1 }, raw: { calls: 2, ok: 2 } });
  // Wall time adds up per method, for where an enqueue's time goes.
  assert.ok(counts.createJob!.ms >= 0 && counts.raw!.ms >= 0 && Number.isFinite(counts.createJob!.ms));
});
