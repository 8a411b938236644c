/**
 * The whole local stack behind `npm start`: the Workspace sandbox with the console on one port
 * (the URL we print), the Cloud Tasks emulator (gRPC), the demo client portal (ACME's order site
 * on a free loopback port, configured as portal "acme" so `portal.scrape` runs from the console),
 * Cloud Scheduler's stand-in (local/scheduler.ts) firing the office's schedules,
 * and the service as its own process — its production bundle, exactly what Cloud Run runs,
 * pointed at the local stand-ins by environment variables. No configuration needed; everything
 * lives under the data folder (.tasuki). It also stands in for the Cloud Scheduler job that calls
 * the reconciler's sweep (every SWEEP_INTERVAL_MS).
 *
 * Also used by the browser tests and the benchmarks (`startStack({ dataDir, ports: 0 })`); the
 * tests that need the pieces in their own process start `startStandIns` and run the service there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, portalCredentialVariables, type Config } from '../service/config.js';
import { createLogger, type Logger } from '../service/logger.js';
import { createAddonRouter } from './console/addonRoutes.js';
import { createConsoleRouter } from './console/consoleRouter.js';
import type { FreeeFaultSettings } from './freee/freeeFaults.js';
import { createFreeeStandIn, type FreeeStandIn } from './freee/freeeStandIn.js';
import { STANDIN_APP } from './freee/freeeState.js';
import { approveStandInConsent } from './freee/standInConsent.js';
import { connectFreee } from '../service/billing/freee/freeeConnect.js';
import { FREEE_TOKEN_FILE, freeeTokenVault } from '../service/billing/providers.js';
import { DEMO_PORTAL_CREDENTIALS, DEMO_PORTAL_ORDERS, DEMO_PORTAL_PAGE_SIZE, demoPortalConfig, startPortalSite, type PortalSite } from './demo-portal/portalSite.js';
import { LocalIssuer } from './issuer.js';
import { LocalScheduler } from './scheduler.js';
import { startSandbox, type Sandbox, type SandboxOptions } from './sandbox/sandbox.js';
import { startSweepScheduler } from './sweepScheduler.js';
import { startTasksEmulator, type TasksEmulator } from './tasks-emulator/emulator.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export type StackOptions = {
  dataDir?: string;
  /** Console + sandbox port (default 8090; 0 = any free port). */
  consolePort?: number;
  /** Service port (default 8080; 0 = any free port). */
  servicePort?: number;
  /** Emulator gRPC port (default 8123; 0 = any free port). */
  emulatorPort?: number;
  /** Extra environment for the service process (tests: small queue backoffs, etc.). */
  serviceEnv?: Record<string, string>;
  logger?: Logger;
  /** Where the service's JSON log lines go: a file path, 'inherit' (this stdout) or 'ignore' (default). */
  serviceLogs?: string;
};

export type Stack = {
  consoleUrl: string;
  sandboxUrl: string;
  serviceUrl: string;
  /** The demo client portal (configured as portal "acme"). */
  portalUrl: string;
  emulatorAddress: string;
  dataDir: string;
  servicePid: number;
  /** Stops the service process (SIGTERM, like Cloud Run) and starts a new one. */
  restartService(): Promise<void>;
  /** Chaos hooks (local/chaos): SIGKILL the service (a crash, no shutdown code runs) and wait until it is gone. */
  killService(): Promise<void>;
  /** Starts the service again after killService (no-op while one runs); resolves once it is healthy. */
  startService(): Promise<void>;
  /** Stops the Cloud Tasks emulator (its state stays in its SQLite file). */
  stopEmulator(): Promise<void>;
  /** Starts it again on the same port from its persisted state (no-op while it runs). */
  startEmulator(): Promise<void>;
  close(): Promise<void>;
};

/** Knobs only tests turn (the in-process stack of test/support): faster clocks and polls. */
export type StandInOptions = Omit<StackOptions, 'serviceLogs'> & {
  /** Multiplies the emulator's backoffs and deadlines (default 1). */
  emulatorTimeScale?: number;
  /** On an emulator stop, how long attempts in flight may finish (default 5 s; 0 = cut at once, like a crash). */
  emulatorCloseGraceMs?: number;
  /** The sandbox's Chat per-space write limit. */
  chatLimits?: SandboxOptions['chatLimits'];
  /** How often the console's live feed polls the service's jobs (default 1 s). */
  consolePollMs?: number;
  /**
   * How often the reconciler's sweep is called (the local Cloud Scheduler job; sweepScheduler.ts).
   * startStack's default is SWEEP_INTERVAL_MS; 0 or unset here = off (tests that run the service
   * in-process sweep when they choose).
   */
  sweepIntervalMs?: number;
  /** The freee stand-in's knobs (rate limits, token life…); default freee's real ones. */
  freeeFaults?: Partial<FreeeFaultSettings>;
};

