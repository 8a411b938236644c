/**
 * The reconciler: owns the end of every job. Cloud Tasks only promises deliveries while a task
 * has attempts left; a job must end, and be reported, whatever happened to its task and to the
 * process that ran it. `sweep()` runs behind POST /tasks/sweep (Cloud Scheduler every minute in
 * production, the local stack every few seconds) and looks only at unsettled jobs (the store's
 * indexed listUnsettledJobs) not written for SWEEP_MIN_AGE_MS:
 *
 * - queued, older than QUEUED_GRACE_MS, whose task does not exist: either the enqueue crashed
 *   between recording the job and creating its task → create it (same generation; the name is
 *   derived, so this is idempotent), or, when Cloud Tasks still holds the name (ALREADY_EXISTS:
 *   the task ran out of attempts), recover as below.
 * - running whose lease has expired and whose task no longer exists (its attempts were spent,
 *   e.g. every delivery found the service down) → recover: a new task
 *   generation while the job's own budget (TASUKI_JOB_MAX_RECOVERIES) allows, the handler
 *   resuming after its last finished step; else the job fails as `abandoned` (retryable: the
 *   owner can Retry) and is reported.
 * - running with an expired lease and a cancel request → canceled at once (the owner's way out).
 * - terminal with a report owed and due → the outbox delivers it (outbox.ts), waiting up to
 *   REPORT_WAIT_IN_SWEEP_MS for a busy space's turn (a delivery answering Cloud Tasks waits 2 s).
 *
 * A running job whose lease is live, and a job whose task still exists, are left alone: a
 * delivery will come and take over. Every decision is re-checked on the fresh record inside a
 * compare-and-set write (jobMutation.ts), and task creation is idempotent per generation, so
 * sweeps may run concurrently in several instances, and overlap with deliveries, safely.
 */
import { SERVICE_TEXTS } from '../../shared/messages.js';
import { leaseLive, TERMINAL_STATUSES, type JobRecord } from '../../shared/job.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { JobQueue } from '../queue/queue.js';
import type { ReplyPort } from '../reply/replyPort.js';
import type { Store } from '../store/store.js';
import { mutateJob } from './jobMutation.js';
import { deliverReport, reportDue } from './outbox.js';
import { createJobTask } from './taskDispatch.js';

/** Jobs written more recently than this are in someone's hands; the sweep skips them. */
export const SWEEP_MIN_AGE_MS = 5_000;
/** A queued job without a task name this old was left by a crashed enqueue. */
export const QUEUED_GRACE_MS = 30_000;
const PAGE_SIZE = 100;
/** How long one owed report may wait for its target's turn within a sweep. */
export const REPORT_WAIT_IN_SWEEP_MS = 15_000;
/** Jobs examined at once (each may cost a task lookup and a write). */
const PARALLEL = 8;

export type ReconcilerDeps = {
  config: Pick<Config, 'jobMaxRecoveries' | 'leaseSeconds'>;
  store: Store;
  queue: JobQueue;
  reply: ReplyPort;
  log: Logger;
  now?: () => Date;
};

export type SweepSummary = {
  examined: number;
  dispatched: number;
  recovered: number;
  abandoned: number;
  canceled: number;
  reported: number;
  reportsFailed: number;
  errors: number;
  /** True when the sweep stopped at its time budget with candidates left (the next one continues). */
  truncated: boolean;
};

type Decision = 'dispatched' | 'recovered' | 'abandoned' | 'canceled' | 'reported' | 'reportsFailed' | 'none';

export class Reconciler {
  private readonly now: () => Date;

