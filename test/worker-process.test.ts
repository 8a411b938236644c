// The service as a real process (service/server.ts) with the real emulator and SQLite file:
// kill -9 between steps → a new process resumes the job after its last finished step;
// SIGTERM → the in-flight job finishes before the process exits; a job longer than the grace
// period is stopped, recorded as retryable, and finished by the next process.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { LocalIssuer } from '../local/issuer.js';
import { startTasksEmulator, type TasksEmulator } from '../local/tasks-emulator/emulator.js';
import { loadConfig, type Config } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import { createStore } from '../service/store/createStore.js';
import type { Store } from '../service/store/store.js';
import type { JobRecord } from '../shared/job.js';
import { USER, startJwksServer, tempDir } from './support/spine.js';
import { freePort, startServiceProcess, type ServiceProcess } from './support/spineProcess.js';

const log = createLogger({ level: 'silent' });
let dataDir: string;
let issuer: LocalIssuer;
let emulator: TasksEmulator;
let jwks: { url: string; close(): Promise<void> };
let env: Record<string, string>;
let port: number;
let config: Config;
let store: Store;
const running: ServiceProcess[] = [];

before(async () => {
  dataDir = tempDir('tasuki-process-');
  issuer = LocalIssuer.open(dataDir);
  jwks = await startJwksServer(issuer);
  // timeScale 0.5: backoffs 0.5 s, 1 s, 2 s… while the new process starts; deadline 7.5 s.
  emulator = await startTasksEmulator({ dataDir, issuer, logger: log, timeScale: 0.5 });
  port = await freePort();
  env = {
    TASUKI_MODE: 'local',
    TASUKI_DATA_DIR: dataDir,
    TASUKI_SERVICE_URL: `http://127.0.0.1:${port}`,
    TASUKI_TASKS_EMULATOR: emulator.address,
    TASUKI_GOOGLE_ROOT_URL: jwks.url,
    // Bounds the wait for a dead holder's lease in the worst case (15 s is Cloud Tasks' minimum).
    TASUKI_DISPATCH_DEADLINE_SECONDS: '15',
    LOG_LEVEL: 'warn',
  };
  config = loadConfig(env);
  store = createStore(config, log);
});

after(async () => {
  for (const p of running) p.kill('SIGKILL');
  await Promise.all(running.map((p) => p.exited));
  await emulator.close();
  await store.close();
  await jwks.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
  const p = startServiceProcess({ ...env, ...extraEnv }, port);
  running.push(p);
  await p.ready();
  return p;
}

async function enqueue(url: string, input: object): Promise<string> {
  const token = await issuer.mintIdToken({ aud: config.scriptClientId, email: USER });
  const res = await fetch(`${url}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'system.echo', input }),
  });
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { job: { id: string } }).job.id;
}

async function waitForJob(id: string, until: (j: JobRecord) => boolean, what: string, timeoutMs = 40_000): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await store.getJob(id);
    if (job && until(job)) return job;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(job)}\n${running.map((p) => p.output()).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const echoSteps = (j: JobRecord) => Object.keys(j.steps).filter((k) => k.startsWith('echo-'));

test('kill -9 between steps: a new process resumes after the last finished step and finishes', async () => {
  const first = await start();
  const id = await enqueue(first.url, { message: 'survive', steps: 6, delayMs: 300 });
  const before = await waitForJob(id, (j) => echoSteps(j).length >= 2, 'two finished steps');
  first.kill('SIGKILL');
  await first.exited;
  const atCrash = await store.getJob(id);
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
  const job = await store.getJob(id);
  assert.equal(job?.status, 'succeeded', 'finished before the process exited');
  assert.equal(job?.attempts, 1);
});

test('SIGTERM with a job longer than the grace period: it is stopped, handed back, and finished by the next process', async () => {
  const p = await start({ TASUKI_SHUTDOWN_GRACE_MS: '200' });
  const id = await enqueue(p.url, { message: 'too long', steps: 5, delayMs: 400 });
  await waitForJob(id, (j) => j.status === 'running' && echoSteps(j).length >= 1, 'the job to be running');
  p.kill('SIGTERM');
  assert.deepEqual(await p.exited, { code: 0, signal: null }, p.output());
  const handedBack = await store.getJob(id);
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
