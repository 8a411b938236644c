/**
 * POST /v1/jobs, the enqueue (the add-on's Google ID token; body shared/api.ts EnqueueRequest):
 * validate, authorize its targets (replyAuthorization.ts), record (create-if-absent) and create
 * the generation's task at once, answer 202 with the job and its card. The rest of the job API
 * is routes/jobs.ts.
 *
 * Served on Node's own request and response (nodeHttp.ts), like /tasks/run, not through Express:
 * every job starts here and the add-on waits for the answer, so its latency is the product's
 * (issue 15's target: p50 ≤ 1.5 ms of our own work). The token is checked before the body is read.
 *
 * Record and task are made concurrently: the task name is derived from (id, generation), and the
 * worker answers a task that arrives before its record with a retry. A new job is answered once
 * its record is written and its task request has been handed to Cloud Tasks (written to the
 * connection), without waiting for Cloud Tasks' answer: that wait is Cloud Tasks' work, not
 * ours, and the request already sent creates the task even if this instance stops or is
 * throttled right after answering. Cloud Tasks' answer is still handled when it comes: a refusal
 * records the job as failed (queue_unavailable) and reports it like any failure; and if no clear
 * answer comes (none, a timeout, a 5xx), the job stays queued and the reconciler looks its task
 * up and creates it if it is missing (reconciler.ts).
 * A refusal that comes before the answer (nothing reachable) is the caller's 503, as is a record
 * that could not be written (a task made by this request is then withdrawn). With an idempotency
 * key the id is the key's, so a resend's task is the first one's (ALREADY_EXISTS) or, for a job
 * long finished, a delivery the worker ignores.
 */
import type { IncomingMessage } from 'node:http';
import { EnqueueRequest } from '../../shared/api.js';
import { toJobView } from '../../shared/job.js';
import { JOB_KINDS } from '../../shared/jobKinds.js';
import { localeFrom } from '../../shared/locale.js';
import { userCheck } from '../auth/middleware.js';
import { EnqueueFailed } from '../queue/queue.js';
import type { AppDeps } from '../deps.js';
import { mutateJob } from '../worker/jobMutation.js';
import { createJobTask } from '../worker/taskDispatch.js';
import { HttpError } from './httpErrors.js';
import { jobDisplayOf } from './jobDisplayOf.js';
import { jobDispatch, requeued } from './jobDispatch.js';
import { newJobRecord } from './newJob.js';
import { header, isRequest, nodeRoute, notJsonObject, readJson, type NodeHandler } from './nodeHttp.js';
import { ReplyAuthorization } from './replyAuthorization.js';

/** True for the requests enqueueRoute serves. */
export function isEnqueue(req: IncomingMessage): boolean {
  return isRequest(req, 'POST', '/v1/jobs') || isRequest(req, 'POST', '/v1/jobs/');
}

export function enqueueRoute(deps: AppDeps): NodeHandler {
  const { store, queue, config, handlers } = deps;
  const now = deps.now ?? (() => new Date());
  const checkUser = userCheck(config, deps.trust);
  const replyAuthorization = new ReplyAuthorization({ config, chat: async () => (await deps.google()).chat });
  const { dispatch, queueFailed, recordQueueFailure } = jobDispatch(deps);

  return nodeRoute(deps.log, config.project, '/v1/jobs', async (req, log) => {
    const user = await checkUser(req.headers.authorization);
    const raw = await readJson(req);
    if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw notJsonObject();
    const parsed = EnqueueRequest.safeParse(raw);
    if (!parsed.success) throw HttpError.invalid(parsed.error);
    const body = parsed.data;
    if (!handlers.has(body.kind)) {
      throw new HttpError(400, 'invalid_request', `kind ${body.kind} is not available on this service yet`, [{ path: 'kind', message: 'no handler for this kind' }]);
    }
    const acceptLanguage = header(req, 'accept-language');
    const locale = body.locale ?? localeFrom(acceptLanguage);
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
    let sent!: () => void;
    const handedOver = new Promise<undefined>((resolve) => (sent = () => resolve(undefined)));
    const task: Promise<PromiseSettledResult<{ created: boolean }>> = createJobTask({ queue }, record, { onSent: sent }).then(
      (value) => ({ status: 'fulfilled', value }),
      (reason: unknown) => ({ status: 'rejected', reason }),
    );
    let recorded: Awaited<ReturnType<typeof store.createJob>>;
    try {
      recorded = await store.createJob(record);
    } catch (err) {
      void task.then((t) => (t.status === 'fulfilled' && t.value.created ? queue.cancel(queue.taskNameFor(record.id, record.generation)) : undefined)).catch(() => undefined);
      throw err;
    }
    const { created, job } = recorded;
    if (created) {
      const early = await Promise.race([task, handedOver]);
      if (early?.status === 'rejected') await queueFailed(job, log, early.reason);
      if (!early) {
        void task
          .then((t) => {
            if (t.status === 'fulfilled') return undefined;
            // Sent, then no clear answer: the task may exist. The reconciler looks it up after
            // QUEUED_GRACE_MS and creates it if it does not; failing the job here could fail a
            // job whose task is about to run.
            if (t.reason instanceof EnqueueFailed && !t.reason.definitive) {
              log.warn({ err: t.reason, jobId: job.id }, 'task creation unconfirmed; the reconciler will check it');
              return undefined;
            }
            return recordQueueFailure(job, log, t.reason);
          })
          .catch((err: unknown) => log.error({ err, jobId: job.id }, 'could not record the queue failure'));
      }
      return { status: 202, body: { job: toJobView(job), created, display: jobDisplayOf(job, acceptLanguage, config) } };
    }
    const enqueued = await task;
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
    if (current.status === 'queued' && !alreadyQueued) current = await dispatch(current, log);
    return { status: 202, body: { job: toJobView(current), created, display: jobDisplayOf(current, acceptLanguage, config) } };
  });
}