  constructor(private readonly deps: ReconcilerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** One pass over the unsettled jobs, within `budgetMs` (default 20 s). */
  async sweep(opts: { budgetMs?: number } = {}): Promise<SweepSummary> {
    const started = this.now().getTime();
    const budget = opts.budgetMs ?? 20_000;
    const summary: SweepSummary = { examined: 0, dispatched: 0, recovered: 0, abandoned: 0, canceled: 0, reported: 0, reportsFailed: 0, errors: 0, truncated: false };
    const updatedBefore = new Date(started - SWEEP_MIN_AGE_MS).toISOString();
    let updatedAfter: string | undefined;
    const overBudget = () => this.now().getTime() - started > budget;
    pages: for (;;) {
      const page = await this.deps.store.listUnsettledJobs({ updatedBefore, limit: PAGE_SIZE, ...(updatedAfter ? { updatedAfter } : {}) });
      for (let i = 0; i < page.length; i += PARALLEL) {
        // Checked per batch, not per page: a batch of reports may wait for a busy space's turn.
        if (i > 0 && overBudget()) {
          summary.truncated = true;
          break pages;
        }
        const decisions = await Promise.all(page.slice(i, i + PARALLEL).map((job) => this.examine(job)));
        for (const decision of decisions) {
          summary.examined++;
          if (decision === 'error') summary.errors++;
          else if (decision !== 'none') summary[decision]++;
        }
      }
      if (page.length < PAGE_SIZE) break;
      updatedAfter = page[page.length - 1]!.updatedAt;
      if (overBudget()) {
        summary.truncated = true;
        break;
      }
    }
    const acted = summary.dispatched + summary.recovered + summary.abandoned + summary.canceled + summary.reported + summary.reportsFailed;
    if (acted || summary.errors) this.deps.log.info({ sweep: summary }, 'reconciler sweep acted');
    return summary;
  }

  private async examine(job: JobRecord): Promise<Decision | 'error'> {
    try {
      return await this.decide(job);
    } catch (err) {
      this.deps.log.warn({ err, jobId: job.id }, 'reconciler could not settle a job; the next sweep tries again');
      return 'error';
    }
  }

  private async decide(job: JobRecord): Promise<Decision> {
    const now = this.now();
    if (TERMINAL_STATUSES.includes(job.status)) {
      if (!reportDue(job, now)) return 'none';
      // A sweep holds no dispatch slot, so a report may wait its turn in a busy space for most of
      // the sweep's budget: one pass drains a space's backlog at Chat's pace (~1 write/s).
      const result = await deliverReport(this.outbox(), job, { maxWaitMs: REPORT_WAIT_IN_SWEEP_MS });
      return result.state === 'delivered' ? 'reported' : result.state === 'failed' ? 'reportsFailed' : 'none';
    }
    if (job.status === 'running' && leaseLive(job, now)) return 'none';
    if (job.status === 'running' && job.cancelRequested) return this.cancelStale(job);
    if (job.status === 'queued' && now.getTime() - Date.parse(job.updatedAt) < QUEUED_GRACE_MS) return 'none';
    if (await this.deps.queue.exists(this.deps.queue.taskNameFor(job.id, job.generation))) return 'none';
    if (job.status === 'queued') {
      const { created } = await createJobTask(this.deps, job);
      if (created) {
        this.deps.log.info({ jobId: job.id, generation: job.generation }, 'reconciler created the missing task of a queued job');
        return 'dispatched';
      }
    }
    return this.recover(job);
  }

  /**
   * Unchanged since this sweep examined it? (Re-checked inside every write: any write in between
   * — a delivery taking over, a cancel, another sweep — means the next sweep decides afresh.)
   */
  private stillStuck(fresh: JobRecord, job: JobRecord): boolean {
    return fresh.version === job.version;
  }

  private async cancelStale(job: JobRecord): Promise<Decision> {
    const at = this.now().toISOString();
    const { job: canceled, changed } = await mutateJob(
      this.deps.store,
      job,
      (fresh) => (this.stillStuck(fresh, job) ? { ...fresh, status: 'canceled', lease: undefined, finishedAt: at } : null),
      this.now,
    );
    if (!changed || !canceled) return 'none';
    this.deps.log.info({ jobId: job.id }, 'reconciler canceled a job whose holder stopped answering');
    await deliverReport(this.outbox(), canceled);
    return 'canceled';
  }

  private async recover(job: JobRecord): Promise<Decision> {
    const at = this.now().toISOString();
    const recoveries = job.recoveries ?? 0;
    if (recoveries < this.deps.config.jobMaxRecoveries) {
      const { job: next, changed } = await mutateJob(
        this.deps.store,
        job,
        (fresh) =>
          this.stillStuck(fresh, job)
            ? { ...fresh, status: 'queued', generation: fresh.generation + 1, lease: undefined, recoveries: (fresh.recoveries ?? 0) + 1 }
            : null,
        this.now,
      );
      if (!changed || !next) return 'none';
      this.deps.log.warn({ jobId: job.id, generation: next.generation, recoveries: next.recoveries }, 'reconciler: the job outlived its task; queued a new generation');
      await createJobTask(this.deps, next);
      return 'recovered';
    }
    const error = { code: 'abandoned', message: SERVICE_TEXTS.abandoned[job.locale], retryable: true, userMessage: { ...SERVICE_TEXTS.abandoned } };
    const { job: failed, changed } = await mutateJob(
      this.deps.store,
      job,
      (fresh) => (this.stillStuck(fresh, job) ? { ...fresh, status: 'failed', error, lease: undefined, finishedAt: at } : null),
      this.now,
    );
    if (!changed || !failed) return 'none';
    this.deps.log.error({ jobId: job.id, recoveries }, 'reconciler: abandoned a job whose tasks kept ending without it (the worker stopped answering)');
    await deliverReport(this.outbox(), failed);
    return 'abandoned';
  }

  private outbox() {
    return { store: this.deps.store, reply: this.deps.reply, log: this.deps.log, now: this.now };
  }
}
