// The Cloud Tasks emulator through the real CloudTasksClient over gRPC, delivering to real HTTP
// servers on random ports, with its state in a temp SQLite file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { exhausted, parseRetryAfterMs, retryDelayMs } from '../local/tasks-emulator/backoff.js';
import { TokenBucket } from '../local/tasks-emulator/rateLimiter.js';
import { LOCAL_ISSUER } from '../local/issuer.js';
import { clientFor, eventually, PARENT, startEmulator, startTarget, tempDir, type EmulatorHandle, type Target } from './support/tasks-harness.js';

type GrpcError = { code?: number; details?: string; message?: string };

async function rejectsWith(p: Promise<unknown>, code: number, pattern?: RegExp): Promise<GrpcError> {
  try {
    await p;
  } catch (err) {
    const e = err as GrpcError;
    assert.equal(e.code, code, `expected gRPC code ${code}, got ${e.code}: ${e.details ?? e.message}`);
    if (pattern) assert.match(e.details ?? e.message ?? '', pattern);
    return e;
  }
  assert.fail(`expected gRPC code ${code}, but the call succeeded`);
}

const seconds = (s: number) => ({ seconds: Math.floor(s), nanos: Math.round((s - Math.floor(s)) * 1e9) });

describe('retry schedule and rate limiter (pure)', () => {
  test('doubling schedule from the proto: min 10 s, max 300 s, 3 doublings', () => {
    const s = { maxAttempts: -1, minBackoffMs: 10_000, maxBackoffMs: 300_000, maxDoublings: 3, maxRetryDurationMs: 0 };
    const seq = Array.from({ length: 9 }, (_, i) => retryDelayMs(i, s) / 1000);
    assert.deepEqual(seq, [10, 20, 40, 80, 160, 240, 300, 300, 300]);
  });

  test('give-up rule: every set limit must be reached; -1 and 0 mean unlimited', () => {
    const base = { minBackoffMs: 1, maxBackoffMs: 1, maxDoublings: 0 };
    assert.equal(exhausted(3, 0, { ...base, maxAttempts: 3, maxRetryDurationMs: 0 }), true);
    assert.equal(exhausted(2, 0, { ...base, maxAttempts: 3, maxRetryDurationMs: 0 }), false);
    assert.equal(exhausted(1000, 1e9, { ...base, maxAttempts: -1, maxRetryDurationMs: 0 }), false);
    assert.equal(exhausted(3, 500, { ...base, maxAttempts: 3, maxRetryDurationMs: 1000 }), false);
    assert.equal(exhausted(3, 1000, { ...base, maxAttempts: 3, maxRetryDurationMs: 1000 }), true);
    assert.equal(exhausted(50, 1000, { ...base, maxAttempts: -1, maxRetryDurationMs: 1000 }), true);
  });

  test('Retry-After: seconds or HTTP date', () => {
    assert.equal(parseRetryAfterMs('7', 0), 7000);
    assert.equal(parseRetryAfterMs(new Date(60_000).toUTCString(), 0), 60_000);
    assert.equal(parseRetryAfterMs('soon', 0), undefined);
    assert.equal(parseRetryAfterMs(undefined, 0), undefined);
  });

  test('token bucket: burst, then one token per 1/rate', () => {
    const b = new TokenBucket(10, 2, 0);
    assert.equal(b.tryTake(0), true);
    assert.equal(b.tryTake(0), true);
    assert.equal(b.tryTake(0), false);
    assert.equal(b.msUntilToken(0), 100);
    assert.equal(b.tryTake(100), true);
    assert.equal(b.tryTake(100), false);
  });
});

