/**
 * The production bundle (scripts/build-service.ts, what the image runs) really runs jobs, not
 * just /healthz: it is built once into a temp folder, started with plain `node` in local mode as
 * its own process against a real Cloud Tasks emulator and Workspace sandbox (in this process),
 * and a `system.echo` and a `project.create` job go in through POST /v1/jobs with an add-on ID
 * token and must succeed. Each job kind's handler, the SQLite store, the Google clients and the
 * Cloud Tasks client are lazy chunks or externals of the bundle, so a chunk that only breaks when
 * bundled (a file it looks for beside itself, a CommonJS require without a `require`) fails here.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { LocalIssuer } from '../local/issuer.js';
import { startSandbox, type Sandbox } from '../local/sandbox/sandbox.js';
import { startTasksEmulator, type TasksEmulator } from '../local/tasks-emulator/emulator.js';
import { buildService, type ServiceBuild } from '../scripts/build-service.js';
import { loadConfig } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import type { JobView } from '../shared/job.js';

const home = mkdtempSync(join(tmpdir(), 'tasuki-bundle-'));
const dataDir = join(home, 'data');
let bundle: ServiceBuild;
let sandbox: Sandbox;
let emulator: TasksEmulator;
let service: ChildProcess | undefined;
let serviceExit: Promise<number | null>;
let output = '';
let url = '';
let token = '';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  const { port } = s.address() as { port: number };
  await new Promise((done) => s.close(done));
  return port;
}

before(async () => {
  // The image's layout: /app/build/service/ beside /app/node_modules, where the externals live.
  symlinkSync(resolve(import.meta.dirname, '..', 'node_modules'), join(home, 'node_modules'), 'dir');
  bundle = await buildService({ outDir: join(home, 'build', 'service') });
  const issuer = LocalIssuer.open(dataDir);
  const logger = createLogger({ level: 'silent' });
  sandbox = await startSandbox({ dataDir, issuer, logger });
  emulator = await startTasksEmulator({ dataDir, issuer, logger, timeScale: 0.1 });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  service = spawn(process.execPath, [bundle.entry], {
    // The bundle resolves its externals from node_modules above it, as in the image (/app).
    cwd: home,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      NODE_PATH: '',
      TASUKI_MODE: 'local',
      PORT: String(port),
      TASUKI_SERVICE_URL: url,
      TASUKI_DATA_DIR: dataDir,
      TASUKI_GOOGLE_ROOT_URL: sandbox.url,
      TASUKI_TASKS_EMULATOR: emulator.address,
      TASUKI_ALLOWED_DOMAINS: 'example.co.jp',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  service.stdout!.on('data', (d) => (output += d));
  service.stderr!.on('data', (d) => (output += d));
  serviceExit = new Promise((done) => service!.on('exit', (code) => done(code)));
  let exited = false;
  void serviceExit.then(() => (exited = true));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await fetch(`${url}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (exited || Date.now() > deadline) throw new Error(`the bundled service did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  token = await issuer.mintIdToken({ aud: loadConfig({}).scriptClientId, email: 'sato@example.co.jp' });
});

after(async () => {
  if (service && service.exitCode === null) {
    service.kill('SIGTERM');
    const timer = setTimeout(() => service!.kill('SIGKILL'), 10_000);
    await serviceExit;
    clearTimeout(timer);
  }
  await emulator?.close();
  await sandbox?.close();
  rmSync(home, { recursive: true, force: true });
});

async function enqueue(body: unknown): Promise<string> {
  const res = await fetch(`${url}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { job: JobView };
  assert.equal(res.status, 202, `enqueue answered ${res.status}: ${JSON.stringify(json)}\n${output}`);
  return json.job.id;
}

async function finished(id: string, timeoutMs = 45_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const { job } = (await res.json()) as { job: JobView };
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'canceled') return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the bundle is one entry plus lazy chunks, and loads only production packages from node_modules', () => {
  assert.match(bundle.entry, /[\\/]service[\\/]server\.js$/);
  const chunks = bundle.files.filter((f) => f.endsWith('.js') && f !== bundle.entry);
  assert.ok(chunks.some((f) => /[\\/]chunks[\\/]projectCreate-[\w]+\.js$/.test(f)), 'project.create should be a lazy chunk');
  assert.ok(bundle.externals.includes('better-sqlite3') && bundle.externals.includes('google-auth-library'));
  // The queue speaks Cloud Tasks' REST mapping itself (service/queue/cloudTasksRest.ts): no gRPC client in the service.
  assert.ok(!bundle.externals.includes('@google-cloud/tasks') && !bundle.externals.includes('google-gax'), bundle.externals.join(', '));
});

test('system.echo and project.create run to success through the emulator in the bundled service', async () => {
  const echo = await enqueue({ kind: 'system.echo', input: { message: 'bundled', steps: 2 } });
  const project = await enqueue({
    kind: 'project.create',
    idempotencyKey: 'bundle-project-1',
    input: { source: 'console', client: { name: 'バンドル商事' }, newClient: true, title: 'バンドルの確認', due: '2027-02-01', amount: 120_000 },
  });
  const [echoJob, projectJob] = await Promise.all([finished(echo), finished(project)]);
  assert.equal(echoJob.status, 'succeeded', `system.echo: ${JSON.stringify(echoJob.error)}\n${output}`);
  assert.deepEqual(echoJob.result, { message: 'bundled', steps: 2 });
  assert.equal(projectJob.status, 'succeeded', `project.create: ${JSON.stringify(projectJob.error)}\n${output}`);
  assert.match(String((projectJob.result as { projectNumber?: string }).projectNumber), /\d/);
  assert.doesNotMatch(output, /"severity":"(ERROR|CRITICAL)"/, output);
});