/** The local sweep cadence: production's Cloud Scheduler job runs every minute. */
export const SWEEP_INTERVAL_MS = 10_000;

/**
 * Everything of the stack but the service: the sandbox with the console mounted, the emulator,
 * the demo portal, and the environment (and its config) the service is to run with on
 * `serviceUrl`. startStack runs the service as a process; tests may run it in-process.
 */
export type StandIns = {
  dataDir: string;
  issuer: LocalIssuer;
  sandbox: Sandbox;
  /** The emulator (a new object after stopEmulator + startEmulator). */
  readonly emulator: TasksEmulator;
  stopEmulator(): Promise<void>;
  startEmulator(): Promise<void>;
  portal: PortalSite;
  /** freee請求書/会計 stand-in, mounted at <sandbox>/freee. */
  freee: FreeeStandIn;
  serviceEnv: Record<string, string>;
  servicePort: number;
  serviceUrl: string;
  config: Config;
  /** Cloud Scheduler's stand-in: fires the configured schedules at the service. */
  scheduler: LocalScheduler;
  close(): Promise<void>;
};

/**
 * The sample office's mornings (issue 14): each portal scraped at 08:00 on weekdays, the schedule
 * sheet synced to the calendar at 07:30 every day, in the office's time zone. Descriptions are
 * "日本語 / English", as the rest of the seeded office names things.
 */
export function seededOfficeSchedules(portalIds: readonly string[]): unknown[] {
  return [
    ...portalIds.map((portal) => ({ id: `scrape-${portal}`, cron: '0 8 * * MON-FRI', kind: 'portal.scrape', input: { portal }, description: `${portal} ポータルの新着発注・平日 8:00 / ${portal} portal orders, weekdays 08:00` })),
    { id: 'sync-schedule', cron: '30 7 * * *', kind: 'schedule.sync', description: 'スケジュール表をカレンダーへ・毎日 7:30 / Schedule sheet to calendar, daily 07:30' },
  ];
}

