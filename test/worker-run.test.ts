// Worker semantics through the real emulator and SQLite store: durable steps across deliveries,
// duplicate deliveries, leases, retryable failures with the queue's backoff, the final attempt,
// exactly-once reporting (also when the reply itself fails once), stale generations.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { handlerRegistry } from '../service/jobs/registry.js';
import { systemEcho } from '../service/jobs/systemEcho.js';
import { type JobContext, type JobHandler } from '../service/worker/jobHandler.js';
import { JobFailure } from '../service/jobFailure.js';
import type { SystemEchoInput } from '../shared/kinds/systemEcho.js';
import { USER, startSpine, type Spine } from './support/spine.js';

/** system.echo, counting real step executions, with two extra behaviours chosen by the message. */
function countingEcho(executions: Map<string, number>, attemptsSeen: Map<string, number[]>): JobHandler<'system.echo'> {
  return {
    kind: 'system.echo',
    input: systemEcho.input,
    async run(ctx: JobContext<SystemEchoInput>) {
      attemptsSeen.set(ctx.job.id, [...(attemptsSeen.get(ctx.job.id) ?? []), ctx.job.attempts]);
      const counted = new Proxy(ctx, {
        get(target, prop) {
          if (prop !== 'step') return Reflect.get(target, prop, target);
          return <T>(name: string, fn: () => Promise<T>) =>
            target.step(name, async () => {
              const key = `${ctx.job.id}/${name}`;
              executions.set(key, (executions.get(key) ?? 0) + 1);
              return fn();
            });
        },
      });
      if (ctx.input.message === 'crash-after-2') {
        await counted.step('one', async () => 1);
        await counted.step('two', async () => 2);
        if (ctx.job.attempts === 1) throw new Error('simulated crash between steps');
        await counted.step('three', async () => 3);
        return { message: 'resumed', steps: 3 };
      }
      if (ctx.input.message === 'bad-result') return { nope: true };
      if (ctx.input.message === 'rate-limited') {
        throw new JobFailure({ code: 'google_429', retryable: true, retryAfterSeconds: 7, userMessage: { ja: '混み合っています。', en: 'Busy.' } });
      }
      return systemEcho.run(counted);
    },
  };
}

async function enqueue(s: Spine, body: object) {
  const res = await request(s.url).post('/v1/jobs').set('authorization', `Bearer ${await s.userToken(USER)}`).send(body);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body.job as { id: string; generation: number };
}

