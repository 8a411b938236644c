/**
 * Putting a recorded job on the queue, for the routes that do it (the enqueue, POST /v1/jobs, in
 * enqueueRoute.ts; Retry, POST /v1/jobs/:id/retry, in jobs.ts):
 * - `dispatch`: creates the task of the job's current generation. When the queue cannot be
 *   reached the job is marked failed (queue_unavailable: retryable, reported like any failure)
 *   so that it never sits "queued" with no task behind it, and the caller gets 503; sending the
 *   same request again, or Retry, queues it as the next generation.
 * - `recordQueueFailure`: the same failure found after the caller was answered (the enqueue
 *   answers once its task request is with Cloud Tasks, before Cloud Tasks' answer).
 * - `requeued`: failed/canceled → queued as the next generation (a new task name), or null.
 */
import type { JobRecord } from '../../shared/job.js';
import { SERVICE_TEXTS } from '../../shared/messages.js';
import type { AppDeps } from '../deps.js';
import type { Logger } from '../logger.js';
import { mutateJob } from '../worker/jobMutation.js';
import { deliverReport } from '../worker/outbox.js';
import { createJobTask } from '../worker/taskDispatch.js';
import { HttpError } from './httpErrors.js';

export type JobDispatch = {
  dispatch(job: JobRecord, log: Logger): Promise<JobRecord>;
  /** Records a queue failure on a queued job, reports it, and throws the 503 for the caller. */
  queueFailed(job: JobRecord, log: Logger, err: unknown): Promise<never>;
  /** Records a queue failure on a queued job and reports it (nothing thrown). */
  recordQueueFailure(job: JobRecord, log: Logger, err: unknown): Promise<void>;
};

export function jobDispatch(deps: Pick<AppDeps, 'store' | 'queue' | 'reply' | 'now'>): JobDispatch {
  const { store, queue } = deps;
  const now = deps.now ?? (() => new Date());
  const recordQueueFailure = async (job: JobRecord, log: Logger, err: unknown): Promise<void> => {
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
  };
  const queueFailed = async (job: JobRecord, log: Logger, err: unknown): Promise<never> => {
    await recordQueueFailure(job, log, err);
    throw new HttpError(503, 'queue_unavailable', `job ${job.id} is recorded but could not be queued; send the same request again (or retry the job) to queue it`, undefined, { 'Retry-After': '5' });
  };
  return {
    queueFailed,
    recordQueueFailure,
    async dispatch(job, log) {
      try {
        await createJobTask({ queue }, job);
        return job;
      } catch (err) {
        return queueFailed(job, log, err);
      }
    },
  };
}

export function requeued(fresh: JobRecord): JobRecord | null {
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
