/**
 * The local stack with the service in this process, for tests and `npm run abuse`, which need its
 * pieces at hand (the sandbox's faults and events, the issuer, the store, this process's sockets): `startStandIns` from local/stack.ts — the
 * same sandbox, console, emulator and demo portal `npm start` runs — on random ports in a temp
 * data folder, and the real app (worker, handlers, SQLite store, Google clients pointed at the
 * sandbox) served on the service URL the stand-ins were given. `close()` stops everything and
 * deletes the folder. Browser tests use `startStack` itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalIssuer } from './issuer.js';
import type { PortalSite } from './demo-portal/portalSite.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { startStandIns, type StandInOptions, type StandIns } from './stack.js';
import { createApp } from '../service/app.js';
import type { Config } from '../service/config.js';
import { buildDeps, type BuiltDeps, type DepsOverrides } from '../service/deps.js';
import { createLogger } from '../service/logger.js';

export type InProcessStack = {
  consoleUrl: string;
  serviceUrl: string;
  dataDir: string;
  sandbox: Sandbox;
  /** The demo client portal (portal "acme"); its `orders` can be changed. */
  portal: PortalSite;
  freee: StandIns['freee'];
  issuer: LocalIssuer;
  config: Config;
  deps: BuiltDeps;
  close(): Promise<void>;
};

export type InProcessStackOptions = Pick<StandInOptions, 'emulatorTimeScale' | 'chatLimits' | 'consolePollMs' | 'serviceEnv' | 'freeeFaults'> & {
  /** Temp folder name prefix. */
  prefix?: string;
  deps?: DepsOverrides;
};

export async function startInProcessStack(opts: InProcessStackOptions = {}): Promise<InProcessStack> {
  const { prefix = 'tasuki-stack-', deps: overrides, ...standInOptions } = opts;
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const log = createLogger({ level: 'silent' });
  const standIns = await startStandIns({
    emulatorTimeScale: 0.05,
    consolePollMs: 250,
    ...standInOptions,
    dataDir,
    consolePort: 0,
    servicePort: 0,
    emulatorPort: 0,
    logger: log,
    serviceEnv: { LOG_LEVEL: 'silent', ...standInOptions.serviceEnv },
  });
  const { config } = standIns;
  const deps = await buildDeps(config, log, overrides);
  await deps.queue.ensureQueue();
  const server = http.createServer(createApp(deps));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(standIns.servicePort, '127.0.0.1', resolve));
  return {
    consoleUrl: `${standIns.sandbox.url}/`,
    serviceUrl: standIns.serviceUrl,
    dataDir,
    sandbox: standIns.sandbox,
    portal: standIns.portal,
    freee: standIns.freee,
    issuer: standIns.issuer,
    config,
    deps,
    async close() {
      await standIns.emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
      await standIns.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
