/**
 * POST /tasks/run: Cloud Tasks' deliveries (OIDC token of the invoker service account required).
 * The body is the TaskPayload `{jobId, generation}`; everything else is the worker's business
 * (service/worker/worker.ts documents the answers and what Cloud Tasks does with them).
 */
import { Router } from 'express';
import { TaskPayload } from '../../shared/api.js';
import { requireInvoker } from '../auth/middleware.js';
import type { AppDeps } from '../app.js';
import { deliveryFrom } from '../worker/delivery.js';
import type { Worker } from '../worker/worker.js';
import { HttpError } from './httpErrors.js';
import { requestLogger } from './requestLog.js';

export function tasksRouter(deps: AppDeps, worker: Worker): Router {
  const router = Router();
  router.post('/run', requireInvoker(deps.config, deps.trust), async (req, res) => {
    const payload = TaskPayload.safeParse(req.body);
    if (!payload.success) throw HttpError.invalid(payload.error, 'task payload');
    const outcome = await worker.handle(payload.data, deliveryFrom(req), requestLogger(res.locals, deps.log));
    if (outcome.headers) res.set(outcome.headers);
    res.status(outcome.status).json(outcome.body);
  });
  return router;
}
