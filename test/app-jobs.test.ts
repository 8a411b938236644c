// The job API end to end: supertest → the real app → real SQLite store → the real Cloud Tasks
// emulator over gRPC → /tasks/run → system.echo. Enqueue, validation, idempotency, ownership,
// listing, cancel (queued and running) and retry (a new generation and task).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { createApp } from '../service/app.js';
import { queuePath } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import { startTasksEmulator, type TasksEmulator } from '../local/tasks-emulator/emulator.js';
import { clientFor } from './support/tasks-harness.js';
import { OTHER_USER, USER, startSpine, type Spine } from './support/spine.js';

let s: Spine;
let tasks: CloudTasksClient;
let restartedEmulator: TasksEmulator | undefined;

before(async () => {
  s = await startSpine();
  tasks = clientFor(s.emulator.port);
});

after(async () => {
  await tasks.close();
  await restartedEmulator?.close();
  await s.close();
});

async function as(email: string) {
  return `Bearer ${await s.userToken(email)}`;
}

async function enqueue(body: unknown, email = USER) {
  return request(s.url).post('/v1/jobs').set('authorization', await as(email)).send(body as object);
}

async function pendingTasks(): Promise<string[]> {
  const [list] = await tasks.listTasks({ parent: queuePath(s.config) });
  return list.map((t) => t.name ?? '');
}

async function withPausedQueue<T>(fn: () => Promise<T>): Promise<T> {
  await tasks.pauseQueue({ name: queuePath(s.config) });
  try {
    return await fn();
  } finally {
    await tasks.resumeQueue({ name: queuePath(s.config) });
  }
}

test('enqueue answers 202 with the queued job; the emulator dispatches it and it succeeds', async () => {
  // Paused while the answer is made: the emulator dispatches at once, so a quick job could already
  // be running (or done) when the route reads the job back, and the answer would not say queued.
  const res = await withPausedQueue(() => enqueue({ kind: 'system.echo', input: { message: 'こんにちは', steps: 2 }, reply: { chat: { space: s.config.chatSpace } }, locale: 'ja' }));
  assert.equal(res.status, 202);
  assert.equal(res.body.created, true);
  const view = res.body.job;
  assert.match(view.id, /^j-[0-9a-f]{32}$/);
  assert.equal(view.status, 'queued');
  assert.equal(view.requestedBy, USER);
  assert.deepEqual(view.input, { message: 'こんにちは', steps: 2, delayMs: 0, failTimes: 0, failPermanently: false }, 'defaults applied');
  assert.equal(view.taskName, undefined, 'the task name is derived, not stored');
  assert.equal(view.lease, undefined, 'internals are not exposed');

  const done = await s.waitForJob(view.id, (j) => j.status === 'succeeded' && s.reply.finishedFor(j.id).length > 0);
  assert.deepEqual(done.result, { message: 'こんにちは', steps: 2 });
  assert.equal(done.attempts, 1);
  assert.deepEqual(Object.keys(done.steps).filter((k) => !k.startsWith('$')).sort(), ['echo-1', 'echo-2']);
  assert.deepEqual(done.progress && [done.progress.done, done.progress.total], [2, 2]);
  assert.equal(s.reply.finishedFor(view.id).length, 1);

  const got = await request(s.url).get(`/v1/jobs/${view.id}`).set('authorization', await as(USER));
  assert.equal(got.status, 200);
  assert.equal(got.body.job.status, 'succeeded');
  assert.ok(got.body.job.steps.includes('echo-1'));

  // The worker's own bookkeeping steps ($reported) stay in the record but not in the API's view.
  await s.waitForJob(view.id, (j) => j.report?.state === "delivered");
  const reported = await request(s.url).get(`/v1/jobs/${view.id}`).set('authorization', await as(USER));
  assert.deepEqual(reported.body.job.steps.sort(), ['echo-1', 'echo-2']);
});

