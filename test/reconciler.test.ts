// Every job ends and is reported: the lease heartbeat and takeover, the reconciler's sweep
// (re-enqueue, give-up as abandoned, a lost task, a stale cancel), the outbox delivering after
// the task's attempts are spent, permanent reply errors, and the owner's cancel/retry of a stuck
// job — through the real app, the real Cloud Tasks emulator (gRPC) and a real SQLite store.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { Reconciler, REPORT_WAIT_IN_SWEEP_MS } from '../service/worker/reconciler.js';
import { createJobTask } from '../service/worker/taskDispatch.js';
import type { JobRecord } from '../shared/job.js';
import { USER, startSpine, type Spine } from './support/spine.js';

async function enqueue(s: Spine, input: object): Promise<JobRecord> {
  const res = await request(s.url)
    .post('/v1/jobs')
    .set('authorization', `Bearer ${await s.userToken(USER)}`)
    .send({ kind: 'system.echo', input, reply: { chat: { space: s.config.chatSpace } } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return (await s.store.getJob(res.body.job.id as string))!;
}

/** A job recorded as if a worker had been running it and died: no task, an expired lease. */
async function strandedJob(s: Spine, id: string, over: Partial<JobRecord> = {}): Promise<JobRecord> {
  const long = new Date(Date.now() - 120_000).toISOString();
  const { job } = await s.store.createJob({
    id, kind: 'system.echo', input: { message: id, steps: 1, delayMs: 0, failTimes: 0, failPermanently: false }, status: 'running',
    requestedBy: USER, locale: 'ja', reply: { chat: { space: s.config.chatSpace } }, generation: 1, attempts: 1, steps: {},
    lease: { holder: 'dead-task#0@dead', until: long }, cancelRequested: false,
    createdAt: long, updatedAt: long, startedAt: long, version: 0, ...over,
  });
  return job;
}

async function sweep(s: Spine): Promise<Record<string, number>> {
  const res = await request(s.url).post('/tasks/sweep').set('authorization', `Bearer ${await s.taskToken()}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.sweep as Record<string, number>;
}

describe('leases, sweep and outbox (maxAttempts 8, lease 2 s)', () => {
  let s: Spine;
  before(async () => {
    s = await startSpine({ maxAttempts: 8, env: { TASUKI_LEASE_SECONDS: '2', TASUKI_JOB_MAX_RECOVERIES: '2' } });
  });
  after(() => s.close());

  test('a run longer than its lease keeps the job: the heartbeat renews the lease; no second delivery takes over', async () => {
    const job = await enqueue(s, { message: 'long', steps: 1, delayMs: 3500 });
    const first = await s.waitForJob(job.id, (j) => j.status === 'running' && j.lease !== undefined, 'the run');
    await new Promise((r) => setTimeout(r, 1800));
    const later = (await s.store.getJob(job.id))!;
    assert.equal(later.status, 'running');
    assert.equal(later.lease?.holder, first.lease?.holder, 'the same delivery holds it');
    assert.ok(Date.parse(later.lease!.until) > Date.parse(first.lease!.until), 'the lease was renewed');
    const done = await s.waitForJob(job.id, (j) => j.status === 'succeeded' && j.report?.state === 'delivered', 'success');
    assert.equal(done.attempts, 1, 'ran once');
    assert.equal(s.reply.finishedFor(job.id).length, 1);
  });

  test("a dead holder's lease (another delivery chain) is taken over within one lease period", async () => {
    const job = await strandedJob(s, 'j-takeover-0001', { updatedAt: new Date().toISOString(), lease: { holder: 'other-task#0@dead', until: new Date(Date.now() + 1500).toISOString() } });
    const started = Date.now();
    await createJobTask({ queue: s.deps.queue }, job);
    const done = await s.waitForJob(job.id, (j) => j.status === 'succeeded', 'the takeover');
    assert.ok(Date.now() - started < 2000 + 3000, 'within a lease period (plus a queue backoff)');
    assert.equal(done.attempts, 2);
    assert.equal(s.reply.finishedFor(job.id).length, 1);
  });

  test('sweep: a running job whose holder died and whose task is gone runs again as a new generation, once', async () => {
    const job = await strandedJob(s, 'j-recover-0001');
    const summary = await sweep(s);
    assert.equal(summary.recovered, 1, JSON.stringify(summary));
    const done = await s.waitForJob(job.id, (j) => j.status === 'succeeded' && j.report?.state === 'delivered', 'the recovered run');
    assert.equal(done.generation, 2);
    assert.equal(done.recoveries, 1);
    assert.deepEqual(s.reply.finishedFor(job.id).map((c) => [c.status, c.generation]), [['succeeded', 2]]);
    assert.equal((await sweep(s)).recovered, 0, 'a second sweep finds nothing to do');
  });

  test('sweep: a job past its recovery budget is ended as abandoned (retryable), reported once; Retry runs it', async () => {
    const job = await strandedJob(s, 'j-abandon-0001', { recoveries: 2 });
    const [a, b] = await Promise.all([sweep(s), sweep(s)]);
    assert.equal((a?.abandoned ?? 0) + (b?.abandoned ?? 0), 1, 'two sweeps at once abandon it once');
    const failed = (await s.store.getJob(job.id))!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'abandoned');
    assert.equal(failed.error?.retryable, true);
    assert.match(failed.error!.message, /応答しなくなり/);
    assert.equal(failed.report?.state, 'delivered');
    assert.deepEqual(s.reply.finishedFor(job.id).map((c) => c.status), ['failed']);
    const view = await request(s.url).get(`/v1/jobs/${job.id}`).set('authorization', `Bearer ${await s.userToken(USER)}`);
    assert.equal(view.body.job.error.code, 'abandoned');

    const retry = await request(s.url).post(`/v1/jobs/${job.id}/retry`).set('authorization', `Bearer ${await s.userToken(USER)}`);
    assert.equal(retry.status, 202, JSON.stringify(retry.body));
    const done = await s.waitForJob(job.id, (j) => j.status === 'succeeded' && j.report?.state === 'delivered', 'the retried run');
    assert.equal(done.recoveries, undefined, "the owner's retry starts the budget afresh");
    assert.deepEqual(s.reply.finishedFor(job.id).map((c) => c.status), ['failed', 'succeeded']);
  });

  test('sweep: a queued job whose task was never created (the enqueue crashed) gets its task and runs', async () => {
    const old = new Date(Date.now() - 60_000).toISOString();
    const job = await strandedJob(s, 'j-notask-0001', { status: 'queued', lease: undefined, updatedAt: old });
    assert.equal((await sweep(s)).dispatched, 1);
    await s.waitForJob(job.id, (j) => j.status === 'succeeded' && j.report?.state === 'delivered', 'the run');
  });

  test('cancel of a running job whose holder died cancels it at once and reports it', async () => {
    const job = await strandedJob(s, 'j-stuckcancel-1');
    const res = await request(s.url).post(`/v1/jobs/${job.id}/cancel`).set('authorization', `Bearer ${await s.userToken(USER)}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.job.status, 'canceled');
    await s.waitForJob(job.id, (j) => j.report?.state === 'delivered', 'the report');
    assert.deepEqual(s.reply.finishedFor(job.id).map((c) => c.status), ['canceled']);
  });

  test('cancel of a live running job asks it to stop and shows the request where the user asked', async () => {
    const job = await enqueue(s, { message: 'stop me', steps: 20, delayMs: 200 });
    await s.waitForJob(job.id, (j) => j.status === 'running', 'the run');
    const res = await request(s.url).post(`/v1/jobs/${job.id}/cancel`).set('authorization', `Bearer ${await s.userToken(USER)}`);
    assert.equal(res.body.job.status, 'running');
    assert.equal(res.body.job.cancelRequested, true);
    await s.waitForJob(job.id, (j) => j.status === 'canceled' && j.report?.state === 'delivered', 'the stop');
  });
});

