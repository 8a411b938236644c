/**
 * Cloud Scheduler's call under /tasks (OIDC token of the invoker service account required; POST
 * /tasks/run, Cloud Tasks' deliveries, is served before Express by taskRun.ts):
 * - POST /tasks/sweep: one pass of the reconciler (service/worker/reconciler.ts), answered with
 *   its summary. Cloud Scheduler calls it every minute in production; the local stack every few
 *   seconds. No body.
 */
import { Router } from 'express';
import { requireInvoker } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { Reconciler } from '../worker/reconciler.js';
import { requestLogger } from './requestLog.js';

export function tasksRouter(deps: AppDeps): Router {
  const router = Router();
  const invoker = requireInvoker(deps.config, deps.trust);
  router.post('/sweep', invoker, async (_req, res) => {
    const reconciler = new Reconciler({ ...deps, log: requestLogger(res.locals, deps.log) });
    res.json({ sweep: await reconciler.sweep() });
  });
  return router;
}