test('malformed bodies: 400 naming each bad field, and nothing is recorded', async () => {
  const who = 'malformed@example.co.jp';
  const cases: Array<[unknown, string[]]> = [
    [{ input: { message: 'x' } }, ['kind']],
    [{ kind: 'no.such.kind', input: {} }, ['kind']],
    [{ kind: 'system.echo', input: { message: 42, steps: 0 } }, ['input.message', 'input.steps']],
    [{ kind: 'system.echo', input: { message: 'x' }, colour: 'red' }, ['(body)']],
    [{ kind: 'system.echo', input: { message: 'x' }, reply: { chat: { space: 'room 1' } } }, ['reply.chat.space']],
    [{ kind: 'system.echo', input: { message: 'x' }, idempotencyKey: 'has spaces' }, ['idempotencyKey']],
    [{ kind: 'system.echo', input: { message: 'x', extra: true } }, ['input']],
  ];
  for (const [body, paths] of cases) {
    const res = await enqueue(body, who);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.code, 'invalid_request');
    const got = (res.body.error.issues as Array<{ path: string }>).map((i) => i.path);
    for (const p of paths) assert.ok(got.includes(p), `${JSON.stringify(body)}: expected an issue at ${p}, got ${got.join(', ')}`);
    for (const p of paths) assert.ok(res.body.error.message.includes(p), 'the message names the field too');
  }
  const badJson = await request(s.url).post('/v1/jobs').set('authorization', await as(who)).set('content-type', 'application/json').send('{"kind":');
  assert.equal(badJson.status, 400);
  assert.equal(badJson.body.error.code, 'invalid_json');
  const notJson = await request(s.url).post('/v1/jobs').set('authorization', await as(who)).set('content-type', 'text/plain').send('kind=system.echo');
  assert.equal(notJson.status, 400);
  assert.match(notJson.body.error.message, /JSON object/);
  const huge = await enqueue({ kind: 'system.echo', input: { message: 'x'.repeat(200_000) } }, who);
  assert.equal(huge.status, 413);
  assert.equal(huge.body.error.code, 'body_too_large');

  assert.deepEqual(await s.store.listJobs({ requestedBy: who }), [], 'no job recorded');
});

test('same idempotencyKey from the same user: one job, one task; other users and other requests differ', async () => {
  const body = { kind: 'system.echo', input: { message: 'once' }, idempotencyKey: 'gmail:msg-123:create' };
  const { first, second, other, pending } = await withPausedQueue(async () => {
    const first = await enqueue(body);
    const second = await enqueue(body);
    const other = await enqueue(body, OTHER_USER);
    return { first, second, other, pending: await pendingTasks() };
  });
  assert.equal(first.status, 202);
  assert.equal(first.body.created, true);
  assert.equal(second.status, 202);
  assert.equal(second.body.created, false);
  assert.equal(second.body.job.id, first.body.job.id);

  assert.notEqual(other.body.job.id, first.body.job.id, 'keys are per user');
  assert.equal(pending.filter((n) => n === s.deps.queue.taskNameFor(first.body.job.id, 1)).length, 1, 'exactly one task for the job');

  const done = await s.waitForJob(first.body.job.id, (j) => j.status === 'succeeded');
  assert.equal(done.attempts, 1, 'ran once');

  const reused = await enqueue({ ...body, input: { message: 'something else' } });
  assert.equal(reused.status, 409);
  assert.equal(reused.body.error.code, 'idempotency_key_reused');
});

test('jobs are visible to their requester only; the list is mine, filterable and validated', async () => {
  const mine = await enqueue({ kind: 'system.echo', input: { message: 'mine' } }, 'lister@example.co.jp');
  await enqueue({ kind: 'system.echo', input: { message: 'theirs' } }, 'partner@example.com');
  const id = mine.body.job.id as string;
  await s.waitForJob(id, (j) => j.status === 'succeeded');

  const foreign = await request(s.url).get(`/v1/jobs/${id}`).set('authorization', await as('partner@example.com'));
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.error.code, 'not_found');
  const foreignCancel = await request(s.url).post(`/v1/jobs/${id}/cancel`).set('authorization', await as('partner@example.com'));
  assert.equal(foreignCancel.status, 404);

  const list = await request(s.url).get('/v1/jobs?mine=1&limit=10').set('authorization', await as('lister@example.co.jp'));
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.jobs.map((j: { id: string }) => j.id), [id]);
  const none = await request(s.url).get('/v1/jobs?mine=1&status=failed').set('authorization', await as('lister@example.co.jp'));
  assert.deepEqual(none.body.jobs, []);
  const bad = await request(s.url).get('/v1/jobs?mine=1&limit=5000&status=lost').set('authorization', await as('lister@example.co.jp'));
  assert.equal(bad.status, 400);
  const paths = bad.body.error.issues.map((i: { path: string }) => i.path).sort();
  assert.deepEqual(paths, ['limit', 'status']);
});

