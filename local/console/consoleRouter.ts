/**
 * The local console: the page at `/` and its backend under `/console/api/*`, mounted by
 * local/stack.ts on the Workspace sandbox's express app.
 *
 *   GET  /                                the page (HTML; script bundled from public/ at start)
 *   GET  /console/api/meta                users, seeded resource ids, job kinds with examples, add-on present?
 *   GET  /console/api/jobs                recent jobs of every console user, newest first
 *   GET  /console/api/jobs/:id?user=      one job (as that user)
 *   POST /console/api/jobs                {user, kind, input, reply?, idempotencyKey?, locale?} → the service's answer
 *   POST /console/api/jobs/:id/retry      {user}
 *   POST /console/api/jobs/:id/cancel     {user}
 *   GET  /console/api/events              Server-Sent Events: `job` and `sandbox` (see liveFeed.ts)
 *   GET  /console/api/schedules           the configured schedules with their next run and last firing
 *   POST /console/api/schedules/:id/run   "run now": one firing through the local scheduler (as Cloud Scheduler's Force run)
 *   GET  /console/api/{chat,drive,sheets,gmail,calendar,faults}/…   sandbox views (sandboxViewsRouter.ts)
 *   *    /console/api/addon/…             the add-on's backend when given, else 503 addon_not_loaded
 *
 * Job calls go to the service with an ID token minted for the chosen user, so the service's real
 * authentication and ownership rules apply. Errors are JSON: { error: { code, message, issues? } }.
 *
 * The returned router has `close()`: it ends open event streams (which would otherwise keep an
 * HTTP server's close() waiting) and stops polling.
 */
import { readFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { loadConfig, type Config } from '../../service/config.js';
import { LocalIssuer } from '../issuer.js';
import type { LocalScheduler } from '../scheduler.js';
import { browserBundle, PUBLIC_DIR } from './browserBundle.js';
import { CONSOLE_USERS, ConsoleInputError, consoleUser } from './consoleUsers.js';
import { exampleInputs } from './exampleInputs.js';
import { LiveFeed } from './liveFeed.js';
import { SandboxCallError, SandboxClient } from './sandboxClient.js';
import { sandboxViewsRouter } from './sandboxViewsRouter.js';
import { ServiceJobsClient, type ServiceAnswer } from './serviceJobsClient.js';

export type ConsoleRouterOptions = {
  dataDir: string;
  /** Base URL of the Workspace sandbox (its Google REST endpoints and /oauth2/token). */
  sandboxUrl: string;
  /** Base URL of the service (/v1/jobs). */
  serviceUrl: string;
  /** Audience of the ID tokens the console mints (the service checks it). */
  scriptClientId: string;
  issuer?: LocalIssuer;
  /** The sandbox's event emitter ('change' {api, kind, id}). */
  events?: EventEmitter;
  /** The add-on's console backend, mounted at /console/api/addon. */
  addonRouter?: Router;
  /** Seeded resource ids (chat space, spreadsheets, calendar); local defaults when absent. */
  config?: Pick<Config, 'chatSpace' | 'ledgerSpreadsheetId' | 'scheduleSpreadsheetId' | 'calendarId' | 'portals' | 'timezone'>;
  /** How often to poll the service for job changes while a page is open (default 1000 ms). */
  pollMs?: number;
  /** The stack's Cloud Scheduler stand-in (schedules view and "run now"). */
  scheduler?: Pick<LocalScheduler, 'list' | 'runNow'>;
};

export type ConsoleRouter = Router & { close(): void };

export function createConsoleRouter(opts: ConsoleRouterOptions): ConsoleRouter {
  const config = opts.config ?? loadConfig({ TASUKI_MODE: 'local' });
  const issuer = opts.issuer ?? LocalIssuer.open(opts.dataDir);
  const sandbox = new SandboxClient({ sandboxUrl: opts.sandboxUrl.replace(/\/+$/, ''), issuer });
  const jobs = new ServiceJobsClient({ serviceUrl: opts.serviceUrl.replace(/\/+$/, ''), scriptClientId: opts.scriptClientId, issuer });
  const users = CONSOLE_USERS.map((u) => u.email);
  const feed = new LiveFeed({ events: opts.events, jobs, users, pollMs: opts.pollMs });
  const resources = {
    chatSpace: config.chatSpace,
    ledgerSpreadsheetId: config.ledgerSpreadsheetId,
    scheduleSpreadsheetId: config.scheduleSpreadsheetId,
    calendarId: config.calendarId,
  };
  void browserBundle().catch(() => undefined);
  const indexHtml = readFileSync(PUBLIC_DIR + 'index.html', 'utf8');
  const stylesCss = readFileSync(PUBLIC_DIR + 'styles.css', 'utf8');

  const router = express.Router() as ConsoleRouter;

  router.get('/', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(indexHtml);
  });
  router.get('/console/assets/app.js', async (_req, res, next) => {
    try {
      const js = await browserBundle();
      res.setHeader('cache-control', 'no-store');
      res.type('application/javascript').send(js);
    } catch (err) {
      next(err);
    }
  });
  router.get('/console/assets/styles.css', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.type('text/css').send(stylesCss);
  });

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));

  api.get('/meta', (_req, res) => {
    res.json({
      users: CONSOLE_USERS,
      ...resources,
      timezone: config.timezone,
      kinds: exampleInputs({ portal: config.portals[0]?.id }),
      addon: Boolean(opts.addonRouter),
      sandboxUrl: opts.sandboxUrl,
      serviceUrl: opts.serviceUrl,
    });
  });

  api.get('/events', (req, res) => feed.attach(req, res));

  api.get('/jobs', async (_req, res, next) => {
    try {
      const answers = await Promise.all(users.map((u) => jobs.list(u, 50)));
      const ok = answers.filter((a) => a.status === 200);
      if (!ok.length) return void send(res, answers[0]!);
      const all = ok.flatMap((a) => ((a.body as { jobs?: Array<{ createdAt: string }> }).jobs ?? []));
      all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      res.json({ jobs: all });
    } catch (err) {
      next(err);
    }
  });

  api.get('/jobs/:id', async (req, res, next) => {
    try {
      send(res, await jobs.get(consoleUser(req.query.user).email, String(req.params.id)));
    } catch (err) {
      next(err);
    }
  });

  api.post('/jobs', async (req, res, next) => {
    try {
      const { user, ...body } = (req.body ?? {}) as Record<string, unknown>;
      const answer = await jobs.enqueue(consoleUser(user).email, body);
      noteJob(answer);
      send(res, answer);
    } catch (err) {
      next(err);
    }
  });

  for (const action of ['retry', 'cancel'] as const) {
    api.post(`/jobs/:id/${action}`, async (req, res, next) => {
      try {
        const email = consoleUser((req.body as { user?: unknown } | undefined)?.user).email;
        const answer = await jobs[action](email, String(req.params.id));
        noteJob(answer);
        send(res, answer);
      } catch (err) {
        next(err);
      }
    });
  }

  api.get('/schedules', (_req, res) => {
    res.json({ timezone: config.timezone, schedules: opts.scheduler?.list() ?? [] });
  });

  api.post('/schedules/:id/run', async (req, res, next) => {
    try {
      if (!opts.scheduler) return void res.status(503).json({ error: { code: 'no_scheduler', message: 'This stack runs no scheduler.' } });
      const id = String(req.params.id);
      if (!opts.scheduler.list().some((s) => s.id === id)) return void res.status(404).json({ error: { code: 'not_found', message: `No schedule ${id}` } });
      const firing = await opts.scheduler.runNow(id);
      if (firing.jobId) feed.noteJob({ id: firing.jobId, status: 'queued' });
      if (firing.status >= 200 && firing.status < 300) res.json({ firing });
      else res.status(502).json({ error: { code: 'firing_failed', message: `the service answered ${firing.status || 'nothing'}${firing.error ? `: ${firing.error}` : ''}` } });
    } catch (err) {
      next(err);
    }
  });

  api.use(sandboxViewsRouter(sandbox, resources));

  if (opts.addonRouter) api.use('/addon', opts.addonRouter);
  else {
    api.use('/addon', (_req, res) => {
      res.status(503).json({ error: { code: 'addon_not_loaded', message: 'The add-on backend is not mounted in this stack.' } });
    });
  }

  api.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `No console API at ${req.method} ${req.originalUrl}` } });
  });
  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ConsoleInputError) {
      res.status(400).json({ error: { code: 'invalid_request', message: err.message } });
    } else if (err instanceof SandboxCallError) {
      res.status(err.status >= 400 ? err.status : 502).json({ error: { code: 'sandbox_error', message: err.message } });
    } else if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'invalid_request', message: 'the request body is not valid JSON' } });
    } else {
      res.status(500).json({ error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } });
    }
  });

  router.use('/console/api', api);

  function noteJob(answer: ServiceAnswer): void {
    const job = (answer.body as { job?: { id: string; status: string } }).job;
    if (answer.status < 300 && job?.id) feed.noteJob(job);
  }

  router.close = () => feed.close();
  return router;
}

function send(res: Response, answer: ServiceAnswer): void {
  res.status(answer.status).json(answer.body);
}
