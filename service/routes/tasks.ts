/**
 * Cloud Tasks' and Cloud Scheduler's calls (OIDC token of the invoker service account required):
 * - POST /tasks/run: one delivery; the body is the TaskPayload `{jobId, generation}`; everything
 *   else is the worker's business (service/worker/worker.ts documents the answers and what Cloud
 *   Tasks does with them).
 * - POST /tasks/sweep: one pass of the reconciler (service/worker/reconciler.ts), answered with
 *   its summary. Cloud Scheduler calls it every minute in production; the local stack every few
 *   seconds. No body.
 */
import { Router } from 'express';
import { TaskPayload } from '../../shared/api.js';
import { requireInvoker } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { deliveryFrom } from '../worker/delivery.js';
import { Reconciler } from '../worker/reconciler.js';
import type { Worker } from '../worker/worker.js';
import { HttpError } from './httpErrors.js';
import { requestLogger } from './requestLog.js';

export function tasksRouter(deps: AppDeps, worker: Worker): Router {
  const router = Router();
  const invoker = requireInvoker(deps.config, deps.trust);
  router.post('/run', invoker, async (req, res) => {
    const payload = TaskPayload.safeParse(req.body);
    if (!payload.success) throw HttpError.invalid(payload.error, 'task payload');
    const outcome = await worker.handle(payload.data, deliveryFrom(req), requestLogger(res.locals, deps.log));
    if (outcome.headers) res.set(outcome.headers);
    res.status(outcome.status).json(outcome.body);
  });
  router.post('/sweep', invoker, async (_req, res) => {
    const reconciler = new Reconciler({ ...deps, log: requestLogger(res.locals, deps.log) });
    res.json({ sweep: await reconciler.sweep() });
  });
  return router;
}