export async function startStandIns(opts: StandInOptions = {}): Promise<StandIns> {
  const dataDir = resolve(opts.dataDir ?? join(ROOT, '.tasuki'));
  const logger = opts.logger ?? createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
  const issuer = LocalIssuer.open(dataDir);

  const sandbox = await startSandbox({
    port: opts.consolePort ?? 8090,
    dataDir,
    issuer,
    logger: logger.child({ component: 'sandbox' }),
    ...(opts.chatLimits ? { chatLimits: opts.chatLimits } : {}),
  });
  const emulatorOptions = {
    host: '127.0.0.1',
    dataDir,
    issuer,
    logger: logger.child({ component: 'tasks-emulator' }),
    ...(opts.emulatorTimeScale ? { timeScale: opts.emulatorTimeScale } : {}),
    ...(opts.emulatorCloseGraceMs !== undefined ? { closeGraceMs: opts.emulatorCloseGraceMs } : {}),
  };
  let emulator = await startTasksEmulator({ ...emulatorOptions, port: opts.emulatorPort ?? 8123 });
  let emulatorRunning = true;
  // Fresh each start, like a client's site that still lists its open orders; what was already
  // scraped is remembered by the service's intake records, so a second run adds nothing.
  const portal = await startPortalSite({ ...DEMO_PORTAL_CREDENTIALS, pageSize: DEMO_PORTAL_PAGE_SIZE, orders: DEMO_PORTAL_ORDERS });
  const portalConfig = demoPortalConfig(portal.url);
  const portalCredentials = portalCredentialVariables(portalConfig.id);
  // freee's stand-in on the console's server: the service reaches it as TASUKI_FREEE_*_URL, and it
  // is connected once through the real authorization-code flow (its consent page approved here).
  const freee = createFreeeStandIn({ dataDir, ...(opts.freeeFaults ? { faults: opts.freeeFaults } : {}) });
  sandbox.app.use('/freee', freee.router);
  const freeeUrl = `${sandbox.url}/freee`;
  await connectStandInOnce(dataDir, freeeUrl);
  const servicePort = opts.servicePort === 0 ? await freePort() : (opts.servicePort ?? 8080);
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  const serviceEnv: Record<string, string> = {
    TASUKI_MODE: 'local',
    PORT: String(servicePort),
    TASUKI_DATA_DIR: dataDir,
    TASUKI_SERVICE_URL: serviceUrl,
    TASUKI_GOOGLE_ROOT_URL: sandbox.url,
    TASUKI_TASKS_EMULATOR: emulator.address,
    TASUKI_PORTALS: JSON.stringify([portalConfig]),
    [portalCredentials.user]: DEMO_PORTAL_CREDENTIALS.user,
    [portalCredentials.password]: DEMO_PORTAL_CREDENTIALS.password,
    // The demo portal listens on 127.0.0.1, which the SSRF guard refuses unless told otherwise.
    TASUKI_PORTAL_ALLOW_LOOPBACK: 'true',
    TASUKI_SCHEDULES: JSON.stringify(seededOfficeSchedules([portalConfig.id])),
    // TASUKI_BILLING_PROVIDER=freee (from the environment of npm start) issues through it.
    TASUKI_FREEE_API_URL: freeeUrl,
    TASUKI_FREEE_ACCOUNTS_URL: freeeUrl,
    TASUKI_FREEE_CLIENT_ID: STANDIN_APP.clientId,
    TASUKI_FREEE_CLIENT_SECRET: STANDIN_APP.clientSecret,
    TASUKI_FREEE_DOCUMENT_URL: `${freeeUrl}/web/{kind}/{id}`,
    ...opts.serviceEnv,
  };
  const config = loadConfig(serviceEnv);
  const scheduler = new LocalScheduler({ config, issuer });
  scheduler.start();

  // The add-on, exactly as built for Apps Script, run under the Node shim for the console's slots.
  const addonRouter = createAddonRouter({ dataDir, serviceUrl, sandboxUrl: sandbox.url, scriptClientId: config.scriptClientId, issuer, timeZone: config.timezone });
  const consoleRouter = createConsoleRouter({
    dataDir,
    sandboxUrl: sandbox.url,
    serviceUrl,
    scriptClientId: config.scriptClientId,
    issuer,
    events: sandbox.events,
    config,
    addonRouter,
    scheduler,
    ...(opts.consolePollMs ? { pollMs: opts.consolePollMs } : {}),
  });
  sandbox.app.use(consoleRouter);
  const sweeps = opts.sweepIntervalMs
    ? startSweepScheduler({ serviceUrl, invoker: config.invokerServiceAccount, issuer, intervalMs: opts.sweepIntervalMs, logger: logger.child({ component: 'scheduler' }) })
    : undefined;

  return {
    dataDir,
    issuer,
    sandbox,
    get emulator() {
      return emulator;
    },
    async stopEmulator() {
      emulatorRunning = false;
      await emulator.close();
    },
    async startEmulator() {
      if (emulatorRunning) return;
      // Same port: the service's TASUKI_TASKS_EMULATOR names it.
      emulator = await startTasksEmulator({ ...emulatorOptions, port: emulator.port });
      emulatorRunning = true;
    },
    portal,
    freee,
    serviceEnv,
    servicePort,
    serviceUrl,
    config,
    scheduler,
    async close() {
      scheduler.close();
      sweeps?.close();
      consoleRouter.close();
      await addonRouter.close();
      await portal.close();
      await emulator.close();
      await sandbox.close();
    },
  };
}

