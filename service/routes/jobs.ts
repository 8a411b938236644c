/**
 * The user-facing job API (`/v1/jobs*`, Google ID token required; see shared/api.ts):
 * - POST /            enqueue: served before Express by enqueueRoute.ts (the hot path).
 * - GET /             the caller's jobs, newest first (`mine=1`, `status`, `limit`, `before`).
 * - GET /:id          one job; only its requester sees it (others get 404, not 403: ids don't leak).
 * - POST /:id/retry   failed/canceled (abandoned included) → queued as the next generation with a
 *                     new task.
 * - POST /:id/cancel  queued → canceled (task deleted); running whose holder stopped renewing its
 *                     lease → canceled at once; running → cancel requested (the worker stops at
 *                     its next step or progress; the card says canceling meanwhile); finished → 409.
 */
import { Router, type Request, type Response } from 'express';
import * as z from 'zod';
import { hasReplyTarget, JOB_ID_PATTERN, JobStatus, leaseLive, toJobView, type JobRecord } from '../../shared/job.js';
import { requireUser } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { mutateJob } from '../worker/jobMutation.js';
import { deliverReport } from '../worker/outbox.js';
import { HttpError } from './httpErrors.js';
import { jobDispatch, requeued } from './jobDispatch.js';
import { jobDisplayOf } from './jobDisplayOf.js';
import { requestLogger } from './requestLog.js';

const ListQuery = z
  .object({
    mine: z.enum(['1', 'true'], 'must be 1 (only your own jobs are listed)').optional(),
    status: z.optional(JobStatus),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: z.iso.datetime({ offset: true, message: 'must be an ISO time such as 2026-11-27T05:00:00.000Z' }).optional(),
  })
  .strict();

export function jobsRouter(deps: AppDeps): Router {
  const { store, queue, config } = deps;
  const now = deps.now ?? (() => new Date());
  const router = Router();
  router.use(requireUser(config, deps.trust));
  const { dispatch } = jobDispatch(deps);

  async function ownedJob(req: Request, res: Response): Promise<JobRecord> {
    const id = String(req.params.id);
    const job = JOB_ID_PATTERN.test(id) ? await store.getJob(id) : null;
    if (!job || job.requestedBy !== res.locals.user) throw new HttpError(404, 'not_found', `no job ${id}`);
    return job;
  }

  router.get('/', async (req, res) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) throw HttpError.invalid(query.error, 'query');
    const { status, limit, before } = query.data;
    const jobs = await store.listJobs({ requestedBy: String(res.locals.user), limit, ...(status ? { status } : {}), ...(before ? { before: new Date(before).toISOString() } : {}) });
    res.json({ jobs: jobs.map(toJobView) });
  });

  router.get('/:id', async (req, res) => {
    const job = await ownedJob(req, res);
    res.json({ job: toJobView(job), display: jobDisplayOf(job, req.get('accept-language'), config) });
  });

  router.post('/:id/retry', async (req, res) => {
    const job = await ownedJob(req, res);
    let refusal: string | undefined;
    const { job: next } = await mutateJob(
      store,
      job,
      (fresh) => {
        const next = requeued(fresh);
        refusal = next
          ? undefined
          : fresh.status === 'succeeded'
            ? `job ${fresh.id} already succeeded; there is nothing to retry`
            : `job ${fresh.id} is ${fresh.status}; only failed or canceled jobs can be retried`;
        return next;
      },
      now,
    );
    if (!next) throw new HttpError(404, 'not_found', `no job ${job.id}`);
    if (refusal) throw new HttpError(409, 'conflict', refusal);
    const queued = await dispatch(next, requestLogger(res.locals, deps.log));
    res.status(202).json({ job: toJobView(queued), display: jobDisplayOf(queued, req.get('accept-language'), config) });
  });

  router.post('/:id/cancel', async (req, res) => {
    const job = await ownedJob(req, res);
    const asked = now();
    const at = asked.toISOString();
    let accepted = false;
    const { job: next } = await mutateJob(
      store,
      job,
      (fresh) => {
        accepted = fresh.status === 'queued' || fresh.status === 'running';
        // Queued, or running in a holder that stopped renewing its lease (crashed): nothing will
        // stop at a next step, so the job ends here.
        if (fresh.status === 'queued' || (fresh.status === 'running' && !leaseLive(fresh, asked))) {
          return { ...fresh, status: 'canceled', cancelRequested: true, lease: undefined, finishedAt: at };
        }
        if (fresh.status === 'running' && !fresh.cancelRequested) return { ...fresh, cancelRequested: true };
        return null;
      },
      now,
    );
    if (!next) throw new HttpError(404, 'not_found', `no job ${job.id}`);
    if (!accepted) throw new HttpError(409, 'conflict', `job ${next.id} already ${next.status}; there is nothing to cancel`);
    const log = requestLogger(res.locals, deps.log);
    if (next.status === 'canceled') {
      await queue.cancel(queue.taskNameFor(next.id, next.generation)).catch((err: unknown) => log.warn({ err, jobId: next.id }, 'could not delete the task; the worker will see the job canceled'));
      // No worker will report a job canceled here, so the report is made here, off the request
      // path (and owed in the record: the reconciler's sweep delivers it if this fails).
      void deliverReport({ store, reply: deps.reply, log, now }, next).catch((err: unknown) => log.error({ err, jobId: next.id }, 'could not report the cancellation'));
    } else if (hasReplyTarget(next)) {
      // Show "canceling…" where the user asked until the run stops at its next step.
      void deps.reply.progress(next).catch((err: unknown) => log.warn({ err, jobId: next.id }, 'could not show the cancel request'));
    }
    res.json({ job: toJobView(next), display: jobDisplayOf(next, req.get('accept-language'), config) });
  });

  return router;
}
