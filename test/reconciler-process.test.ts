// Issue 9's reproduction, with the service as a real process, the real emulator and the SQLite
// file: a 3-attempt queue, a job killed mid-run (SIGKILL), the service kept down until every
// delivery of the task has been refused, then started again. Without the reconciler the job
// stayed `running` forever; with it (the local Cloud Scheduler stand-in calling /tasks/sweep),
// the job ends within two lease periods plus one sweep interval of the restart.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { LocalIssuer } from '../local/issuer.js';
import { startSweepScheduler, type SweepScheduler } from '../local/sweepScheduler.js';
import { startTasksEmulator, type TasksEmulator } from '../local/tasks-emulator/emulator.js';
import { loadConfig, type Config } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import { createCloudTasksQueue } from '../service/queue/cloudTasksQueue.js';
import { createStore } from '../service/store/createStore.js';
import type { Store } from '../service/store/store.js';
import type { JobRecord } from '../shared/job.js';
import { USER, startJwksServer, tempDir } from './support/spine.js';
import { freePort, startServiceProcess, type ServiceProcess } from './support/spineProcess.js';

const log = createLogger({ level: 'silent' });
const LEASE_SECONDS = 2;
const SWEEP_MS = 1000;
let dataDir: string;
let issuer: LocalIssuer;
let emulator: TasksEmulator;
let jwks: { url: string; close(): Promise<void> };
let env: Record<string, string>;
let config: Config;
let store: Store;
let sweeps: SweepScheduler;
const running: ServiceProcess[] = [];

before(async () => {
  dataDir = tempDir('tasuki-reconcile-');
  issuer = LocalIssuer.open(dataDir);
  jwks = await startJwksServer(issuer);
  // timeScale 0.5: the 3 attempts come at 0 s, 0.5 s and 1.5 s, all while the service is down.
  emulator = await startTasksEmulator({ dataDir, issuer, logger: log, timeScale: 0.5 });
  const port = await freePort();
  env = {
    TASUKI_MODE: 'local',
    TASUKI_DATA_DIR: dataDir,
    TASUKI_SERVICE_URL: `http://127.0.0.1:${port}`,
    TASUKI_TASKS_EMULATOR: emulator.address,
    TASUKI_GOOGLE_ROOT_URL: jwks.url,
    TASUKI_QUEUE_MAX_ATTEMPTS: '3',
    TASUKI_LEASE_SECONDS: String(LEASE_SECONDS),
    LOG_LEVEL: 'warn',
    PORT: String(port),
  };
  config = loadConfig(env);
  store = createStore(config, log);
  sweeps = startSweepScheduler({ serviceUrl: config.serviceUrl, invoker: config.invokerServiceAccount, issuer, intervalMs: SWEEP_MS, logger: log });
});

after(async () => {
  sweeps.close();
  for (const p of running) p.kill('SIGKILL');
  await Promise.all(running.map((p) => p.exited));
  await emulator.close();
  await store.close();
  await jwks.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<ServiceProcess> {
  const p = startServiceProcess(env, Number(env.PORT));
  running.push(p);
  await p.ready();
  return p;
}

async function waitForJob(id: string, until: (j: JobRecord) => boolean, what: string, timeoutMs: number): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await store.getJob(id);
    if (job && until(job)) return job;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(job)}\n${running.map((p) => p.output()).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a job whose service died for the whole retry schedule is recovered by the sweep and succeeds, once', async () => {
  const first = await start();
  const token = await issuer.mintIdToken({ aud: config.scriptClientId, email: USER });
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
  await waitForJob(id, (j) => j.status === 'running', 'the run to start', 10_000);
  await new Promise((r) => setTimeout(r, 1500));
  first.kill('SIGKILL');
  await first.exited;
  // Down long enough for every attempt of the task to be refused: the task is gone.
  const taskName = (await store.getJob(id))!.taskName!;
  const queue = createCloudTasksQueue(config, log);
  const gone = Date.now() + 20_000;
  while ((await queue.exists(taskName)) && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
  assert.equal(await queue.exists(taskName), false, 'the task spent its attempts while the service was down');
  await queue.close();
  assert.equal((await store.getJob(id))!.status, 'running', 'stranded: running, with no task behind it');

  const restartedAt = Date.now();
  await start();
  const done = await waitForJob(id, (j) => j.status === 'succeeded', 'the recovered job to succeed', 2 * LEASE_SECONDS * 1000 + SWEEP_MS + 15_000);
  assert.equal(done.generation, 2, 'the reconciler queued a second generation');
  assert.equal(done.recoveries, 1);
  assert.deepEqual(done.result, { message: 'stranded?', steps: 1 });
  // The work ran once per generation at most, and the finished step was not repeated after the
  // recovery (it had not finished before the kill, so it ran exactly once in generation 2).
  assert.deepEqual(Object.keys(done.steps).filter((k) => !k.startsWith('$')), ['echo-1']);
  assert.ok(Date.now() - restartedAt < 2 * LEASE_SECONDS * 1000 + SWEEP_MS + 10_000, 'ended within two leases and a sweep of the restart (plus the 5 s job)');
});
