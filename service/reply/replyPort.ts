/**
 * Reply port: how the worker tells the person who asked what is happening to their job.
 * `progress` is best-effort and may be throttled away; `finished` is called for each terminal
 * state of a generation until it succeeds (the outbox, service/worker/outbox.ts, guards that
 * with the job record) and throws a ReplyFailure when the message could not be written: a
 * permanent one when the target refuses for good (the space is gone, the app was removed, the
 * sheet no longer exists), so the outbox stops at once instead of trying for a day.
 * Jobs without a reply target are not passed here.
 */
import type { JobRecord } from '../../shared/job.js';

export interface ReplyPort {
  /**
   * `waitMs`: a state the user must see (the card saying the job will be retried): instead of
   * being skipped when the target's turn is not free or another write of the job is in flight,
   * the write waits for both up to `waitMs` (then it is skipped, and the failure only logged).
   */
  progress(job: JobRecord, opts?: { waitMs?: number }): Promise<void>;
  /**
   * `maxWaitMs`: how long the write may wait for its turn in a busy target (Chat allows about one
   * write per second per space) before failing retryably. A delivery answering Cloud Tasks keeps
   * it short so it does not hold a dispatch slot; the reconciler's sweep, which holds none, may
   * wait longer and so drain a space's backlog of reports in one pass.
   */
  finished(job: JobRecord, opts?: { maxWaitMs?: number }): Promise<void>;
}

export class ReplyFailure extends Error {
  readonly permanent: boolean;
  readonly code: string;
  readonly retryAfterSeconds?: number;
  constructor(opts: { permanent: boolean; code: string; message: string; retryAfterSeconds?: number | undefined; cause?: unknown }) {
    super(opts.message, { cause: opts.cause });
    this.name = 'ReplyFailure';
    this.permanent = opts.permanent;
    this.code = opts.code;
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}
