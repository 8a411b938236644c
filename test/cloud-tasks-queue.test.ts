// The JobQueue adapter (Cloud Tasks' REST mapping), end to end against the tasks emulator, checked
// through the official CloudTasksClient over gRPC on the same port: enqueue → an HTTP hit on
// <serviceUrl>/tasks/run with tasuki's body, headers and OIDC token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { grpc } from 'google-gax';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { loadConfig, queuePath, type Config } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import { CloudTasksQueue } from '../service/queue/cloudTasksQueue.js';
import { taskIdFor } from '../service/queue/taskId.js';
import { TASUKI_QUEUE_SETTINGS } from '../service/queue/queueSettings.js';
import { LOCAL_ISSUER } from '../local/issuer.js';
import { eventually, startEmulator, startTarget, type EmulatorHandle, type Target } from './support/tasks-harness.js';

const logger = createLogger({ level: 'silent' });
let h: EmulatorHandle;
let target: Target;
let config: Config;
let queue: CloudTasksQueue;

before(async () => {
  h = await startEmulator();
  target = await startTarget();
  config = loadConfig({
    TASUKI_MODE: 'local',
    TASUKI_DATA_DIR: h.dataDir,
    TASUKI_TASKS_EMULATOR: h.emulator.address,
    TASUKI_SERVICE_URL: target.url,
    TASUKI_QUEUE_MAX_ATTEMPTS: '4',
    TASUKI_DISPATCH_DEADLINE_SECONDS: '120',
  });
  queue = new CloudTasksQueue({ config, logger });
});

after(async () => {
  await queue.close();
  await target.close();
  await h.dispose();
});

const gone = (name: string) =>
  eventually(
    () => h.client.getTask({ name }).then(() => undefined, (e: { code?: number }) => (e.code === grpc.status.NOT_FOUND ? true : undefined)),
    `task ${name} to be gone`,
  );

test('task ids: deterministic per (job, generation), valid Cloud Tasks ids', () => {
  assert.equal(taskIdFor('job-1', 1), taskIdFor('job-1', 1));
  assert.notEqual(taskIdFor('job-1', 1), taskIdFor('job-1', 2));
  assert.match(taskIdFor('ジョブ/1', 3), /^[0-9a-f]{32}$/);
});

test('ensureQueue creates the local queue with tasuki settings, and is idempotent', async () => {
  await queue.ensureQueue();
  await queue.ensureQueue();
  const [q] = await h.client.getQueue({ name: queuePath(config) });
  assert.equal(q.retryConfig?.maxAttempts, 4);
  assert.equal(Number(q.retryConfig?.minBackoff?.seconds), TASUKI_QUEUE_SETTINGS.minBackoffSeconds);
  assert.equal(Number(q.retryConfig?.maxBackoff?.seconds), TASUKI_QUEUE_SETTINGS.maxBackoffSeconds);
  assert.equal(q.retryConfig?.maxDoublings, TASUKI_QUEUE_SETTINGS.maxDoublings);
  assert.equal(q.rateLimits?.maxConcurrentDispatches, TASUKI_QUEUE_SETTINGS.maxConcurrentDispatches);
  assert.equal(q.rateLimits?.maxDispatchesPerSecond, TASUKI_QUEUE_SETTINGS.maxDispatchesPerSecond);
});

