/**
 * Starting the real service process (service/server.ts) in production mode:
 * - an incomplete, malformed or contradictory configuration exits non-zero before listening,
 *   with a message naming each variable at fault;
 * - a complete configuration (test/support/productionEnv.ts: what `npm run deploy` sets) starts
 *   without any network: the metadata server is pointed at a local black hole that accepts
 *   connections and never answers, and Google's endpoints at a closed port, so anything that
 *   waited on them would hang start; GET /healthz must still answer 200, and SIGTERM must exit 0.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { productionEnv } from './support/productionEnv.js';
import { REPO_ROOT } from './support/runDeploy.js';

const home = mkdtempSync(join(tmpdir(), 'tasuki-prod-start-'));
after(() => rmSync(home, { recursive: true, force: true }));

/** Only what the process needs from this machine; no inherited TASUKI_* or Google settings. */
function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    // No Application Default Credentials file may be found on this machine.
    GOOGLE_APPLICATION_CREDENTIALS: join(home, 'no-such-credentials.json'),
    CLOUDSDK_CONFIG: join(home, 'gcloud'),
  };
}

type Exit = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function startService(env: Record<string, string>): { child: ChildProcess; exited: Promise<Exit>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'service', 'server.ts')], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<Exit>((done) => child.on('exit', (code, signal) => done({ code, signal, stdout, stderr })));
  return { child, exited, output: () => stdout + stderr };
}

async function exitOf(env: Record<string, string>): Promise<Exit> {
  const { child, exited } = startService(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

function listen(server: Server): Promise<number> {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)));
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((done) => s.close(done));
  return port;
}

test('a missing production variable stops start, naming it', async () => {
  const env = { ...baseEnv(), ...productionEnv() };
  delete (env as Record<string, string | undefined>).TASUKI_INVOKER_SA;
  delete (env as Record<string, string | undefined>).TASUKI_CHAT_SPACE;
  const result = await exitOf(env);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /TASUKI_INVOKER_SA is missing; it is required in production/);
  assert.match(result.stderr, /TASUKI_CHAT_SPACE is missing; it is required in production/);
  assert.doesNotMatch(result.stdout, /listening/);
});

test('malformed and contradictory production configurations stop start, naming the variable', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ TASUKI_SERVICE_URL: 'http://tasuki.example' }, /TASUKI_SERVICE_URL must be an https:\/\/ URL in production/],
    [{ TASUKI_STORE: 'sqlite' }, /TASUKI_STORE must be firestore in production/],
    [{ TASUKI_TASKS_EMULATOR: '127.0.0.1:8123' }, /TASUKI_TASKS_EMULATOR is set, but it is only allowed in local mode/],
    [{ TASUKI_PORTAL_ACME_PASSWORD: '' }, /TASUKI_PORTAL_ACME_PASSWORD is missing; portal "acme" has a login/],
  ];
  const results = await Promise.all(cases.map(([change]) => exitOf({ ...baseEnv(), ...productionEnv(), ...change })));
  results.forEach((result, i) => {
    assert.notEqual(result.code, 0, `case ${i}`);
    assert.match(result.stderr, cases[i]![1]);
  });
});

test('a complete production configuration starts with no network and answers /healthz', async (t) => {
  // The GCE metadata server, as a black hole: connections are accepted and never answered.
  const sockets = new Set<Socket>();
  let metadataConnections = 0;
  const blackHole = createServer((socket) => {
    metadataConnections++;
    sockets.add(socket);
    socket.on('error', () => {});
  });
  const metadataPort = await listen(blackHole);
  const closedPort = await freePort();
  const port = await freePort();

  const { child, exited, output } = startService({
    ...baseEnv(),
    ...productionEnv(),
    PORT: String(port),
    GCE_METADATA_HOST: `127.0.0.1:${metadataPort}`,
    GCE_METADATA_IP: `127.0.0.1:${metadataPort}`,
    // Any HTTPS request to Google (token endpoint, APIs) goes through a proxy that is not there.
    HTTPS_PROXY: `http://127.0.0.1:${closedPort}`,
    https_proxy: `http://127.0.0.1:${closedPort}`,
  });
  let exitedEarly: Exit | undefined;
  void exited.then((e) => (exitedEarly = e));
  try {
    let status = 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !exitedEarly) {
      status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(exitedEarly, undefined, `the service exited during start:\n${output()}`);
    assert.equal(status, 200, `GET /healthz did not answer 200 within 30 s:\n${output()}`);
    assert.match(output(), /"mode":"production"/);
    assert.doesNotMatch(output(), /"severity":"(ERROR|CRITICAL)"/);

    child.kill('SIGTERM');
    const exit = await exited;
    assert.equal(exit.code, 0, `SIGTERM should exit 0:\n${output()}`);
    if (process.env.TASUKI_TEST_SHOW_OUTPUT) t.diagnostic(output());
    // Informational: whatever probed the metadata server did so in the background, not on start's path.
    t.diagnostic(`metadata server connections during the run: ${metadataConnections}`);
  } finally {
    if (!exitedEarly && child.exitCode === null) child.kill('SIGKILL');
    for (const s of sockets) s.destroy();
    await new Promise((done) => blackHole.close(done));
  }
});