export async function startStack(opts: StackOptions & Pick<StandInOptions, 'sweepIntervalMs' | 'emulatorTimeScale' | 'emulatorCloseGraceMs' | 'chatLimits'> = {}): Promise<Stack> {
  const standIns = await startStandIns({ sweepIntervalMs: SWEEP_INTERVAL_MS, ...opts });
  const { serviceEnv, serviceUrl } = standIns;
  // The service runs from its production bundle (scripts/build-service.ts), exactly the code and
  // start-up Cloud Run gets, and without a TypeScript loader in its process (about 40 MB less).
  // Each stack builds its own copy, so stacks started side by side (tests) never share files; the
  // build runs in a child process so its memory is returned when it exits.
  const bundleDir = join(ROOT, 'build', `stack-${process.pid}-${randomBytes(4).toString('hex')}`);
  let child: ChildProcess;
  let entry: string;
  try {
    entry = await buildServiceBundle(bundleDir);
    child = await startService(entry, serviceEnv, serviceUrl, opts.serviceLogs ?? 'ignore');
  } catch (err) {
    rmSync(bundleDir, { recursive: true, force: true });
    await standIns.close();
    throw err;
  }
  return {
    consoleUrl: `${standIns.sandbox.url}/`,
    sandboxUrl: standIns.sandbox.url,
    serviceUrl,
    portalUrl: standIns.portal.url,
    emulatorAddress: standIns.emulator.address,
    dataDir: standIns.dataDir,
    get servicePid() {
      return child.pid ?? -1;
    },
    async restartService() {
      await stopService(child);
      child = await startService(entry, serviceEnv, serviceUrl, opts.serviceLogs ?? 'ignore');
    },
    async killService() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((res) => child.once('exit', () => res()));
      child.kill('SIGKILL');
      await gone;
    },
    async startService() {
      if (child.exitCode === null && child.signalCode === null) return;
      child = await startService(entry, serviceEnv, serviceUrl, opts.serviceLogs ?? 'ignore');
    },
    stopEmulator: () => standIns.stopEmulator(),
    startEmulator: () => standIns.startEmulator(),
    async close() {
      // The service first: it may be mid-delivery from the emulator or mid-write to the sandbox.
      await stopService(child);
      rmSync(bundleDir, { recursive: true, force: true });
      await standIns.close();
    },
  };
}

/** Connects the service to the freee stand-in once (the tokens live in the data folder after). */
async function connectStandInOnce(dataDir: string, freeeUrl: string): Promise<void> {
  if (existsSync(join(dataDir, FREEE_TOKEN_FILE))) return;
  await connectFreee({
    client: { accountsUrl: freeeUrl, clientId: STANDIN_APP.clientId, clientSecret: STANDIN_APP.clientSecret },
    apiUrl: freeeUrl,
    redirectUri: 'http://127.0.0.1/tasuki/freee-callback',
    vault: freeeTokenVault({ freeeTokenSecret: '', project: 'tasuki-local', dataDir }),
    authorize: (url) => approveStandInConsent(url),
  });
}

async function startService(entry: string, env: Record<string, string>, url: string, logs: string): Promise<ChildProcess> {
  let out: 'inherit' | 'ignore' | number = 'ignore';
  if (logs === 'inherit') out = 'inherit';
  else if (logs !== 'ignore') {
    mkdirSync(dirname(logs), { recursive: true });
    out = openSync(logs, 'a');
  }
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out === 'ignore' ? 'inherit' : out],
  });
  if (typeof out === 'number') closeSync(out);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the service process exited with code ${code} before it was ready`))),
  );
  try {
    await Promise.race([waitForHealth(url), exited]);
  } catch (err) {
    // Never leave a process that did not come up running behind us.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw err;
  }
  return child;
}

/** Builds the service bundle into `outDir` in a child process; resolves with its entry file. */
function buildServiceBundle(outDir: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const build = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-service.ts'), '--out-dir', outDir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    build.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    build.once('error', reject);
    build.once('exit', (code) =>
      code === 0 ? resolvePromise(join(outDir, 'server.js')) : reject(new Error(`building the service failed (exit ${code}): ${errors.trim()}`)),
    );
  });
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((res) => child.once('exit', () => res()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

async function waitForHealth(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the service at ${url} did not become healthy within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

// `npm start`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // TASUKI_STACK_PORTS=random picks free ports (benchmarks, a second stack beside a running one).
  const random = process.env.TASUKI_STACK_PORTS === 'random';
  const dataDir = resolve(process.env.TASUKI_DATA_DIR ?? join(ROOT, '.tasuki'));
  const logFile = join(dataDir, 'logs', 'service.log');
  let stack: Stack;
  try {
    stack = await startStack({
      serviceLogs: logFile,
      dataDir,
      logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
      ...(random ? { consolePort: 0, servicePort: 0, emulatorPort: 0 } : {}),
    });
  } catch (err) {
    const hint = /EADDRINUSE|cannot listen/.test(String(err))
      ? ' Is another tasuki already running? Stop it, or start this one with TASUKI_STACK_PORTS=random.'
      : ` The service's log is ${logFile}.`;
    process.stderr.write(`tasuki could not start: ${err instanceof Error ? err.message : String(err)}.${hint}\n`);
    process.exit(1);
  }
  process.stdout.write(`tasuki is running: ${stack.consoleUrl}\n`);
  process.stderr.write(`(service logs: ${logFile}; Ctrl-C stops everything)\n`);
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
