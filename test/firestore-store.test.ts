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