describe('tasks emulator over gRPC', () => {
  let h: EmulatorHandle;
  let n = 0;
  const targets: Target[] = [];

  before(async () => {
    h = await startEmulator({ dedupeWindowMs: 3_600_000 });
  });
  after(async () => {
    await Promise.all(targets.map((t) => t.close()));
    await h.dispose();
  });

  async function target(reply?: Parameters<typeof startTarget>[0]): Promise<Target> {
    const t = await startTarget(reply);
    targets.push(t);
    return t;
  }

  /** A fresh queue with fast retries unless overridden. */
  async function queue(extra: Record<string, unknown> = {}): Promise<string> {
    const name = `${PARENT}/queues/q${++n}-${process.pid}`;
    await h.client.createQueue({
      parent: PARENT,
      queue: { name, retryConfig: { minBackoff: seconds(0.02), maxBackoff: seconds(0.2), maxAttempts: 5 }, ...extra },
    });
    return name;
  }

  test('queues: create, get, list with filter and pages, update by mask, pause/resume, delete', async () => {
    const a = await queue({ rateLimits: { maxDispatchesPerSecond: 7, maxConcurrentDispatches: 3 } });
    const [got] = await h.client.getQueue({ name: a });
    assert.equal(got.state, 'RUNNING');
    assert.equal(got.rateLimits?.maxDispatchesPerSecond, 7);
    assert.equal(got.rateLimits?.maxConcurrentDispatches, 3);
    assert.equal(got.retryConfig?.maxAttempts, 5);
    assert.equal(Number(got.retryConfig?.minBackoff?.nanos), 20_000_000, 'sub-second backoff kept, not truncated');

    const [updated] = await h.client.updateQueue({
      queue: { name: a, retryConfig: { maxAttempts: 9, maxDoublings: 2 }, rateLimits: { maxDispatchesPerSecond: 1 } },
      updateMask: { paths: ['retry_config.max_attempts', 'rateLimits.maxDispatchesPerSecond'] },
    });
    assert.equal(updated.retryConfig?.maxAttempts, 9);
    assert.equal(updated.retryConfig?.maxDoublings, 16, 'fields outside the mask are kept');
    assert.equal(updated.rateLimits?.maxDispatchesPerSecond, 1);
    assert.equal(updated.rateLimits?.maxConcurrentDispatches, 3);

    const b = await queue();
    const [paused] = await h.client.pauseQueue({ name: b });
    assert.equal(paused.state, 'PAUSED');
    const [onlyPaused] = await h.client.listQueues({ parent: PARENT, filter: 'state: PAUSED' });
    assert.deepEqual(onlyPaused.map((q) => q.name), [b]);
    const [page, next] = await h.client.listQueues({ parent: PARENT, pageSize: 1 }, { autoPaginate: false });
    assert.equal(page.length, 1);
    assert.ok(next?.pageToken, 'a next page token is returned');
    const [all] = await h.client.listQueues({ parent: PARENT });
    assert.ok(all.some((q) => q.name === a) && all.some((q) => q.name === b));
    const [resumed] = await h.client.resumeQueue({ name: b });
    assert.equal(resumed.state, 'RUNNING');

    await h.client.deleteQueue({ name: b });
    await rejectsWith(h.client.getQueue({ name: b }), status.NOT_FOUND, /does not exist/);
  });

  test('queues: errors name what is wrong', async () => {
    const a = await queue();
    await rejectsWith(h.client.createQueue({ parent: PARENT, queue: { name: a } }), status.ALREADY_EXISTS);
    await rejectsWith(h.client.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/bad_id` } }), status.INVALID_ARGUMENT, /queue id "bad_id"/);
    await rejectsWith(h.client.createQueue({ parent: PARENT, queue: { name: 'queues/x' } }), status.INVALID_ARGUMENT, /must look like projects\//);
    await rejectsWith(
      h.client.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/fine`, rateLimits: { maxDispatchesPerSecond: 501 } } }),
      status.INVALID_ARGUMENT,
      /max_dispatches_per_second/,
    );
    await rejectsWith(
      h.client.updateQueue({ queue: { name: a, retryConfig: { minBackoff: seconds(5), maxBackoff: seconds(1) } } }),
      status.INVALID_ARGUMENT,
      /min_backoff/,
    );
    await rejectsWith(h.client.updateQueue({ queue: { name: a }, updateMask: { paths: ['state'] } }), status.INVALID_ARGUMENT, /output only/);
    await rejectsWith(h.client.getQueue({ name: `${PARENT}/queues/nope` }), status.NOT_FOUND);
    await rejectsWith(h.client.listQueues({ parent: PARENT, filter: 'name: x' }), status.INVALID_ARGUMENT, /filter/);
  });

  test('tasks: create, get (BASIC omits the body, FULL has it), list in pages, delete; errors', async () => {
    const q = await queue();
    await h.client.pauseQueue({ name: q });
    const body = Buffer.from('{"hello":"world"}');
    const [created] = await h.client.createTask({
      parent: q,
      task: { name: `${q}/tasks/job-1_a`, httpRequest: { url: 'http://127.0.0.1:9/run', body, headers: { 'Content-Type': 'application/json' } } },
    });
    assert.equal(created.name, `${q}/tasks/job-1_a`);
    assert.equal(created.view, 'BASIC');
    assert.equal(created.httpRequest?.body?.length ?? 0, 0, 'BASIC view has no body');
    assert.ok(Number(created.createTime?.seconds) > 0);
    assert.equal(Number(created.dispatchDeadline?.seconds), 600, 'default dispatch deadline 10 min');
    const [full] = await h.client.getTask({ name: created.name, responseView: 'FULL' });
    assert.equal(Buffer.from(full.httpRequest!.body as Uint8Array).toString(), body.toString());
    assert.equal(full.httpRequest?.httpMethod, 'POST');
    assert.equal(full.dispatchCount, 0);

    const [unnamed] = await h.client.createTask({ parent: q, task: { httpRequest: { url: 'http://127.0.0.1:9/x' } } });
    assert.match(unnamed.name!, /\/tasks\/\d+$/);
    await h.client.createTask({ parent: q, task: { httpRequest: { url: 'http://127.0.0.1:9/y' } } });
    const [page1, next] = await h.client.listTasks({ parent: q, pageSize: 2 }, { autoPaginate: false });
    assert.equal(page1.length, 2);
    const [page2] = await h.client.listTasks({ parent: q, pageSize: 2, pageToken: next!.pageToken }, { autoPaginate: false });
    assert.equal(page2.length, 1);
    assert.equal(new Set([...page1, ...page2].map((t) => t.name)).size, 3);

    await rejectsWith(h.client.createTask({ parent: q, task: { name: created.name, httpRequest: { url: 'http://127.0.0.1:9/' } } }), status.ALREADY_EXISTS);
    await h.client.deleteTask({ name: created.name });
    await rejectsWith(h.client.getTask({ name: created.name }), status.NOT_FOUND);
    await rejectsWith(h.client.deleteTask({ name: created.name }), status.NOT_FOUND);
    await rejectsWith(
      h.client.createTask({ parent: q, task: { name: created.name, httpRequest: { url: 'http://127.0.0.1:9/' } } }),
      status.ALREADY_EXISTS,
      /reserved/,
    );

    const bad = (task: Record<string, unknown>, pattern: RegExp) => rejectsWith(h.client.createTask({ parent: q, task }), status.INVALID_ARGUMENT, pattern);
    await bad({ name: `${q}/tasks/has space`, httpRequest: { url: 'http://x/' } }, /task id/);
    await bad({ name: `${PARENT}/queues/other/tasks/t1`, httpRequest: { url: 'http://x/' } }, /not in queue/);
    await bad({ httpRequest: { url: 'ftp://x/' } }, /http:\/\/ or https:\/\//);
    await bad({ httpRequest: { url: 'http://x/', httpMethod: 'GET', body: Buffer.from('x') } }, /body is only allowed/);
    await bad({ httpRequest: { url: 'http://x/' }, dispatchDeadline: seconds(5) }, /dispatch_deadline/);
    await bad({}, /http_request is required/);
    await rejectsWith(h.client.createTask({ parent: `${PARENT}/queues/missing`, task: { httpRequest: { url: 'http://x/' } } }), status.NOT_FOUND, /missing does not exist/);
  });

  test('dispatch: method, body, task headers, Cloud Tasks headers and a verifiable OIDC token', async () => {
    const t = await target();
    const q = await queue();
    const [task] = await h.client.createTask({
      parent: q,
      task: {
        name: `${q}/tasks/hdr`,
        httpRequest: {
          url: `${t.url}/tasks/run?x=1`,
          httpMethod: 'PUT',
          headers: { 'Content-Type': 'application/json', 'X-Custom': 'v', 'User-Agent': 'spoof', Authorization: 'Bearer overridden' },
          body: Buffer.from('{"jobId":"j"}'),
          oidcToken: { serviceAccountEmail: 'invoker@p.iam.gserviceaccount.com', audience: 'https://service.example' },
        },
      },
    });
    const [req] = await t.waitFor(1);
    assert.equal(req!.method, 'PUT');
    assert.equal(req!.url, '/tasks/run?x=1');
    assert.equal(req!.body, '{"jobId":"j"}');
    assert.equal(req!.headers['content-type'], 'application/json');
    assert.equal(req!.headers['x-custom'], 'v');
    assert.equal(req!.headers['user-agent'], 'Google-Cloud-Tasks');
    assert.equal(req!.headers['x-cloudtasks-queuename'], q.split('/').pop());
    assert.equal(req!.headers['x-cloudtasks-taskname'], 'hdr');
    assert.equal(req!.headers['x-cloudtasks-taskretrycount'], '0');
    assert.equal(req!.headers['x-cloudtasks-taskexecutioncount'], '0');
    const eta = Number(req!.headers['x-cloudtasks-tasketa']);
    assert.ok(Math.abs(eta - (Number(task.scheduleTime!.seconds) + (task.scheduleTime!.nanos ?? 0) / 1e9)) < 0.001, 'ETA is the schedule time in seconds');
    assert.equal(req!.headers['x-cloudtasks-taskpreviousresponse'], undefined);
    const token = /^Bearer (.+)$/.exec(req!.headers.authorization ?? '')?.[1];
    assert.ok(token, 'an OIDC bearer token is sent');
    const { payload } = await jwtVerify(token, createLocalJWKSet(await h.issuer.jwks()), { issuer: LOCAL_ISSUER, audience: 'https://service.example' });
    assert.equal(payload.email, 'invoker@p.iam.gserviceaccount.com');

    // Success removes the task and reserves its name.
    await eventually(async () => h.client.getTask({ name: task.name }).then(() => undefined, (e: GrpcError) => (e.code === status.NOT_FOUND ? true : undefined)), 'task removed');
    await rejectsWith(h.client.createTask({ parent: q, task: { name: task.name, httpRequest: { url: t.url } } }), status.ALREADY_EXISTS);

    // Without an audience the token's aud is the task URL.
    const t2 = await target();
    await h.client.createTask({ parent: q, task: { httpRequest: { url: `${t2.url}/p`, oidcToken: { serviceAccountEmail: 'a@p.iam.gserviceaccount.com' } } } });
    const [r2] = await t2.waitFor(1);
    const tok2 = r2!.headers.authorization!.slice('Bearer '.length);
    await jwtVerify(tok2, createLocalJWKSet(await h.issuer.jwks()), { audience: `${t2.url}/p` });
  });

  test('scheduleTime: not dispatched before it; ETA header carries it', async () => {
    const t = await target();
    const q = await queue();
    const at = Date.now() + 400;
    await h.client.createTask({ parent: q, task: { httpRequest: { url: t.url }, scheduleTime: seconds(at / 1000) } });
    const [req] = await t.waitFor(1);
    assert.ok(req!.at >= at - 1, `delivered ${at - req!.at} ms before its schedule time`);
    assert.ok(Math.abs(Number(req!.headers['x-cloudtasks-tasketa']) * 1000 - at) < 1);
  });

  test('retries follow the backoff schedule with retry headers, then the task is dropped after maxAttempts', async () => {
    const t = await target(() => ({ status: 500 }));
    const q = await queue({ retryConfig: { minBackoff: seconds(0.03), maxBackoff: seconds(0.1), maxDoublings: 1, maxAttempts: 5 } });
    const [task] = await h.client.createTask({ parent: q, task: { name: `${q}/tasks/failing`, httpRequest: { url: t.url } } });
    await eventually(async () => h.client.getTask({ name: task.name }).then(() => undefined, (e: GrpcError) => (e.code === status.NOT_FOUND ? true : undefined)), 'task dropped');
    const reqs = t.requests;
    assert.equal(reqs.length, 5, 'exactly maxAttempts attempts');
    assert.deepEqual(reqs.map((r) => r.headers['x-cloudtasks-taskretrycount']), ['0', '1', '2', '3', '4']);
    assert.deepEqual(reqs.map((r) => r.headers['x-cloudtasks-taskpreviousresponse']), [undefined, '500', '500', '500', '500']);
    assert.deepEqual(reqs.map((r) => r.headers['x-cloudtasks-taskexecutioncount']), ['0', '0', '0', '0', '0'], '5xx responses are not executions');
    assert.match(String(reqs[1]!.headers['x-cloudtasks-taskretryreason']), /500/);
    // Each retry's ETA lies at least its backoff after the previous attempt: 30, 60, 100 (cap), 100 ms.
    const expected = [30, 60, 100, 100];
    for (let i = 1; i < reqs.length; i++) {
      const eta = Number(reqs[i]!.headers['x-cloudtasks-tasketa']) * 1000;
      assert.ok(eta - reqs[i - 1]!.at >= expected[i - 1]! - 1, `retry ${i}: ETA ${eta - reqs[i - 1]!.at} ms after the previous attempt, expected ≥ ${expected[i - 1]}`);
      assert.ok(reqs[i]!.at >= eta - 1, `retry ${i} delivered before its ETA`);
    }
    await rejectsWith(h.client.createTask({ parent: q, task: { name: task.name, httpRequest: { url: t.url } } }), status.ALREADY_EXISTS);
  });

  test('4xx responses count as executions and are retried; GetTask shows counts and the last attempt', async () => {
    const t = await target((i) => ({ status: i === 0 ? 404 : 204 }));
    const q = await queue({ retryConfig: { minBackoff: seconds(30), maxBackoff: seconds(60), maxAttempts: 5 } });
    const [task] = await h.client.createTask({ parent: q, task: { httpRequest: { url: t.url } } });
    const waiting = await eventually(
      async () => h.client.getTask({ name: task.name }).then(([g]) => (g.responseCount === 1 ? g : undefined)),
      'the first response recorded',
    );
    assert.equal(waiting.dispatchCount, 1);
    assert.equal(waiting.lastAttempt?.responseStatus?.code, status.NOT_FOUND, 'HTTP 404 is recorded as NOT_FOUND');
    assert.ok(waiting.lastAttempt?.responseTime);
    assert.ok(waiting.firstAttempt?.dispatchTime);
    const ms = (ts: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(ts?.seconds) * 1000 + (ts?.nanos ?? 0) / 1e6;
    assert.ok(Math.abs(ms(waiting.scheduleTime) - ms(waiting.lastAttempt?.responseTime) - 30_000) < 1, 'next attempt 30 s (min backoff) after the response');
    await h.client.runTask({ name: task.name });
    await t.waitFor(2);
    assert.equal(t.requests[1]!.headers['x-cloudtasks-taskexecutioncount'], '1');
    assert.equal(t.requests[1]!.headers['x-cloudtasks-taskpreviousresponse'], '404');
    await eventually(async () => h.client.getTask({ name: task.name }).then(() => undefined, (e: GrpcError) => (e.code === status.NOT_FOUND ? true : undefined)), 'task done');
  });

  test('Retry-After on 429/503 delays the retry beyond the backoff', async () => {
    const t = await target((i) => (i === 0 ? { status: 503, headers: { 'Retry-After': '1' } } : { status: 200 }));
    const q = await queue();
    await h.client.createTask({ parent: q, task: { httpRequest: { url: t.url } } });
    const reqs = await t.waitFor(2);
    const eta = Number(reqs[1]!.headers['x-cloudtasks-tasketa']) * 1000;
    assert.ok(eta - reqs[0]!.at >= 999, `retry ETA only ${eta - reqs[0]!.at} ms after the 503 (Retry-After: 1)`);
    assert.ok(reqs[1]!.at >= eta - 1);
    assert.equal(reqs[1]!.headers['x-cloudtasks-taskpreviousresponse'], '503');
  });

  test('rate limits: attempts in flight never exceed maxConcurrentDispatches; dispatch rate follows the bucket', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const t = await target(() => ({ status: 200, holdUntil: released }));
    const q = await queue({ rateLimits: { maxConcurrentDispatches: 2, maxDispatchesPerSecond: 500 } });
    await h.client.pauseQueue({ name: q });
    for (let i = 0; i < 8; i++) await h.client.createTask({ parent: q, task: { httpRequest: { url: t.url } } });
    await h.client.resumeQueue({ name: q });
    await t.waitFor(2);
    await new Promise((r) => setTimeout(r, 200)); // observation window: a third must not arrive while two are held
    assert.equal(t.requests.length, 2);
    release();
    await t.waitFor(8);
    assert.ok(t.maxConcurrent <= 2, `saw ${t.maxConcurrent} attempts in flight`);

    const t2 = await target();
    const q2 = await queue({ rateLimits: { maxDispatchesPerSecond: 10 } }); // burst 10
    await h.client.pauseQueue({ name: q2 });
    for (let i = 0; i < 13; i++) await h.client.createTask({ parent: q2, task: { httpRequest: { url: t2.url } } });
    const resumedAt = Date.now();
    await h.client.resumeQueue({ name: q2 });
    const reqs = await t2.waitFor(13);
    // At most 10 tokens at resume, then one per 100 ms: the 13th dispatch is ≥ 300 ms later.
    assert.ok(reqs[12]!.at - resumedAt >= 299, `13 dispatches at 10/s with burst 10 done ${reqs[12]!.at - resumedAt} ms after resume`);
  });

  test('paused queue dispatches nothing until resumed; RunTask forces a dispatch', async () => {
    const t = await target();
    const q = await queue();
    await h.client.pauseQueue({ name: q });
    const [task] = await h.client.createTask({ parent: q, task: { httpRequest: { url: t.url } } });
    const [forced] = await h.client.createTask({ parent: q, task: { httpRequest: { url: `${t.url}/forced` } } });
    await new Promise((r) => setTimeout(r, 300)); // observation window: nothing may arrive
    assert.equal(t.requests.length, 0);
    const [[listed]] = await h.client.listTasks({ parent: q, pageSize: 1 }, { autoPaginate: false });
    assert.equal(listed?.dispatchCount, 0);

    const [ran] = await h.client.runTask({ name: forced.name });
    assert.equal(ran.dispatchCount, 1);
    const [first] = await t.waitFor(1);
    assert.equal(first!.url, '/forced');
    await h.client.resumeQueue({ name: q });
    await t.waitFor(2);
    await eventually(async () => h.client.getTask({ name: task.name }).then(() => undefined, (e: GrpcError) => (e.code === status.NOT_FOUND ? true : undefined)), 'task done');
  });

  test('purge removes every task and reserves their names', async () => {
    const q = await queue();
    await h.client.pauseQueue({ name: q });
    await h.client.createTask({ parent: q, task: { name: `${q}/tasks/p1`, httpRequest: { url: 'http://127.0.0.1:9/' } } });
    const [purged] = await h.client.purgeQueue({ name: q });
    assert.ok(purged.purgeTime);
    const [tasks] = await h.client.listTasks({ parent: q });
    assert.equal(tasks.length, 0);
    await rejectsWith(h.client.createTask({ parent: q, task: { name: `${q}/tasks/p1`, httpRequest: { url: 'http://127.0.0.1:9/' } } }), status.ALREADY_EXISTS);
  });
});

