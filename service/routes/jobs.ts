/**
 * The user-facing job API (`/v1/jobs*`, Google ID token required; see shared/api.ts):
 * - POST /            enqueue: validate, authorize its targets (replyAuthorization.ts), record
 *                     (create-if-absent), create the generation's task, 202.
 * - GET /             the caller's jobs, newest first (`mine=1`, `status`, `limit`, `before`).
 * - GET /:id          one job; only its requester sees it (others get 404, not 403: ids don't leak).
 * - POST /:id/retry   failed/canceled (abandoned included) → queued as the next generation with a
 *                     new task.
 * - POST /:id/cancel  queued → canceled (task deleted); running whose holder stopped renewing its
 *                     lease → canceled at once; running → cancel requested (the worker stops at
 *                     its next step or progress; the card says canceling meanwhile); finished → 409.
 *
 * The enqueue path does only what it must (one create, one task, one small write), so it answers
 * in milliseconds: everything slow happens in the worker.
 */
import { Router, type Request, type Response } from 'express';
import * as z from 'zod';
import { EnqueueRequest } from '../../shared/api.js';
import { hasReplyTarget, JOB_ID_PATTERN, JobStatus, leaseLive, toJobView, type JobRecord } from '../../shared/job.js';
import { JOB_KINDS } from '../../shared/jobKinds.js';
import { localeFrom } from '../../shared/locale.js';
import { SERVICE_TEXTS } from '../../shared/messages.js';
import { requireUser } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { mutateJob } from '../worker/jobMutation.js';
import { deliverReport } from '../worker/outbox.js';
import { createJobTask } from '../worker/taskDispatch.js';
import { HttpError } from './httpErrors.js';
import { newJobRecord } from './newJob.js';
import { ReplyAuthorization } from './replyAuthorization.js';
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
  const { store, queue, config, handlers } = deps;
  const now = deps.now ?? (() => new Date());
  const router = Router();
  router.use(requireUser(config, deps.trust));
  const replyAuthorization = new ReplyAuthorization({ config, chat: async () => (await deps.google()).chat });

  /**
   * Creates the task of the job's current generation. When the queue cannot be reached the job
   * is marked failed (retryable, reported like any failure) so that it never sits "queued" with
   * no task behind it; sending the same request again, or Retry, queues it as the next generation.
   */
  async function dispatch(job: JobRecord, res: Response): Promise<JobRecord> {
    try {
      await createJobTask({ queue }, job);
      return job;
    } catch (err) {
      return queueFailed(job, res, err);
    }
  }

  async function queueFailed(job: JobRecord, res: Response, err: unknown): Promise<never> {
    const log = requestLogger(res.locals, deps.log);
    log.error({ err, jobId: job.id }, 'could not create the task');
    const at = now().toISOString();
    const error = { code: 'queue_unavailable', message: SERVICE_TEXTS.queueUnavailable[job.locale], retryable: true, userMessage: { ...SERVICE_TEXTS.queueUnavailable } };
    const { job: failed } = await mutateJob(
      store,
      job,
      (fresh) => (fresh.generation === job.generation && fresh.status === 'queued' ? { ...fresh, status: 'failed', error, finishedAt: at } : null),
      now,
    );
    if (failed?.status === 'failed') {
      void deliverReport({ store, reply: deps.reply, log, now }, failed).catch((e: unknown) => log.error({ err: e, jobId: job.id }, 'could not report the failure'));
    }
    throw new HttpError(503, 'queue_unavailable', `job ${job.id} is recorded but could not be queued; send the same request again (or retry the job) to queue it`, undefined, { 'Retry-After': '5' });
  }

  /** failed/canceled → queued as the next generation (a new task name), or null to refuse. */
  function requeued(fresh: JobRecord): JobRecord | null {
    if (fresh.status !== 'failed' && fresh.status !== 'canceled') return null;
    return {
      ...fresh,
      status: 'queued',
      generation: fresh.generation + 1,
      error: undefined,
      result: undefined,
      progress: undefined,
      lease: undefined,
      cancelRequested: false,
      finishedAt: undefined,
      // A retry asked for by the owner starts the reconciler's budget afresh.
      recoveries: undefined,
    };
  }

  async function ownedJob(req: Request, res: Response): Promise<JobRecord> {
    const id = String(req.params.id);
    const job = JOB_ID_PATTERN.test(id) ? await store.getJob(id) : null;
    if (!job || job.requestedBy !== res.locals.user) throw new HttpError(404, 'not_found', `no job ${id}`);
    return job;
  }

  router.post('/', async (req, res) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new HttpError(400, 'invalid_request', 'the body must be a JSON object sent with Content-Type: application/json', [{ path: '(body)', message: 'expected a JSON object' }]);
    }
    const parsed = EnqueueRequest.safeParse(req.body);
    if (!parsed.success) throw HttpError.invalid(parsed.error);
    const body = parsed.data;
    if (!handlers.has(body.kind)) {
      throw new HttpError(400, 'invalid_request', `kind ${body.kind} is not available on this service yet`, [{ path: 'kind', message: 'no handler for this kind' }]);
    }
    const user = String(res.locals.user);
    const locale = body.locale ?? localeFrom(req.get('accept-language'));
    // The worker writes with the service's own credentials: every place it will write for this
    // user (Chat space, sheet, calendar) is authorized before anything is recorded.
    await replyAuthorization.authorize(user, body, locale);
    // Parse again with the kind's schema to store the input with its defaults applied.
    const input: unknown = JOB_KINDS[body.kind].input.parse(body.input);
    const record = newJobRecord({
      kind: body.kind,
      input,
      requestedBy: user,
      locale,
      ...(body.reply ? { reply: body.reply } : {}),
      ...(body.idempotencyKey ? { idempotencyKey: body.idempotencyKey } : {}),
      at: now(),
    });
    // Record the job and create its task at once: the task name is derived from (id, generation),
    // and the worker answers a task that arrives before its record with a retry. If the record
    // could not be written, a task made by this request is withdrawn; if a new job's task could
    // not be created, the job is recorded as failed (queue_unavailable) and the caller gets 503.
    // With an idempotency key the id is the key's, so a resend's task is the first one's
    // (ALREADY_EXISTS) or, for a job long finished, a delivery the worker ignores.
    const [recorded, enqueued] = await Promise.allSettled([store.createJob(record), createJobTask({ queue }, record)]);
    if (recorded.status === 'rejected') {
      if (enqueued.status === 'fulfilled' && enqueued.value.created) void queue.cancel(queue.taskNameFor(record.id, record.generation)).catch(() => undefined);
      throw recorded.reason;
    }
    const { created, job } = recorded.value;
    if (created) {
      if (enqueued.status === 'rejected') await queueFailed(job, res, enqueued.reason);
      res.status(202).json({ job: toJobView(job), created, display: jobDisplayOf(job, req, config) });
      return;
    }
    if (job.kind !== record.kind || JSON.stringify(job.input) !== JSON.stringify(record.input)) {
      throw new HttpError(409, 'idempotency_key_reused', `idempotencyKey ${body.idempotencyKey} was already used for a different request (job ${job.id})`);
    }
    // A job recorded by an earlier request whose task creation failed gets its task now.
    let current = job;
    if (job.status === 'failed' && job.error?.code === 'queue_unavailable') {
      current = (await mutateJob(store, job, (fresh) => (fresh.error?.code === 'queue_unavailable' ? requeued(fresh) : null), now)).job ?? job;
    }
    // A resend re-creates the task while the job waits (idempotent: the name is derived), unless
    // this request's own task creation above already did it for this generation.
    const alreadyQueued = current.generation === record.generation && enqueued.status === 'fulfilled';
    if (current.status === 'queued' && !alreadyQueued) current = await dispatch(current, res);
    res.status(202).json({ job: toJobView(current), created, display: jobDisplayOf(current, req, config) });
  });

  router.get('/', async (req, res) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) throw HttpError.invalid(query.error, 'query');
    const { status, limit, before } = query.data;
    const jobs = await store.listJobs({ requestedBy: String(res.locals.user), limit, ...(status ? { status } : {}), ...(before ? { before: new Date(before).toISOString() } : {}) });
    res.json({ jobs: jobs.map(toJobView) });
  });

  router.get('/:id', async (req, res) => {
    const job = await ownedJob(req, res);
    res.json({ job: toJobView(job), display: jobDisplayOf(job, req, config) });
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
    const queued = await dispatch(next, res);
    res.status(202).json({ job: toJobView(queued), display: jobDisplayOf(queued, req, config) });
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
    res.json({ job: toJobView(next), display: jobDisplayOf(next, req, config) });
  });

  return router;
}
