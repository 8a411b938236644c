/**
 * The job record: the one durable description of a unit of work, shared by the add-on (which
 * shows it) and the service (which stores and runs it). Stored as-is in SQLite and Firestore.
 *
 * Lifecycle: queued → running → succeeded | failed | canceled; failed/canceled → queued on retry
 * (a new task generation). `version` increments on every write: stores update by compare-and-set
 * on it, never by multi-document transactions.
 *
 * What the user must see is part of the record too: when a generation ends with a reply target,
 * `report` says the final report is owed, and the outbox (service/worker/outbox.ts) delivers it
 * until it is delivered or fails permanently, however many task attempts remain.
 */
import * as z from './zod.js';
import { Locale } from './locale.js';

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']);
export type JobStatus = z.infer<typeof JobStatus>;

export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

/**
 * A failure as the user and the operator see it. `retryable`: whether trying again can help.
 * `message` is the failure in the job's language (what older readers show); `userMessage` the
 * same in both languages when the handler gave them, so any viewer reads their own; `detail` the
 * technical account for the administrator (settings, API answers), never shown to staff. What a
 * person finally reads is decided by shared/cards/jobDisplay.ts from the code.
 */
export const JobError = z.object({
  code: z.string().check(z.minLength(1)),
  message: z.string(),
  retryable: z.boolean(),
  userMessage: z.optional(z.object({ ja: z.string(), en: z.string() })),
  detail: z.optional(z.string()),
});
export type JobError = z.infer<typeof JobError>;

/** Where the worker answers: a Chat space (one message, upserted) and/or a sheet row's status cell. */
export const ReplyTarget = z.strictObject({
  chat: z.optional(
    z.strictObject({
      space: z.string().check(z.regex(/^spaces\/[A-Za-z0-9_-]+$/, 'must look like spaces/AAAA…')),
      /** Thread to reply in (`spaces/S/threads/T`); a new thread when absent. */
      thread: z.optional(z.string().check(z.regex(/^spaces\/[A-Za-z0-9_-]+\/threads\/[A-Za-z0-9_-]+$/))),
      /**
       * Only this Chat user sees the job's messages (privateMessageViewer): answers that
       * concern one person, such as /search, in a space with others.
       */
      viewer: z.optional(z.string().check(z.regex(/^users\/[A-Za-z0-9_-]+$/, 'must look like users/123'))),
    }),
  ),
  sheet: z.optional(
    z.strictObject({
      spreadsheetId: z.string().check(z.minLength(1)),
      sheetName: z.string().check(z.minLength(1)),
      /** 1-based row number whose status cell the worker writes. */
      row: z.number().check(z.int(), z.gte(1)),
    }),
  ),
});
export type ReplyTarget = z.infer<typeof ReplyTarget>;

export const JobProgress = z.object({
  done: z.number().check(z.int(), z.gte(0)),
  total: z.number().check(z.int(), z.gte(0)),
  label: z.string(),
  updatedAt: z.string(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** A finished step's memoized output; a redelivered job skips steps found here. */
export const StepRecord = z.object({
  output: z.unknown(),
  finishedAt: z.string(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const JobLease = z.object({
  /** Delivery that holds the lease (task name + execution count). */
  holder: z.string(),
  /** ISO time after which another delivery may take the job over (renewed by the run's heartbeat). */
  until: z.string(),
});

/**
 * The final report of one generation (the outbox entry):
 * - owed: the outcome is recorded, the Chat message / sheet status still has to say so;
 * - delivered: it was written;
 * - failed: the reply target refused permanently (space gone, app removed…): not retried.
 */
export const JobReport = z.object({
  generation: z.number().check(z.int(), z.gte(1)),
  state: z.enum(['owed', 'delivered', 'failed']),
  /** Delivery attempts made so far. */
  attempts: z.number().check(z.int(), z.gte(0)),
  /** Not before this ISO time (backoff, or the reply target's Retry-After). */
  nextAttemptAt: z.optional(z.string()),
  /** The last delivery error (retryable while owed; the permanent one when failed). */
  error: z.optional(JobError),
  deliveredAt: z.optional(z.string()),
});
export type JobReport = z.infer<typeof JobReport>;

/** A job id: what the store keys on and a Cloud Tasks task name may contain. */
export const JOB_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,40}$/;

export const JobRecord = z.object({
  id: z.string().check(z.regex(JOB_ID_PATTERN)),
  kind: z.string(),
  input: z.unknown(),
  status: JobStatus,
  /** Verified e-mail of the person who asked (from the ID token, never from the body). */
  requestedBy: z.string(),
  locale: Locale,
  reply: z.optional(ReplyTarget),
  idempotencyKey: z.optional(z.string()),
  /** Task generation: 1 on enqueue, +1 on each retry; part of the task name. */
  generation: z.number().check(z.int(), z.gte(1)),
  /**
   * Legacy: the task name, as records written before it was derived (JobQueue.taskNameFor from id
   * and generation) carry it. Nothing writes or reads it now; kept so those records still parse.
   */
  taskName: z.optional(z.string()),
  /** Deliveries that started running the handler, over all generations. */
  attempts: z.number().check(z.int(), z.gte(0)),
  steps: z.record(z.string(), StepRecord),
  progress: z.optional(JobProgress),
  result: z.optional(z.unknown()),
  error: z.optional(JobError),
  lease: z.optional(JobLease),
  /** The final report of the current generation, once it has ended (see JobReport). */
  report: z.optional(JobReport),
  /** New task generations the reconciler created because a task ended without the job ending. */
  recoveries: z.optional(z.number().check(z.int(), z.gte(0))),
  cancelRequested: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.optional(z.string()),
  finishedAt: z.optional(z.string()),
  version: z.number().check(z.int(), z.gte(0)),
});
export type JobRecord = z.infer<typeof JobRecord>;

/** Step names starting with this are the worker's own bookkeeping (e.g. `$reported`), not the job's work. */
export const RESERVED_STEP_PREFIX = '$';

/**
 * What the HTTP API returns: the record without internals (lease, version, raw step outputs, the
 * worker's reserved steps).
 */
export const JobView = z.extend(z.omit(JobRecord, { lease: true, version: true, steps: true }), {
  steps: z.array(z.string()),
});
export type JobView = z.infer<typeof JobView>;

export function toJobView(job: JobRecord): JobView {
  const { lease: _lease, version: _version, steps, ...rest } = job;
  return { ...rest, steps: Object.keys(steps).filter((name) => !name.startsWith(RESERVED_STEP_PREFIX)) };
}

/**
 * A job the reconciler still owes something: it has not ended, or its final report has not been
 * delivered. Stores index this (with updatedAt) so the sweep never scans settled history.
 */
export function isUnsettled(job: Pick<JobRecord, 'status' | 'report'>): boolean {
  return !TERMINAL_STATUSES.includes(job.status) || job.report?.state === 'owed';
}

/** The job answers somewhere (a Chat space and/or a sheet row), so its end must be reported. */
export function hasReplyTarget(job: Pick<JobRecord, 'reply'>): boolean {
  return Boolean(job.reply?.chat || job.reply?.sheet);
}

/** The job's lease has not expired: the delivery holding it is alive (it renews the lease). */
export function leaseLive(job: Pick<JobRecord, 'lease'>, now: Date): boolean {
  return Boolean(job.lease && Date.parse(job.lease.until) > now.getTime());
}