describe('tasks emulator: deadlines, timeScale and restarts', () => {
  test('a deleted queue name is held when deletedQueueHoldMs is set (FAILED_PRECONDITION), task names with dedupeWindowMs 0 are free', async () => {
    const h = await startEmulator({ deletedQueueHoldMs: 60_000, dedupeWindowMs: 0 });
    try {
      const q = `${PARENT}/queues/held`;
      await h.client.createQueue({ parent: PARENT, queue: { name: q } });
      await h.client.pauseQueue({ name: q });
      await h.client.createTask({ parent: q, task: { name: `${q}/tasks/t`, httpRequest: { url: 'http://127.0.0.1:9/' } } });
      await h.client.deleteTask({ name: `${q}/tasks/t` });
      await h.client.createTask({ parent: q, task: { name: `${q}/tasks/t`, httpRequest: { url: 'http://127.0.0.1:9/' } } });
      await h.client.deleteQueue({ name: q });
      await rejectsWith(h.client.createQueue({ parent: PARENT, queue: { name: q } }), status.FAILED_PRECONDITION, /deleted recently/);
      await rejectsWith(h.client.updateQueue({ queue: { name: q } }), status.FAILED_PRECONDITION);
    } finally {
      await h.dispose();
    }
  });

  test('dispatchDeadline aborts a slow attempt, counts it as failed and retries', async () => {
    // timeScale 0.01: the minimum 15 s deadline becomes 150 ms.
    const h = await startEmulator({ timeScale: 0.01 });
    const t = await startTarget((i) => (i === 0 ? { status: 200, delayMs: 5000 } : { status: 200 }));
    try {
      const q = `${PARENT}/queues/deadline`;
      await h.client.createQueue({ parent: PARENT, queue: { name: q, retryConfig: { minBackoff: seconds(1), maxBackoff: seconds(1), maxAttempts: 3 } } });
      const [task] = await h.client.createTask({ parent: q, task: { httpRequest: { url: t.url }, dispatchDeadline: seconds(15) } });
      const reqs = await t.waitFor(2);
      assert.equal(reqs[1]!.headers['x-cloudtasks-taskretrycount'], '1');
      assert.equal(reqs[1]!.headers['x-cloudtasks-taskretryreason'], 'DEADLINE_EXCEEDED');
      assert.equal(reqs[1]!.headers['x-cloudtasks-taskpreviousresponse'], undefined, 'no response was received');
      assert.equal(reqs[1]!.headers['x-cloudtasks-taskexecutioncount'], '0');
      await eventually(async () => h.client.getTask({ name: task.name }).then(() => undefined, (e: GrpcError) => (e.code === status.NOT_FOUND ? true : undefined)), 'task done');
    } finally {
      await t.close();
      await h.dispose();
    }
  });

  test('state survives a restart: a pending task is delivered, an interrupted attempt is redelivered', async () => {
    const dataDir = tempDir();
    const t = await startTarget((i, req) => (req.url === '/slow' && i === 0 ? { status: 200, delayMs: 10_000 } : { status: 200 }));
    const q = `${PARENT}/queues/persist`;
    let h = await startEmulator({ dataDir, closeGraceMs: 20 });
    try {
      await h.client.createQueue({ parent: PARENT, queue: { name: q, rateLimits: { maxConcurrentDispatches: 5 } } });
      await h.client.createTask({ parent: q, task: { name: `${q}/tasks/slow`, httpRequest: { url: `${t.url}/slow` } } });
      await h.client.createTask({ parent: q, task: { name: `${q}/tasks/later`, httpRequest: { url: `${t.url}/later` }, scheduleTime: seconds((Date.now() + 60_000) / 1000) } });
      await t.waitFor(1); // the slow attempt is in flight
      await h.stop();

      h = await startEmulator({ dataDir, closeGraceMs: 20 });
      const [queueAfter] = await h.client.getQueue({ name: q });
      assert.equal(queueAfter.rateLimits?.maxConcurrentDispatches, 5);
      const [later] = await h.client.getTask({ name: `${q}/tasks/later` });
      assert.equal(later.dispatchCount, 0);
      const reqs = await t.waitFor(2);
      assert.equal(reqs[1]!.url, '/slow');
      assert.equal(reqs[1]!.headers['x-cloudtasks-taskname'], 'slow');
      assert.equal(reqs[1]!.headers['x-cloudtasks-taskretrycount'], '1', 'the interrupted attempt counts as dispatched');
      // The scheduled task is delivered after the restart when forced to run now.
      await h.client.runTask({ name: `${q}/tasks/later` });
      const all = await t.waitFor(3);
      assert.equal(all[2]!.url, '/later');
    } finally {
      await t.close();
      await h.dispose();
    }
  });
});

test('standalone CLI: prints its address and client options, serves the API, stops cleanly on SIGTERM', async () => {
  const dataDir = tempDir();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/tasks-emulator/cli.ts', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TASUKI_TASKS_EMULATOR: '' },
  });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /TASUKI_TASKS_EMULATOR=127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`CLI exited early (${code}): ${out}`)));
    });
    assert.match(out, /sslCreds: grpc\.credentials\.createInsecure\(\)/);
    const client = clientFor(port);
    const [q] = await client.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/cli` } });
    assert.equal(q.state, 'RUNNING');
    await client.close();
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
