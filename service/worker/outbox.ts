/**
 * The outbox: what the user must see about a finished job is owed in the job record and
 * delivered until it is written or refused for good — independent of the task that ran the job.
 *
 * - Owing: jobMutation.ts marks `report` owed (for the generation) in the same write that makes
 *   a job with a reply target terminal, so no path that ends a job can forget to report it.
 * - Delivering: `deliverReport` writes the final Chat message / sheet status through the reply
 *   port and records the outcome: delivered; or another attempt owed later (backoff doubling from
 *   REPORT_BACKOFF_MIN_MS to REPORT_BACKOFF_MAX_MS, or the target's Retry-After); or failed for
 *   good when the target refuses permanently (space gone, app removed: ReplyFailure.permanent) or
 *   the report has been owed for REPORT_GIVE_UP_MS. The worker calls it right after recording an
 *   outcome; the reconciler's sweep (reconciler.ts) calls it for every report still owed, so a
 *   report outlives the task's attempts and the process that ran the job.
 * - Once: a report is delivered at most once per generation as far as the record knows; a crash
 *   between the reply and the record repeats the reply, which is harmless (Chat messages are
 *   upserted by name, sheet status cells overwritten).
 */
import { TERMINAL_STATUSES, type JobError, type JobRecord } from '../../shared/job.js';
import type { Logger } from '../logger.js';
import { ReplyFailure, type ReplyPort } from '../reply/replyPort.js';
import type { Store } from '../store/store.js';
import { mutateJob } from './jobMutation.js';

export const REPORT_BACKOFF_MIN_MS = 2_000;
export const REPORT_BACKOFF_MAX_MS = 5 * 60_000;
/** A report still failing after a day is given up (recorded as failed), not retried forever. */
export const REPORT_GIVE_UP_MS = 24 * 3600_000;

export type OutboxDeps = { store: Store; reply: ReplyPort; log: Logger; now?: () => Date };

/** True when this generation's final report is owed and not yet delivered. */
export function reportOwed(job: JobRecord): boolean {
  return TERMINAL_STATUSES.includes(job.status) && job.report?.generation === job.generation && job.report.state === 'owed';
}

/** True when an owed report may be tried now (its backoff has passed). */
export function reportDue(job: JobRecord, now: Date): boolean {
  return reportOwed(job) && (!job.report?.nextAttemptAt || Date.parse(job.report.nextAttemptAt) <= now.getTime());
}

export type DeliveryResult =
  | { state: 'not_owed' | 'delivered' | 'failed' | 'not_due'; job: JobRecord }
  | { state: 'retry'; job: JobRecord; retryAfterSeconds?: number };

/**
 * Delivers `job`'s owed report. `force` ignores the backoff (a Cloud Tasks redelivery has waited
 * its own backoff already). Never throws for a reply failure: the result says what happened.
 */
export async function deliverReport(deps: OutboxDeps, job: JobRecord, opts: { force?: boolean; maxWaitMs?: number } = {}): Promise<DeliveryResult> {
  const now = deps.now ?? (() => new Date());
  if (!reportOwed(job)) return { state: 'not_owed', job };
  if (!opts.force && !reportDue(job, now())) return { state: 'not_due', job };
  const generation = job.generation;
  let failure: ReplyFailure | undefined;
  try {
    await deps.reply.finished(job, opts.maxWaitMs !== undefined ? { maxWaitMs: opts.maxWaitMs } : {});
  } catch (err) {
    failure = err instanceof ReplyFailure ? err : new ReplyFailure({ permanent: false, code: 'reply_failed', message: err instanceof Error ? err.message : String(err), cause: err });
  }
  const at = now();
  const owedSince = Date.parse(job.finishedAt ?? job.updatedAt);
  const expired = failure !== undefined && !failure.permanent && at.getTime() - owedSince >= REPORT_GIVE_UP_MS;
  const { job: written } = await mutateJob(
    deps.store,
    job,
    (fresh) => {
      if (fresh.generation !== generation || !reportOwed(fresh)) return null;
      const report = fresh.report!;
      const attempts = report.attempts + 1;
      if (!failure) return { ...fresh, report: { generation, state: 'delivered', attempts, deliveredAt: at.toISOString() } };
      const error: JobError = { code: expired ? 'report_expired' : failure.code, message: failure.message, retryable: !failure.permanent && !expired };
      if (failure.permanent || expired) return { ...fresh, report: { generation, state: 'failed', attempts, error } };
      const backoff = failure.retryAfterSeconds !== undefined
        ? failure.retryAfterSeconds * 1000
        : Math.min(REPORT_BACKOFF_MAX_MS, REPORT_BACKOFF_MIN_MS * 2 ** Math.min(20, report.attempts));
      return { ...fresh, report: { generation, state: 'owed', attempts, error, nextAttemptAt: new Date(at.getTime() + backoff).toISOString() } };
    },
    now,
  );
  const current = written ?? job;
  if (!failure) {
    deps.log.info({ jobId: job.id, status: job.status, generation }, 'job outcome reported');
    return { state: 'delivered', job: current };
  }
  if (failure.permanent || expired) {
    deps.log.error({ jobId: job.id, generation, code: failure.code, err: failure }, 'the job outcome cannot be reported: the reply target refused it for good');
    return { state: 'failed', job: current };
  }
  deps.log.warn({ jobId: job.id, generation, code: failure.code, err: failure }, 'reporting the job outcome failed; the outbox tries again');
  return { state: 'retry', job: current, ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}) };
}
