/**
 * The service as real processes (spineProcess.ts) beside a real Cloud Tasks emulator, a JWKS
 * server for the local issuer and the SQLite store file they share, for tests that kill, stop
 * and restart the service. `start()` runs a service process on the one port (so the emulator's
 * tasks reach whichever process is up); `close()` kills what is left and removes the folder.
 */
import { rmSync } from 'node:fs';
import { LocalIssuer } from '../../local/issuer.js';
import { startTasksEmulator, type TasksEmulator } from '../../local/tasks-emulator/emulator.js';
import { loadConfig, type Config } from '../../service/config.js';
import { createLogger } from '../../service/logger.js';
import { createStore } from '../../service/store/createStore.js';
import type { Store } from '../../service/store/store.js';
import type { JobRecord } from '../../shared/job.js';
import { startJwksServer, tempDir } from './spine.js';
import { freePort, startServiceProcess, type ServiceProcess } from './spineProcess.js';

export type ProcessHarness = {
  issuer: LocalIssuer;
  emulator: TasksEmulator;
  env: Record<string, string>;
  config: Config;
  store: Store;
  /** Starts a service process (extra environment on top of the harness's) and waits until it is healthy. */
  start(extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  /** Polls the store until `until(job)` holds; the failure message carries every process's output. */
  waitForJob(id: string, until: (job: JobRecord) => boolean, what: string, timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
};

/** `timeScale` multiplies the emulator's backoffs and deadlines; `env` is the services' configuration. */
export async function startProcessHarness(opts: { prefix: string; timeScale: number; env: Record<string, string> }): Promise<ProcessHarness> {
  const log = createLogger({ level: 'silent' });
  const dataDir = tempDir(opts.prefix);
  const issuer = LocalIssuer.open(dataDir);
  const jwks = await startJwksServer(issuer);
  const emulator = await startTasksEmulator({ dataDir, issuer, logger: log, timeScale: opts.timeScale });
  const port = await freePort();
  const env: Record<string, string> = {
    TASUKI_MODE: 'local',
    TASUKI_DATA_DIR: dataDir,
    TASUKI_SERVICE_URL: `http://127.0.0.1:${port}`,
    TASUKI_TASKS_EMULATOR: emulator.address,
    TASUKI_GOOGLE_ROOT_URL: jwks.url,
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const config = loadConfig(env);
  const store = createStore(config, log);
  const running: ServiceProcess[] = [];
  return {
    issuer,
    emulator,
    env,
    config,
    store,
    async start(extraEnv = {}) {
      const p = startServiceProcess({ ...env, ...extraEnv }, port);
      running.push(p);
      await p.ready();
      return p;
    },
    async waitForJob(id, until, what, timeoutMs = 40_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await store.getJob(id);
        if (job && until(job)) return job;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(job)}\n${running.map((p) => p.output()).join('\n---\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const p of running) p.kill('SIGKILL');
      await Promise.all(running.map((p) => p.exited));
      await emulator.close();
      await store.close();
      await jwks.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
