// Issue 9's reproduction, with the service as a real process, the real emulator and the SQLite
// file: a 3-attempt queue, a job killed mid-run (SIGKILL), the service kept down until every
// delivery of the task has been refused, then started again. Without the reconciler the job
// stayed `running` forever; with it (the local Cloud Scheduler stand-in calling /tasks/sweep),
// the job is recovered as a second generation and succeeds once. (That it ends within two lease
// periods plus one sweep interval of the restart is measured by `npm run chaos:repro`.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSweepScheduler, type SweepScheduler } from '../local/sweepScheduler.js';
import { createLogger } from '../service/logger.js';
import { createCloudTasksQueue } from '../service/queue/cloudTasksQueue.js';
import { startProcessHarness, type ProcessHarness } from './support/processHarness.js';
import { USER } from './support/spine.js';

const LEASE_SECONDS = 2;
const SWEEP_MS = 1000;
let h: ProcessHarness;
let sweeps: SweepScheduler;

before(async () => {
  // timeScale 0.5: the 3 attempts come at 0 s, 0.5 s and 1.5 s, all while the service is down.
  h = await startProcessHarness({
    prefix: 'tasuki-reconcile-',
    timeScale: 0.5,
    env: { TASUKI_QUEUE_MAX_ATTEMPTS: '3', TASUKI_LEASE_SECONDS: String(LEASE_SECONDS) },
  });
  sweeps = startSweepScheduler({ serviceUrl: h.config.serviceUrl, invoker: h.config.invokerServiceAccount, issuer: h.issuer, intervalMs: SWEEP_MS, logger: createLogger({ level: 'silent' }) });
});

after(async () => {
  sweeps.close();
  await h.close();
});

test('a job whose service died for the whole retry schedule is recovered by the sweep and succeeds, once', async () => {
  const first = await h.start();
  const token = await h.issuer.mintIdToken({ aud: h.config.scriptClientId, email: USER });
  // A fresh process may answer 503 (auth_unavailable: its first key fetch timed out on a loaded
  // machine); a caller retries, as the add-on does.
  let res: Response;
  for (let tries = 0; ; tries++) {
    res = await fetch(`${first.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'system.echo', input: { message: 'stranded?', steps: 1, delayMs: 5000 }, idempotencyKey: 'stranded-1' }),
    });
    if (res.status !== 503 || tries >= 20) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(res.status, 202, await res.clone().text());
  const id = ((await res.json()) as { job: { id: string } }).job.id;
  await h.waitForJob(id, (j) => j.status === 'running', 'the run to start', 10_000);
  await new Promise((r) => setTimeout(r, 1500));
  first.kill('SIGKILL');
  await first.exited;
  // Down long enough for every attempt of the task to be refused: the task is gone.
  const queue = createCloudTasksQueue(h.config, createLogger({ level: 'silent' }));
  const taskName = queue.taskNameFor(id, 1);
  const gone = Date.now() + 20_000;
  while ((await queue.exists(taskName)) && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
  assert.equal(await queue.exists(taskName), false, 'the task spent its attempts while the service was down');
  await queue.close();
  assert.equal((await h.store.getJob(id))!.status, 'running', 'stranded: running, with no task behind it');

  await h.start();
  // How soon is measured by `npm run chaos:repro` (a benchmark-like script), not asserted here:
  // a timed assertion fails on a loaded machine for reasons that are not the engine's. The wait
  // below only bounds the test.
  const done = await h.waitForJob(id, (j) => j.status === 'succeeded', 'the recovered job to succeed', 90_000);
  assert.equal(done.generation, 2, 'the reconciler queued a second generation');
  assert.equal(done.recoveries, 1);
  assert.deepEqual(done.result, { message: 'stranded?', steps: 1 });
  // The work ran once per generation at most, and the finished step was not repeated after the
  // recovery (it had not finished before the kill, so it ran exactly once in generation 2).
  assert.deepEqual(Object.keys(done.steps).filter((k) => !k.startsWith('$')), ['echo-1']);
});