test('cancel of a queued job: canceled, its task deleted, reported once; a second cancel is 409', async () => {
  const { res, cancel, pending } = await withPausedQueue(async () => {
    const res = await enqueue({ kind: 'system.echo', input: { message: 'never' }, reply: { chat: { space: s.config.chatSpace } } });
    const cancel = await request(s.url).post(`/v1/jobs/${res.body.job.id}/cancel`).set('authorization', await as(USER));
    return { res, cancel, pending: await pendingTasks() };
  });
  const id = res.body.job.id as string;
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.job.status, 'canceled');
  assert.ok(!pending.includes(s.deps.queue.taskNameFor(res.body.job.id, 1)), 'the task is deleted');
  await s.waitForJob(id, () => s.reply.finishedFor(id).length === 1, 'the cancellation report');
  const again = await request(s.url).post(`/v1/jobs/${id}/cancel`).set('authorization', await as(USER));
  assert.equal(again.status, 409);
  assert.match(again.body.error.message, /already canceled/);
  const job = await s.store.getJob(id);
  assert.equal(job?.attempts, 0, 'never ran');
  assert.equal(s.reply.finishedFor(id).length, 1);
});

test('cancel of a running job: it stops at the next step, is canceled and reported once', async () => {
  const res = await enqueue({ kind: 'system.echo', input: { message: 'long', steps: 50, delayMs: 100 }, reply: { chat: { space: s.config.chatSpace } } });
  const id = res.body.job.id as string;
  await s.waitForJob(id, (j) => j.status === 'running' && Object.keys(j.steps).length >= 1, 'the first step');
  const cancel = await request(s.url).post(`/v1/jobs/${id}/cancel`).set('authorization', await as(USER));
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.job.status, 'running');
  assert.equal(cancel.body.job.cancelRequested, true);
  const done = await s.waitForJob(id, (j) => j.status === 'canceled' && s.reply.finishedFor(id).length > 0);
  assert.ok(Object.keys(done.steps).length < 50, 'stopped early');
  assert.equal(done.lease, undefined);
  assert.equal(s.reply.finishedFor(id).length, 1);
  assert.equal(s.reply.finishedFor(id)[0]?.status, 'canceled');
});

test('retry: failed → queued as the next generation with a new task; refused for succeeded jobs', async () => {
  const res = await enqueue({ kind: 'system.echo', input: { message: 'doomed', failPermanently: true }, reply: { chat: { space: s.config.chatSpace } } });
  const id = res.body.job.id as string;
  const failed = await s.waitForJob(id, (j) => j.status === 'failed' && s.reply.finishedFor(id).length === 1);
  assert.equal(failed.error?.code, 'echo_failed_permanently');
  assert.equal(failed.error?.retryable, false);
  assert.equal(failed.attempts, 1, 'a permanent failure is not retried by the queue');

  // Paused while the answer is made, so it shows the new generation queued, not already failed again.
  const token = await as(USER);
  const retry = await withPausedQueue(async () => request(s.url).post(`/v1/jobs/${id}/retry`).set('authorization', token));
  assert.equal(retry.status, 202);
  assert.equal(retry.body.job.generation, 2);
  assert.equal(retry.body.job.status, 'queued');
  assert.equal(retry.body.job.error, undefined);
  assert.notEqual(s.deps.queue.taskNameFor(id, 2), s.deps.queue.taskNameFor(id, 1), 'a new task name');
  const again = await s.waitForJob(id, (j) => j.status === 'failed' && j.generation === 2 && s.reply.finishedFor(id).length === 2);
  assert.equal(again.attempts, 2);
  assert.deepEqual(s.reply.finishedFor(id).map((c) => c.generation), [1, 2], 'each generation reported once');

  const ok = await enqueue({ kind: 'system.echo', input: { message: 'fine' } });
  await s.waitForJob(ok.body.job.id, (j) => j.status === 'succeeded');
  const refused = await request(s.url).post(`/v1/jobs/${ok.body.job.id}/retry`).set('authorization', await as(USER));
  assert.equal(refused.status, 409);
  assert.match(refused.body.error.message, /already succeeded/);
});