describe('the outbox (maxAttempts 2)', () => {
  let s: Spine;
  before(async () => {
    s = await startSpine({ maxAttempts: 2 });
  });
  after(() => s.close());

  test('a report that fails through every task attempt stays owed and is delivered by a later sweep, once', async () => {
    s.reply.failFinished = 1000;
    const job = await enqueue(s, { message: 'report me', steps: 1 });
    const owed = await s.waitForJob(job.id, (j) => j.status === 'succeeded' && (j.report?.attempts ?? 0) >= 2, 'both task attempts to fail reporting');
    assert.equal(owed.report?.state, 'owed');
    assert.equal(owed.report?.error?.retryable, true);
    assert.equal(await s.deps.queue.exists(s.deps.queue.taskNameFor(owed.id, owed.generation)), false, 'the task is gone');
    s.reply.failFinished = 0;
    // A sweep a while later (past the outbox backoff), as Cloud Scheduler's next minutes would run.
    const later = new Reconciler({ ...s.deps, now: () => new Date(Date.now() + 10 * 60_000) });
    const waitsBefore = s.reply.finishedWaits.length;
    const summary = await later.sweep();
    assert.equal(summary.reported, 1, JSON.stringify(summary));
    assert.deepEqual(s.reply.finishedWaits.slice(waitsBefore), [REPORT_WAIT_IN_SWEEP_MS], 'a sweep lets a report wait its turn in a busy space');
    const done = (await s.store.getJob(job.id))!;
    assert.equal(done.report?.state, 'delivered');
    assert.equal(s.reply.finishedFor(job.id).length, 1);
    assert.equal((await later.sweep()).reported, 0);
  });

  test('a reply target that refuses for good stops the outbox at once; the job shows why', async () => {
    s.reply.refuseFinished = true;
    try {
      const job = await enqueue(s, { message: 'space gone', steps: 1 });
      const failed = await s.waitForJob(job.id, (j) => j.report?.state === 'failed', 'the permanent refusal');
      assert.equal(failed.status, 'succeeded', 'the work itself succeeded');
      assert.equal(failed.report?.attempts, 1, 'tried once');
      const attempts = s.reply.finishedAttempts;
      await new Reconciler({ ...s.deps, now: () => new Date(Date.now() + 3600_000) }).sweep();
      assert.equal(s.reply.finishedAttempts, attempts, 'the sweep does not try again');
      const view = await request(s.url).get(`/v1/jobs/${job.id}`).set('authorization', `Bearer ${await s.userToken(USER)}`);
      assert.equal(view.body.job.report.state, 'failed');
      assert.equal(view.body.job.report.error.code, 'reply_target_gone');
    } finally {
      s.reply.refuseFinished = false;
    }
  });
});
