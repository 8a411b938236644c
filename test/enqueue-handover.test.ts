// POST /v1/jobs answers once the record is written and the task request is with Cloud Tasks,
// not after Cloud Tasks' answer (routes/enqueueRoute.ts). Against a Cloud Tasks REST endpoint that
// holds its answer: the 202 comes while the endpoint still holds it; a refusal that comes later
// ends the job as failed (queue_unavailable, reported like any failure through the outbox rule); an endpoint that cannot be reached
// at all is still the caller's 503, before anything is answered.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../service/app.js';
import { createLogger } from '../service/logger.js';
import { CloudTasksQueue } from '../service/queue/cloudTasksQueue.js';
import { startSpine, USER, type Spine } from './support/spine.js';

let s: Spine;
let user: string;
type Held = { body: string; answer: (status: number, body: unknown) => void };
const held: Held[] = [];
let waiting: ((h: Held) => void) | undefined;
const stub = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const h: Held = { body, answer: (status, json) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json)) };
    held.push(h);
    waiting?.(h);
  });
});
let stubUrl: string;

before(async () => {
  s = await startSpine();
  user = `Bearer ${await s.userToken()}`;
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});

after(async () => {
  stub.closeAllConnections();
  await new Promise((r) => stub.close(r));
  await s.close();
});

function appOn(baseUrl: string) {
  const queue = new CloudTasksQueue({ config: s.config, logger: createLogger({ level: 'silent' }), endpoint: { baseUrl, token: async () => 'test-token' } });
  return { app: createApp({ ...s.deps, queue }), queue };
}

test('answered while Cloud Tasks still holds the request; a later refusal fails the job (queue_unavailable, retryable)', { timeout: 30_000 }, async () => {
  const { app, queue } = appOn(stubUrl);
  try {
    const got = new Promise<Held>((r) => (waiting = r));
    const res = await request(app).post('/v1/jobs').set('authorization', user).send({ kind: 'system.echo', input: { message: 'handed over' } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.job.status, 'queued');
    const h = await got;
    assert.match(h.body, /"tasks\/run"|\/tasks\/run/, 'the task request reached Cloud Tasks before the answer');
    h.answer(403, { error: { code: 403, status: 'PERMISSION_DENIED', message: 'The principal lacks cloudtasks.tasks.create (test)' } });
    const failed = await s.waitForJob(res.body.job.id, (j) => j.status === 'failed', 'the refused job to fail');
    assert.equal(failed.error?.code, 'queue_unavailable');
    assert.equal(failed.error?.retryable, true);
  } finally {
    waiting = undefined;
    await queue.close();
  }
});

test('no clear answer (a 503 after the request was sent) leaves the job queued for the reconciler, not failed', { timeout: 30_000 }, async () => {
  const { app, queue } = appOn(stubUrl);
  try {
    const got = new Promise<Held>((r) => (waiting = r));
    const res = await request(app).post('/v1/jobs').set('authorization', user).send({ kind: 'system.echo', input: { message: 'unclear' } });
    assert.equal(res.status, 202);
    (await got).answer(503, { error: { code: 503, status: 'UNAVAILABLE', message: 'The service is currently unavailable (test)' } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await s.store.getJob(res.body.job.id))?.status, 'queued');
  } finally {
    waiting = undefined;
    await queue.close();
  }
});

test('an accepted task leaves the job queued for its delivery', { timeout: 30_000 }, async () => {
  const { app, queue } = appOn(stubUrl);
  try {
    const got = new Promise<Held>((r) => (waiting = r));
    const res = await request(app).post('/v1/jobs').set('authorization', user).send({ kind: 'system.echo', input: { message: 'accepted later' } });
    assert.equal(res.status, 202);
    (await got).answer(200, { name: 'projects/x/locations/y/queues/z/tasks/t' });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await s.store.getJob(res.body.job.id))?.status, 'queued');
  } finally {
    waiting = undefined;
    await queue.close();
  }
});

test('Cloud Tasks unreachable: 503 queue_unavailable before any answer, the job recorded as failed', { timeout: 30_000 }, async () => {
  const { app, queue } = appOn('http://127.0.0.1:9');
  try {
    const res = await request(app).post('/v1/jobs').set('authorization', user).send({ kind: 'system.echo', input: { message: 'nowhere' }, idempotencyKey: 'handover-nowhere' });
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'queue_unavailable');
    const jobs = await s.store.listJobs({ requestedBy: USER, limit: 50 });
    const job = jobs.find((j) => j.idempotencyKey === 'handover-nowhere');
    assert.equal(job?.status, 'failed');
    assert.equal(job?.error?.code, 'queue_unavailable');
  } finally {
    await queue.close();
  }
});
