/**
 * The Express application, without a port (server.ts listens; tests drive it with supertest).
 *
 *   GET  /healthz          liveness/readiness; touches nothing heavy.
 *   POST /v1/jobs         the enqueue (routes/enqueueRoute.ts, served before Express: every job
 *                          starts here), Google ID token.
 *   *    /v1/jobs/*        the rest of the job API for the add-on (routes/jobs.ts), same token.
 *   GET  /v1/clients/match which client of the directory a sender is (routes/clients.ts), same token.
 *   POST /v1/uploads       an e-mail attachment's bytes for project.create (routes/uploads.ts), same
 *                          token; raw body up to 30 MiB, so it is routed before the JSON parser.
 *   POST /tasks/run        Cloud Tasks deliveries (routes/taskRun.ts, served before Express: the
 *                          hottest route), OIDC token of the invoker.
 *   POST /tasks/sweep      the reconciler's sweep (Cloud Scheduler), OIDC token of the invoker.
 *   POST /preflight        the preflight (routes/preflight.ts): can the service reach and use every
 *                          configured resource? Invoker's OIDC token.
 *   POST /schedules/:id/run  a schedule's firing (routes/schedules.ts): Cloud Scheduler, or the
 *                          local stack's scheduler, with the invoker's OIDC token.
 *   GET  /charts/:id.png   summary chart images for Chat cards (routes/charts.ts), public by id.
 *
 * Bodies are JSON, at most 100 kB (tasks carry ids, never data), except /v1/uploads. Unknown routes and every
 * error answer `{error:{code,message}}`; stack traces stay in the logs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { AppDeps } from './deps.js';
import { chartsRouter } from './routes/charts.js';
import { clientsRouter } from './routes/clients.js';
import { errorHandler, notFoundRoute } from './routes/httpErrors.js';
import { jobsRouter } from './routes/jobs.js';
import { preflightRouter } from './routes/preflight.js';
import { requestLog } from './routes/requestLog.js';
import { schedulesRouter } from './routes/schedules.js';
import { enqueueRoute, isEnqueue } from './routes/enqueueRoute.js';
import { BODY_LIMIT_BYTES } from './routes/nodeHttp.js';
import { isTaskRun, taskRunRoute } from './routes/taskRun.js';
import { tasksRouter } from './routes/tasks.js';
import { uploadsRouter } from './routes/uploads.js';
import { Worker } from './worker/worker.js';


/** The service's request listener (for http.createServer or supertest) and its worker. */
export type TasukiApp = ((req: IncomingMessage, res: ServerResponse) => void) & { readonly worker: Worker };

export function createApp(deps: AppDeps): TasukiApp {
  const worker = new Worker(deps);
  const app = express();
  const taskRun = taskRunRoute(deps, worker);
  const enqueue = enqueueRoute(deps);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(deps.log, deps.config.project));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // Before the JSON body parser: Chat fetches these images without credentials or a body.
  app.use(chartsRouter(deps.store));
  app.use('/v1/uploads', uploadsRouter(deps));
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));
  app.use('/v1/jobs', jobsRouter(deps));
  app.use('/v1/clients', clientsRouter(deps));
  app.use('/tasks', tasksRouter(deps));
  app.use('/schedules', schedulesRouter(deps));
  app.use('/preflight', preflightRouter(deps));
  app.use(notFoundRoute);
  app.use(errorHandler(deps.log));
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (isTaskRun(req)) taskRun(req, res);
    else if (isEnqueue(req)) enqueue(req, res);
    else app(req, res);
  };
  return Object.assign(listener, { worker });
}
