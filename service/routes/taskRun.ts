/**
 * POST /tasks/run, one Cloud Tasks delivery (the invoker's OIDC token; the body is the
 * TaskPayload `{jobId, generation}`; the worker decides the answer: service/worker/worker.ts).
 *
 * Served on Node's own request and response (nodeHttp.ts), not through Express: it is the
 * hottest route (every delivery of every job), and Express's router walk, JSON body parser and
 * response helpers were a fifth of the service CPU a W1 job costs (bench/w1.ts). The contract is
 * every other route's: the request log line, errors as `{error:{code,message}}`, a body of at most
 * 100 kB of JSON. The token is checked before the body is read or parsed.
 */
import type { IncomingMessage } from 'node:http';
import { TaskPayload } from '../../shared/api.js';
import { invokerCheck } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { deliveryFrom } from '../worker/delivery.js';
import type { Worker } from '../worker/worker.js';
import { HttpError } from './httpErrors.js';
import { header, isRequest, nodeRoute, readJson, type NodeHandler } from './nodeHttp.js';

/** True for the requests taskRunRoute serves. */
export function isTaskRun(req: IncomingMessage): boolean {
  return isRequest(req, 'POST', '/tasks/run');
}

export function taskRunRoute(deps: AppDeps, worker: Worker): NodeHandler {
  const checkInvoker = invokerCheck(deps.config, deps.trust);
  return nodeRoute(deps.log, deps.config.project, '/tasks/run', async (req, log) => {
    await checkInvoker(req.headers.authorization);
    const payload = TaskPayload.safeParse(await readJson(req));
    if (!payload.success) throw HttpError.invalid(payload.error, 'task payload');
    const outcome = await worker.handle(payload.data, deliveryFrom((name) => header(req, name)), log);
    return { status: outcome.status, body: outcome.body, ...(outcome.headers ? { headers: outcome.headers } : {}) };
  });
}
