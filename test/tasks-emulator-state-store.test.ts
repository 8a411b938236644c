/**
 * The emulator's StateStore: the records a dispatch gets from memory (taskRecordCache.ts) are the
 * rows in the file, through attempts, retries, finishing and a recreated name, with the cache on,
 * with no room in it, and after a reopen (when it starts empty); a finished task's name is
 * tombstoned in the same group commit, and the group commit reaches the file.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { StateStore } from '../local/tasks-emulator/stateStore.js';
import { DEFAULT_SETTINGS } from '../local/tasks-emulator/queueSettings.js';
import { NOT_YET_DISPATCHED, type AttemptRecord, type TaskRecord } from '../local/tasks-emulator/taskRecord.js';
import { PARENT, tempDir } from './support/tasks-harness.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const QUEUE = `${PARENT}/queues/store`;

function newTask(id: string, body: string | null): Omit<TaskRecord, 'seq'> {
  return {
    name: `${QUEUE}/tasks/${id}`,
    queue: QUEUE,
    http: {
      url: 'http://127.0.0.1:9/run',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === null ? null : Buffer.from(body),
      oidc: { serviceAccountEmail: 'invoker@p.iam.gserviceaccount.com', audience: '' },
    },
    scheduleTimeMs: 1_000_000.5,
    createTimeMs: 1_000_000.25,
    dispatchDeadlineMs: 600_000,
    ...NOT_YET_DISPATCHED,
  };
}

const attempt = (at: number): AttemptRecord => ({ scheduleTimeMs: 1_000_000.5, dispatchTimeMs: at, responseTimeMs: null, status: null });

function open(dir: string, recordCacheBytes?: number): StateStore {
  return StateStore.open(dir, { commitWindowMs: 1, ...(recordCacheBytes !== undefined ? { recordCacheBytes } : {}) });
}

function committed(store: StateStore): Promise<void> {
  return new Promise((resolve, reject) => store.whenDurable((err) => (err ? reject(err) : resolve())));
}

/** A task's life through the store; every record handed to the dispatcher must equal the file's row. */
async function lifeOfATask(store: StateStore, id: string, body: string | null) {
  const created = store.insertTask(newTask(id, body));
  const first = store.startAttempt(created.name, created.seq, attempt(2_000_000))!;
  assert.deepEqual(first, store.getTask(created.name), 'first attempt');
  assert.equal(first.dispatchCount, 1);
  assert.equal(first.dispatching, true);
  assert.deepEqual(first.http.body, body === null ? null : Buffer.from(body));

  const lastAttempt = { ...first.lastAttempt!, responseTimeMs: 2_000_100, status: { code: 13, message: 'HTTP status code 500 (Internal Server Error)' } };
  assert.ok(store.scheduleRetry(created.name, created.seq, { scheduleTimeMs: 3_000_000, responseCount: 1, executionCount: 0, lastAttempt, previousResponse: 500, retryReason: 'HTTP 500 Internal Server Error' }));
  const second = store.startAttempt(created.name, created.seq, attempt(3_000_001))!;
  assert.deepEqual(second, store.getTask(created.name), 'second attempt');
  assert.deepEqual(second.firstAttempt, attempt(2_000_000));
  assert.deepEqual([second.dispatchCount, second.responseCount, second.previousResponse, second.retryReason], [2, 1, 500, 'HTTP 500 Internal Server Error']);

  assert.ok(store.finishTask(created.name, created.seq, 9e12));
  assert.equal(store.startAttempt(created.name, created.seq, attempt(4_000_000)), undefined, 'a finished task is not dispatched again');
  assert.ok(store.isTombstoned(created.name, 5_000_000));

  // The same name again (after its tombstone): a new task, not the old record.
  const again = store.insertTask(newTask(id, 'again'));
  assert.notEqual(again.seq, created.seq);
  const fresh = store.startAttempt(again.name, again.seq, attempt(6_000_000))!;
  assert.deepEqual(fresh, store.getTask(again.name), 'recreated');
  assert.equal(fresh.dispatchCount, 1);
  assert.equal(fresh.http.body?.toString(), 'again');
  await committed(store);
}

for (const [label, bytes] of [['records kept in memory', undefined], ['no room for records (every row read)', 0]] as const) {
  test(`dispatch sees what the file holds: ${label}`, async () => {
    const dir = tempDir('tasuki-state-store-');
    dirs.push(dir);
    const store = open(dir, bytes);
    store.putQueue({ name: QUEUE, state: 'RUNNING', settings: DEFAULT_SETTINGS, purgeTimeMs: null });
    await lifeOfATask(store, 'a', '{"jobId":"x"}');
    await lifeOfATask(store, 'b', null);
    store.close();
  });
}

test('after a reopen, records come from the file (and then from memory) and still match it; interrupted attempts wait again', async () => {
  const dir = tempDir('tasuki-state-store-');
  dirs.push(dir);
  let store = open(dir);
  store.putQueue({ name: QUEUE, state: 'RUNNING', settings: DEFAULT_SETTINGS, purgeTimeMs: null });
  const t = store.insertTask(newTask('c', 'body'));
  const inFlight = store.insertTask(newTask('d', 'body'));
  store.startAttempt(inFlight.name, inFlight.seq, attempt(2_000_000));
  await committed(store);
  store.close();

  store = open(dir);
  assert.equal(store.recoverInterrupted(), 1);
  const first = store.startAttempt(t.name, t.seq, attempt(2_500_000))!;
  assert.deepEqual(first, store.getTask(t.name));
  const lastAttempt = { ...first.lastAttempt!, responseTimeMs: null, status: { code: 4, message: 'DEADLINE_EXCEEDED' } };
  store.scheduleRetry(t.name, t.seq, { scheduleTimeMs: 3_000_000, responseCount: 0, executionCount: 0, lastAttempt, previousResponse: null, retryReason: 'DEADLINE_EXCEEDED' });
  assert.deepEqual(store.startAttempt(t.name, t.seq, attempt(3_000_000)), store.getTask(t.name));
  const redelivered = store.startAttempt(inFlight.name, inFlight.seq, attempt(3_100_000))!;
  assert.equal(redelivered.dispatchCount, 2, 'the lost attempt counts');
  assert.deepEqual(redelivered, store.getTask(inFlight.name));

  // Purging drops the records with the rows.
  store.purgeQueue(QUEUE, 4_000_000, 9e12);
  assert.equal(store.startAttempt(t.name, t.seq, attempt(4_000_001)), undefined);
  await committed(store);
  store.close();
});