test('health, unknown routes and errors answer JSON without internals', async () => {
  const health = await request(s.url).get('/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(health.body, { ok: true });
  const unknown = await request(s.url).get('/v2/nothing');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'not_found');
  const noJob = await request(s.url).get('/v1/jobs/j-0000').set('authorization', await as(USER));
  assert.equal(noJob.status, 404);
  assert.doesNotMatch(JSON.stringify(noJob.body), /at .*\.ts/);
});

test('summary chart images are served by the app without credentials; unknown ids are a bare 404', async () => {
  const unknown = await request(s.url).get(`/charts/${'a'.repeat(40)}.png`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.text, 'not found');
  const malformed = await request(s.url).get('/charts/../../etc/passwd');
  assert.equal(malformed.status, 404);
});

test("request logs are Cloud Logging JSON with the request's trace", async () => {
  const lines: string[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const app = createApp({ ...s.deps, log: createLogger({ level: 'info', destination: out }) });
  const trace = '105445aa7843bc8bf206b12000100000';
  await request(app).get('/v1/jobs/j-nope').set('x-cloud-trace-context', `${trace}/1;o=1`).set('authorization', await as(USER));
  await request(app).get('/healthz');
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const notFound = entries.find((e) => (e.httpRequest as { status?: number } | undefined)?.status === 404);
  assert.ok(notFound, lines.join('\n'));
  assert.equal(notFound.severity, 'WARNING');
  assert.equal(notFound['logging.googleapis.com/trace'], `projects/${s.config.project}/traces/${trace}`);
  assert.equal(notFound['logging.googleapis.com/spanId'], '1');
  assert.match(String(notFound.message), /GET \/v1\/jobs\/j-nope 404/);
  const health = entries.find((e) => (e.httpRequest as { requestUrl?: string } | undefined)?.requestUrl === '/healthz');
  assert.equal(health?.severity, 'INFO');
  assert.equal(health?.['logging.googleapis.com/trace'], undefined);
});

test('queue down: 503, the job recorded as a retryable failure; the same request queues it once the queue is back (last: stops the emulator)', async () => {
  await s.emulator.close();
  const body = { kind: 'system.echo', input: { message: 'later' }, idempotencyKey: 'queue-down-1' };
  const down = await enqueue(body);
  assert.equal(down.status, 503);
  assert.equal(down.body.error.code, 'queue_unavailable');
  assert.ok(down.get('retry-after'));
  const [recorded] = await s.store.listJobs({ requestedBy: USER, limit: 1 });
  assert.equal(recorded?.status, 'failed', 'visible as failed, never silently queued without a task');
  assert.equal(recorded?.error?.code, 'queue_unavailable');
  assert.equal(recorded?.error?.retryable, true);
  assert.equal(await s.deps.queue.exists(s.deps.queue.taskNameFor(recorded!.id, recorded!.generation)).catch(() => false), false, 'no task');

  restartedEmulator = await startTasksEmulator({ dataDir: s.dataDir, issuer: s.issuer, port: s.emulator.port, logger: createLogger({ level: 'silent' }), timeScale: 0.2 });
  // The client's gRPC channel reconnects with its own backoff; a caller retries after Retry-After.
  let again = await enqueue(body);
  for (const until = Date.now() + 15_000; again.status === 503 && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 200));
    again = await enqueue(body);
  }
  assert.equal(again.status, 202);
  assert.equal(again.body.created, false);
  assert.equal(again.body.job.id, recorded?.id);
  assert.equal(again.body.job.status === 'queued' || again.body.job.status === 'running' || again.body.job.status === 'succeeded', true, 'queued now');
  assert.ok(again.body.job.generation >= 2, 'as a next generation (one per attempt to queue it)');
  await s.waitForJob(recorded!.id, (j) => j.status === 'succeeded');
});
