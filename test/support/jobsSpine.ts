/**
 * The whole local stack for job tests that must run through the spine: the Workspace sandbox
 * (which also serves the local issuer's JWKS), the Cloud Tasks emulator over gRPC, the real app
 * with its real worker, handlers, SQLite store, Google clients and Chat reply port. Jobs go in
 * through POST /v1/jobs with an add-on ID token and come back through the emulator's deliveries
 * to /tasks/run, exactly as on a laptop running `npm start`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalIssuer } from '../../local/issuer.js';
import { startSandbox, type Sandbox } from '../../local/sandbox/sandbox.js';
import { startTasksEmulator, type TasksEmulator } from '../../local/tasks-emulator/emulator.js';
import { createApp } from '../../service/app.js';
import { loadConfig, type Config } from '../../service/config.js';
import { buildDeps, type BuiltDeps } from '../../service/deps.js';
import { createLogger } from '../../service/logger.js';
import type { JobRecord } from '../../shared/job.js';

export type JobsSpine = {
  url: string;
  config: Config;
  deps: BuiltDeps;
  sandbox: Sandbox;
  issuer: LocalIssuer;
  userToken(email?: string): Promise<string>;
  taskToken(): Promise<string>;
  /** Polls the store until every job satisfies `until`. */
  waitForJobs(ids: string[], until: (job: JobRecord) => boolean, timeoutMs?: number): Promise<JobRecord[]>;
  close(): Promise<void>;
};

export async function startJobsSpine(opts: { chatWriteIntervalMs?: number; timeScale?: number; latencyMs?: number; env?: Record<string, string> } = {}): Promise<JobsSpine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-jobs-spine-'));
  const issuer = LocalIssuer.open(dataDir);
  const log = createLogger({ level: 'silent' });
  const sandbox = await startSandbox({ dataDir, issuer, logger: log, chatLimits: { chatWriteIntervalMs: opts.chatWriteIntervalMs ?? 10, chatWriteBurst: 5 } });
  if (opts.latencyMs) for (const api of ['chat', 'drive', 'sheets', 'docs', 'gmail', 'calendar'] as const) sandbox.faults.set({ api, latencyMs: opts.latencyMs });
  const emulator: TasksEmulator = await startTasksEmulator({ dataDir, issuer, logger: log, timeScale: opts.timeScale ?? 0.2 });
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({
    TASUKI_MODE: 'local',
    TASUKI_DATA_DIR: dataDir,
    TASUKI_SERVICE_URL: url,
    TASUKI_TASKS_EMULATOR: emulator.address,
    TASUKI_GOOGLE_ROOT_URL: sandbox.url,
    TASUKI_ALLOWED_DOMAINS: 'example.co.jp',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const deps = await buildDeps(config, log, { cancelPollMs: 200 });
  await deps.queue.ensureQueue();
  server.on('request', createApp(deps));

  return {
    url,
    config,
    deps,
    sandbox,
    issuer,
    userToken: (email = 'sato@example.co.jp') => issuer.mintIdToken({ aud: config.scriptClientId, email }),
    taskToken: () => issuer.mintIdToken({ aud: config.serviceUrl, email: config.invokerServiceAccount }),
    async waitForJobs(ids, until, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const jobs = await Promise.all(ids.map((id) => deps.store.getJob(id)));
        if (jobs.every((j) => j && until(j))) return jobs as JobRecord[];
        if (Date.now() > deadline) {
          const pending = jobs.filter((j) => !j || !until(j)).map((j) => (j ? `${j.id}:${j.status}:${j.error?.code ?? ''}` : 'missing'));
          throw new Error(`timed out waiting for ${pending.length} jobs: ${pending.slice(0, 5).join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