describe('with maxAttempts 5', () => {
  let s: Spine;
  const executions = new Map<string, number>();
  const attemptsSeen = new Map<string, number[]>();

  before(async () => {
    s = await startSpine({ maxAttempts: 5, handlers: handlerRegistry({ 'system.echo': async () => countingEcho(executions, attemptsSeen) }) });
  });
  after(async () => {
    await s.close();
  });

  test('a redelivery resumes after the last finished step: no step runs twice', async () => {
    const job = await enqueue(s, { kind: 'system.echo', input: { message: 'crash-after-2' } });
    const done = await s.waitForJob(job.id, (j) => j.status === 'succeeded');
    assert.deepEqual(attemptsSeen.get(job.id), [1, 2]);
    assert.equal(executions.get(`${job.id}/one`), 1);
    assert.equal(executions.get(`${job.id}/two`), 1);
    assert.equal(executions.get(`${job.id}/three`), 1);
    assert.deepEqual(done.result, { message: 'resumed', steps: 3 });
    assert.equal(done.error, undefined, 'the earlier retryable error is cleared on success');
    // create, lease, step one (written when two starts), the retryable failure carrying step two,
    // the second lease, the outcome carrying step three: no write of a step of its own at the end.
    assert.equal(done.version + 1, 6, 'job-record writes');
  });

  test('a duplicate delivery of a finished job answers 2xx and re-does nothing', async () => {
    const job = await enqueue(s, { kind: 'system.echo', input: { message: 'dup', steps: 3 }, reply: { chat: { space: s.config.chatSpace } } });
    const done = await s.waitForJob(job.id, (j) => j.status === 'succeeded' && s.reply.finishedFor(j.id).length === 1);
    const res = await request(s.url)
      .post('/tasks/run')
      .set('authorization', `Bearer ${await s.taskToken()}`)
      .set('x-cloudtasks-taskname', s.deps.queue.taskNameFor(job.id, 1).split('/').pop()!)
      .set('x-cloudtasks-taskretrycount', '0')
      .set('x-cloudtasks-taskexecutioncount', '1')
      .send({ jobId: job.id, generation: 1 });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'succeeded');
    const after = await s.store.getJob(job.id);
    assert.deepEqual(after?.steps, done.steps, 'step records untouched');
    assert.equal(after?.attempts, 1);
    for (const step of ['echo-1', 'echo-2', 'echo-3']) assert.equal(executions.get(`${job.id}/${step}`), 1, step);
    assert.equal(s.reply.finishedFor(job.id).length, 1, 'not reported again');
  });

  test('a second delivery while the first holds the lease gets 409 with Retry-After', async () => {
    const job = await enqueue(s, { kind: 'system.echo', input: { message: 'slow', steps: 40, delayMs: 200 } });
    await s.waitForJob(job.id, (j) => j.status === 'running' && j.lease !== undefined, 'the job to run');
    const res = await request(s.url)
      .post('/tasks/run')
      .set('authorization', `Bearer ${await s.taskToken()}`)
      .set('x-cloudtasks-taskname', 'some-other-task')
      .set('x-cloudtasks-taskexecutioncount', '0')
      .send({ jobId: job.id, generation: 1 });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'job_busy');
    assert.ok(Number(res.get('retry-after')) >= 1);
    const cancel = await request(s.url).post(`/v1/jobs/${job.id}/cancel`).set('authorization', `Bearer ${await s.userToken(USER)}`);
    assert.equal(cancel.status, 200);
    await s.waitForJob(job.id, (j) => j.status === 'canceled');
  });

  test('retryable failures go back to the queue (503) and are retried with backoff until success', async () => {
    const job = await enqueue(s, { kind: 'system.echo', input: { message: 'flaky', failTimes: 2 }, reply: { chat: { space: s.config.chatSpace } } });
    const done = await s.waitForJob(job.id, (j) => j.status === 'succeeded' && s.reply.finishedFor(j.id).length === 1);
    assert.deepEqual(attemptsSeen.get(job.id), [1, 2, 3]);
    assert.equal(done.attempts, 3);
    const retrying = s.reply.calls.filter((c) => c.jobId === job.id && c.type === 'progress' && c.status === 'queued');
    assert.equal(retrying.length, 2, 'the user saw each retryable failure');
    assert.equal(s.reply.finishedFor(job.id).length, 1);
  });

  test('a handler result that breaks its schema is a permanent failure, reported once', async () => {
    const job = await enqueue(s, { kind: 'system.echo', input: { message: 'bad-result' }, reply: { chat: { space: s.config.chatSpace } } });
    const failed = await s.waitForJob(job.id, (j) => j.status === 'failed' && s.reply.finishedFor(j.id).length === 1);
    assert.equal(failed.error?.code, 'invalid_result');
    assert.equal(failed.attempts, 1);
  });

  test('when the final report fails, the outcome stays recorded and the redelivery reports it', async () => {
    s.reply.failFinished = 1;
    const job = await enqueue(s, { kind: 'system.echo', input: { message: 'report me' }, reply: { chat: { space: s.config.chatSpace } } });
    const done = await s.waitForJob(job.id, (j) => j.status === 'succeeded' && j.report?.state === "delivered");
    assert.equal(s.reply.finishedFor(job.id).length, 1);
    assert.equal(done.attempts, 1, 'the job itself ran once');
  });

  test("a redelivery of a crashed delivery's chain takes its live lease over at once and resumes", async () => {
    const at = new Date().toISOString();
    await s.store.createJob({
      id: 'j-crashed-holder', kind: 'system.echo', input: { message: 'resume', steps: 2, delayMs: 0, failTimes: 0, failPermanently: false },
      status: 'running', requestedBy: USER, locale: 'en', generation: 1, attempts: 1, cancelRequested: false, createdAt: at, updatedAt: at, version: 0,
      steps: { 'echo-1': { output: { index: 1, startedAt: at }, finishedAt: at } },
      lease: { holder: 'crashed-task#0@deadbeef', until: new Date(Date.now() + 600_000).toISOString() },
    });
    const deliver = async (task: string) =>
      request(s.url).post('/tasks/run').set('authorization', `Bearer ${await s.taskToken()}`).set('x-cloudtasks-taskname', task)
        .set('x-cloudtasks-taskexecutioncount', '0').send({ jobId: 'j-crashed-holder', generation: 1 });
    const other = await deliver('another-task');
    assert.equal(other.status, 409, 'another chain waits for the lease');
    const same = await deliver('crashed-task');
    assert.equal(same.status, 200);
    const job = await s.store.getJob('j-crashed-holder');
    assert.equal(job?.status, 'succeeded');
    assert.equal(job?.attempts, 2);
    assert.equal(job?.steps['echo-1']?.finishedAt, at, 'the finished step was kept');
    assert.equal(executions.get('j-crashed-holder/echo-1'), undefined, 'and not run again');
    assert.equal(executions.get('j-crashed-holder/echo-2'), 1);
  });

  test('a retryable failure carrying Retry-After answers 429 with that header; the job waits queued', async () => {
    // Recorded directly (no task): this test is the delivery.
    const at = new Date().toISOString();
    await s.store.createJob({
      id: 'j-rate-limited', kind: 'system.echo', input: { message: 'rate-limited', steps: 1, delayMs: 0, failTimes: 0, failPermanently: false },
      status: 'queued', requestedBy: USER, locale: 'ja', generation: 1, attempts: 0, steps: {}, cancelRequested: false, createdAt: at, updatedAt: at, version: 0,
    });
    const res = await request(s.url)
      .post('/tasks/run')
      .set('authorization', `Bearer ${await s.taskToken()}`)
      .set('x-cloudtasks-taskname', 'direct')
      .set('x-cloudtasks-taskretrycount', '0')
      .send({ jobId: 'j-rate-limited', generation: 1 });
    assert.equal(res.status, 429);
    assert.equal(res.get('retry-after'), '7');
    const job = await s.store.getJob('j-rate-limited');
    assert.equal(job?.status, 'queued');
    assert.equal(job?.lease, undefined, 'the lease is released for the next delivery');
    assert.deepEqual(job?.error, { code: 'google_429', message: '混み合っています。', retryable: true, userMessage: { ja: '混み合っています。', en: 'Busy.' } });
  });

  test('a delivery of an older generation is dropped with 200', async () => {
    const job = await enqueue(s, { kind: 'system.echo', input: { message: 'gen', failPermanently: true } });
    await s.waitForJob(job.id, (j) => j.status === 'failed');
    const retry = await request(s.url).post(`/v1/jobs/${job.id}/retry`).set('authorization', `Bearer ${await s.userToken(USER)}`);
    assert.equal(retry.status, 202);
    await s.waitForJob(job.id, (j) => j.status === 'failed' && j.generation === 2);
    const res = await request(s.url).post('/tasks/run').set('authorization', `Bearer ${await s.taskToken()}`).send({ jobId: job.id, generation: 1 });
    assert.equal(res.status, 200);
    assert.equal(res.body.ignored, 'stale_generation');
  });
});

