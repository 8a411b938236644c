// FirestoreStore: the Store conformance suite against an in-process Firestore emulator (one
// emulator for the file, one emulator project per test so tests never see each other's data),
// plus the factory's choice of adapter.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../service/config.js';
import { createStore } from '../service/store/createStore.js';
import { FirestoreStore } from '../service/store/firestoreStore.js';
import { startFirestoreEmulator, type FirestoreEmulator } from './support/firestoreEmulator.js';
import { job, storeConformance } from './support/storeConformance.js';

let emulator: FirestoreEmulator;
// No Google credentials or metadata server here: do not let the auth library probe for one.
process.env.METADATA_SERVER_DETECTION = 'none';
before(async () => {
  emulator = await startFirestoreEmulator();
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
});

let spaces = 0;
storeConformance({
  name: 'FirestoreStore',
  // The emulator answers in ~10 ms through the SDK, and 50 owners asking twice at once make
  // thousands of calls; 12 (24 simultaneous callers) shows the same interleavings in seconds.
  claimContenders: 12,
  async newSpace() {
    const projectId = `tasuki-test-${++spaces}`;
    return {
      open: async () => new FirestoreStore({ projectId }),
      async corruptJob(id) {
        const { Firestore } = await import('@google-cloud/firestore');
        const db = new Firestore({ projectId });
        await db.collection('jobs').doc(id).update({ record: JSON.stringify({ id, status: 'sleeping' }) });
        await db.terminate();
      },
      async dispose() {},
    };
  },
});

// Registered after the suite's own after hook, so the stores are closed before the emulator stops.
after(() => {
  emulator.stop();
});

test('createStore: firestore config gives a FirestoreStore on the configured project', async () => {
  const store = createStore(
    loadConfig({ TASUKI_STORE: 'firestore', GOOGLE_CLOUD_PROJECT: 'tasuki-factory', LOG_LEVEL: 'silent' }),
  );
  assert.ok(store instanceof FirestoreStore);
  await store.createJob(job('job-factory'));
  const direct = new FirestoreStore({ projectId: 'tasuki-factory' });
  assert.equal((await direct.getJob('job-factory'))?.id, 'job-factory');
  const elsewhere = new FirestoreStore({ projectId: 'tasuki-elsewhere' });
  assert.equal(await elsewhere.getJob('job-factory'), null);
  for (const s of [store, direct, elsewhere]) await s.close();
  await assert.rejects(store.getJob('job-factory'), /closed/);
});

test('FirestoreStore: a job write right after its own read or write costs no read; a write by another instance in between refuses it (null)', async () => {
  const projectId = 'tasuki-cas-reads';
  const a = new FirestoreStore({ projectId });
  const b = new FirestoreStore({ projectId });
  const { DocumentReference } = await import('@google-cloud/firestore');
  const original = DocumentReference.prototype.get;
  let reads = 0;
  DocumentReference.prototype.get = function counted(this: unknown, ...args: unknown[]) {
    reads++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    const id = 'job-cas-reads';
    const { job: created } = await a.createJob(job(id));
    const v1 = await a.updateJob(id, created.version, { ...created, attempts: 1 });
    const v2 = await a.updateJob(id, v1!.version, { ...v1!, attempts: 2 });
    assert.equal(v2?.version, 2);
    assert.equal(reads, 0, 'create and two writes: no read');
    const seenByB = (await b.getJob(id))!;
    assert.equal((await b.updateJob(id, seenByB.version, { ...seenByB, attempts: 3 }))?.version, 3);
    assert.equal(reads, 1, "B's read, then its write without one");
    assert.equal(await a.updateJob(id, v2!.version, { ...v2!, attempts: 9 }), null, "A's write of version 2 is stale");
    assert.equal(reads, 1, 'refused by the precondition, without a read');
    const fresh = (await a.getJob(id))!;
    assert.deepEqual([fresh.version, fresh.attempts], [3, 3], "B's write stands");
    assert.equal((await a.updateJob(id, fresh.version, { ...fresh, attempts: 4 }))?.version, 4);
    assert.equal(await a.updateJob(id, 3, { ...fresh, attempts: 5 }), null, 'an expected version not the last seen: read, and refused');
    assert.equal(reads, 3);
  } finally {
    DocumentReference.prototype.get = original;
    await a.close();
    await b.close();
  }
});
