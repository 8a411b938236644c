/**
 * The whole local stack for browser tests, in-process on random ports with a temp data folder:
 * `startStack` from local/stack.ts when it exists (exactly what `npm start` runs); until then the
 * same pieces assembled here — the Workspace sandbox (seeded), the Cloud Tasks emulator, the
 * service (real app, SQLite store, Google clients pointed at the sandbox) and the console router
 * mounted on the sandbox's app. `close()` stops everything and deletes the folder.
 * TASUKI_CONSOLE_TEST_STACK=inprocess forces the in-process assembly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAddonRouter } from '../../local/console/addonRoutes.js';
import { createConsoleRouter } from '../../local/console/consoleRouter.js';
import { LocalIssuer } from '../../local/issuer.js';
import { startSandbox, type Sandbox } from '../../local/sandbox/sandbox.js';
import { startTasksEmulator } from '../../local/tasks-emulator/emulator.js';
import { createApp } from '../../service/app.js';
import { loadConfig, type Config } from '../../service/config.js';
import { buildDeps } from '../../service/deps.js';
import { createLogger } from '../../service/logger.js';
import { SqliteStore } from '../../service/store/sqliteStore.js';

export type BrowserStack = { consoleUrl: string; serviceUrl: string; dataDir: string; close(): Promise<void> };

type StackModule = { startStack?: (opts: Record<string, unknown>) => Promise<{ consoleUrl: string; serviceUrl: string; close(): Promise<void> }> };

export async function startBrowserStack(): Promise<BrowserStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-console-'));
  const stackPath = '../../local/stack.js';
  // TASUKI_CONSOLE_TEST_STACK=inprocess forces the in-process assembly (debugging the console alone).
  const stack = process.env.TASUKI_CONSOLE_TEST_STACK === 'inprocess' ? null : ((await import(stackPath).catch(() => null)) as StackModule | null);
  if (typeof stack?.startStack === 'function') {
    const s = await stack.startStack({ dataDir, consolePort: 0, servicePort: 0, emulatorPort: 0, logger: createLogger({ level: 'silent' }) });
    return {
      consoleUrl: s.consoleUrl,
      serviceUrl: s.serviceUrl,
      dataDir,
      async close() {
        await s.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  return startInProcessStack(dataDir);
}

export type InProcessStack = BrowserStack & { sandbox: Sandbox; issuer: LocalIssuer; config: Config };

/** The stack's pieces in this process (also used by the console router's own tests). */
export async function startInProcessStack(dataDir = mkdtempSync(join(tmpdir(), 'tasuki-console-'))): Promise<InProcessStack> {
  const issuer = LocalIssuer.open(dataDir);
  const log = createLogger({ level: 'silent' });
  const sandbox = await startSandbox({ dataDir, issuer, logger: log });
  const emulator = await startTasksEmulator({ dataDir, issuer, logger: log, timeScale: 0.05 });
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({
    TASUKI_MODE: 'local',
    TASUKI_DATA_DIR: dataDir,
    TASUKI_SERVICE_URL: serviceUrl,
    TASUKI_TASKS_EMULATOR: emulator.address,
    TASUKI_GOOGLE_ROOT_URL: sandbox.url,
    LOG_LEVEL: 'silent',
  });
  const deps = await buildDeps(config, log, { store: new SqliteStore(join(dataDir, 'jobs.sqlite')) });
  await deps.queue.ensureQueue();
  server.on('request', createApp(deps));
  const addonRouter = createAddonRouter({ dataDir, serviceUrl, sandboxUrl: sandbox.url, scriptClientId: config.scriptClientId, issuer, timeZone: config.timezone });
  const consoleRouter = createConsoleRouter({
    dataDir,
    sandboxUrl: sandbox.url,
    serviceUrl,
    scriptClientId: config.scriptClientId,
    issuer,
    events: sandbox.events,
    config,
    pollMs: 250,
    addonRouter,
  });
  sandbox.app.use(consoleRouter);
  return {
    consoleUrl: `${sandbox.url}/`,
    serviceUrl,
    dataDir,
    sandbox,
    issuer,
    config,
    async close() {
      consoleRouter.close();
      await addonRouter.close();
      await emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