describe('with maxAttempts 2', () => {
  let s: Spine;
  before(async () => {
    s = await startSpine({ maxAttempts: 2 });
  });
  after(async () => {
    await s.close();
  });

  test('a retryable failure on the final attempt fails the job, reported once, nothing lost', async () => {
    const job = await enqueue(s, { kind: 'system.echo', input: { message: 'always flaky', failTimes: 10 }, reply: { chat: { space: s.config.chatSpace } } });
    const failed = await s.waitForJob(job.id, (j) => j.status === 'failed' && s.reply.finishedFor(j.id).length === 1);
    assert.equal(failed.attempts, 2);
    assert.equal(failed.error?.code, 'echo_failed_retryably');
    assert.equal(failed.error?.retryable, true, 'Retry can still help');
    assert.ok(failed.finishedAt);
    // The task is done (2xx on the final attempt): no further deliveries, no second report.
    const res = await request(s.url).post('/tasks/run').set('authorization', `Bearer ${await s.taskToken()}`).set('x-cloudtasks-taskretrycount', '5').send({ jobId: job.id, generation: 1 });
    assert.equal(res.status, 200);
    assert.equal(s.reply.finishedFor(job.id).length, 1);
    assert.equal((await s.store.getJob(job.id))?.attempts, 2);
  });
});