test('enqueue delivers POST /tasks/run with {jobId, generation}, JSON content type and the invoker OIDC token', async () => {
  await queue.ensureQueue();
  const first = await queue.enqueue({ jobId: 'job-e2e', generation: 1 });
  assert.equal(first.created, true);
  assert.equal(first.taskName, `${queuePath(config)}/tasks/${taskIdFor('job-e2e', 1)}`);
  const [req] = await target.waitFor(1);
  assert.equal(req!.method, 'POST');
  assert.equal(req!.url, '/tasks/run');
  assert.deepEqual(JSON.parse(req!.body), { jobId: 'job-e2e', generation: 1 });
  assert.equal(req!.headers['content-type'], 'application/json');
  assert.equal(req!.headers['x-cloudtasks-queuename'], config.tasksQueue);
  assert.equal(req!.headers['x-cloudtasks-taskname'], taskIdFor('job-e2e', 1));
  const token = req!.headers.authorization?.replace(/^Bearer /, '') ?? '';
  const { payload } = await jwtVerify(token, createLocalJWKSet(await h.issuer.jwks()), { issuer: LOCAL_ISSUER, audience: config.serviceUrl });
  assert.equal(payload.email, config.invokerServiceAccount);

  // The same generation again, after it ran: refused by name, no second delivery.
  await gone(first.taskName);
  const again = await queue.enqueue({ jobId: 'job-e2e', generation: 1 });
  assert.deepEqual(again, { taskName: first.taskName, created: false });
  assert.equal(target.requests.filter((r) => r.body.includes('job-e2e')).length, 1);
});

test('enqueue twice while pending: one task; notBefore and the dispatch deadline are set; cancel deletes', async () => {
  await queue.ensureQueue();
  const notBefore = new Date(Date.now() + 60_000);
  const a = await queue.enqueue({ jobId: 'job-later', generation: 2, notBefore });
  const b = await queue.enqueue({ jobId: 'job-later', generation: 2, notBefore });
  assert.equal(a.created, true);
  assert.deepEqual(b, { taskName: a.taskName, created: false });
  const [task] = await h.client.getTask({ name: a.taskName });
  assert.equal(Number(task.scheduleTime?.seconds), Math.floor(notBefore.getTime() / 1000));
  assert.equal(Number(task.dispatchDeadline?.seconds), 120);
  assert.equal(task.httpRequest?.oidcToken?.audience, config.serviceUrl);

  await queue.cancel(a.taskName);
  await gone(a.taskName);
  await queue.cancel(a.taskName); // already gone: not an error
  assert.equal(target.requests.filter((r) => r.body.includes('job-later')).length, 0);
});

test('production path: ensureQueue reports a missing queue clearly, and sends the access token (endpoint override)', async () => {
  const prodLike: Config = { ...config, tasksEmulator: undefined, tasksQueue: 'not-created' };
  let tokens = 0;
  const q = new CloudTasksQueue({ config: prodLike, logger, endpoint: { baseUrl: `http://${h.emulator.address}`, token: async () => `token-${++tokens}` } });
  try {
    await assert.rejects(q.ensureQueue(), /queues\/not-created does not exist/);
    assert.equal(tokens, 1);
  } finally {
    await q.close();
  }
});

test('an unreachable endpoint is a clear, retryable-looking error naming it', async () => {
  const q = new CloudTasksQueue({ config, logger, endpoint: { baseUrl: 'http://127.0.0.1:9', token: async () => undefined } });
  try {
    await assert.rejects(q.enqueue({ jobId: 'job-nowhere', generation: 1 }), /could not create the task for job job-nowhere.*could not be reached/);
  } finally {
    await q.close();
  }
});

test('production warm() loads the transport and the credentials library but opens no connection (no token fetched at start-up)', async () => {
  const { Socket } = await import('node:net');
  const prodLike: Config = { ...config, tasksEmulator: undefined };
  const q = new CloudTasksQueue({ config: prodLike, logger });
  const original = Socket.prototype.connect;
  const attempts: unknown[] = [];
  Socket.prototype.connect = function (this: InstanceType<typeof Socket>, ...args: unknown[]) {
    attempts.push(args[0]);
    return (original as (...a: unknown[]) => InstanceType<typeof Socket>).apply(this, args);
  } as typeof original;
  try {
    await q.warm();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    Socket.prototype.connect = original;
    await q.close();
  }
  assert.deepEqual(attempts, [], 'warm() must not reach for the metadata server or Cloud Tasks');
});
