// The service as a real process (service/server.ts) with the real emulator and SQLite file:
// kill -9 between steps → a new process resumes the job after its last finished step;
// SIGTERM → the in-flight job finishes before the process exits; a job longer than the grace
// period is stopped, recorded as retryable, and finished by the next process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JobRecord } from '../shared/job.js';
import { startProcessHarness, type ProcessHarness } from './support/processHarness.js';
import { USER } from './support/spine.js';

let h: ProcessHarness;

before(async () => {
  // timeScale 0.5: backoffs 0.5 s, 1 s, 2 s… while the new process starts; deadline 7.5 s.
  h = await startProcessHarness({
    prefix: 'tasuki-process-',
    timeScale: 0.5,
    // Bounds the wait for a dead holder's lease in the worst case (15 s is Cloud Tasks' minimum).
    env: { TASUKI_DISPATCH_DEADLINE_SECONDS: '15' },
  });
});

after(() => h.close());

const start = (extraEnv: Record<string, string> = {}) => h.start(extraEnv);
const waitForJob = (id: string, until: (j: JobRecord) => boolean, what: string) => h.waitForJob(id, until, what);

async function enqueue(url: string, input: object): Promise<string> {
  const token = await h.issuer.mintIdToken({ aud: h.config.scriptClientId, email: USER });
  const res = await fetch(`${url}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'system.echo', input }),
  });
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { job: { id: string } }).job.id;
}

const echoSteps = (j: JobRecord) => Object.keys(j.steps).filter((k) => k.startsWith('echo-'));

test('kill -9 between steps: a new process resumes after the last finished step and finishes', async () => {
  const first = await start();
  const id = await enqueue(first.url, { message: 'survive', steps: 6, delayMs: 300 });
  const before = await waitForJob(id, (j) => echoSteps(j).length >= 2, 'two finished steps');
  first.kill('SIGKILL');
  await first.exited;
  const atCrash = await h.store.getJob(id);
  assert.equal(atCrash?.status, 'running', 'the crash left the job running');
  const finishedBeforeCrash = atCrash!.steps;
  const restartedAt = new Date().toISOString();

  const second = await start();
  const done = await waitForJob(id, (j) => j.status === 'succeeded', 'the job to finish after the restart');
  second.kill('SIGTERM');
  await second.exited;
  assert.deepEqual(done.result, { message: 'survive', steps: 6 });
  assert.equal(done.attempts, 2, 'one delivery before the crash, one after');
  for (const [name, record] of Object.entries(finishedBeforeCrash)) {
    assert.deepEqual(done.steps[name], record, `${name} was not run again`);
  }
  const later = echoSteps(done).filter((name) => !(name in finishedBeforeCrash));
  assert.ok(later.length >= 1 && later.length <= 4);
  for (const name of later) assert.ok(done.steps[name]!.finishedAt > restartedAt, `${name} ran after the restart`);
  assert.ok(echoSteps(before).length >= 2);
});

test('SIGTERM: the process stops accepting work but lets the in-flight job finish, then exits 0', async () => {
  const p = await start();
  const id = await enqueue(p.url, { message: 'finish me', steps: 4, delayMs: 250 });
  await waitForJob(id, (j) => j.status === 'running' && echoSteps(j).length >= 1, 'the job to be running');
  p.kill('SIGTERM');
  const exit = await p.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, p.output());
  const job = await h.store.getJob(id);
  assert.equal(job?.status, 'succeeded', 'finished before the process exited');
  assert.equal(job?.attempts, 1);
});

test('SIGTERM with a job longer than the grace period: it is stopped, handed back, and finished by the next process', async () => {
  const p = await start({ TASUKI_SHUTDOWN_GRACE_MS: '200' });
  const id = await enqueue(p.url, { message: 'too long', steps: 5, delayMs: 400 });
  await waitForJob(id, (j) => j.status === 'running' && echoSteps(j).length >= 1, 'the job to be running');
  p.kill('SIGTERM');
  assert.deepEqual(await p.exited, { code: 0, signal: null }, p.output());
  const handedBack = await h.store.getJob(id);
  assert.equal(handedBack?.status, 'queued', 'recorded as waiting for its next delivery');
  assert.equal(handedBack?.error?.code, 'instance_shutting_down');
  assert.equal(handedBack?.lease, undefined, 'the lease is released: the next process need not wait');
  const kept = handedBack!.steps;

  const next = await start();
  const done = await waitForJob(id, (j) => j.status === 'succeeded', 'the job to finish in the next process');
  for (const [name, record] of Object.entries(kept)) assert.deepEqual(done.steps[name], record, `${name} kept`);
  assert.equal(done.error, undefined);
  next.kill('SIGTERM');
  await next.exited;
});
