/**
 * The worker behind POST /tasks/run: one Cloud Tasks delivery in, one HTTP answer out.
 *
 * Answers (Cloud Tasks retries anything but 2xx):
 * - 200: the job finished (succeeded, failed permanently or on the final attempt, canceled) and
 *   was reported; or there is nothing to do (stale generation, already finished, a job still
 *   unknown on the final attempt). An unknown job otherwise gets 503: its record may be a moment
 *   behind its task (routes/jobs.ts writes both at once).
 * - 409 + Retry-After: another delivery holds a live lease on the job, or this one lost it.
 * - 503, or 429 + Retry-After: a retryable failure before the final attempt; the job goes back to
 *   `queued` with the error recorded and resumes after its last finished step on redelivery.
 *   Also 503 when the outcome is recorded but could not be reported yet (the redelivery reports).
 *
 * Lease: held by one delivery (delivery.ts: task name + execution count + nonce) for
 * TASUKI_LEASE_SECONDS (L, 30 s) and renewed by the run (every write, and a heartbeat after L/3
 * without one: runContext.ts). A live lease of another delivery chain blocks (409, Retry-After =
 * what is left of it); an expired one (its holder crashed or was cut off), or one of the same
 * chain (Cloud Tasks got no answer from it, so it crashed), is taken over. In one instance, a job
 * runs at most once at a time (`running`).
 *
 * Timing (production defaults): a holder that dies stops renewing, so its lease runs out at most
 * L = 30 s later. Cloud Tasks retries the task after 1, 2, 4, 8, 16, 32, 48 s (8 attempts, 111 s
 * in all, queueSettings.ts); a redelivery of the same chain takes over at once, one of another
 * chain within L, and config.ts refuses an L whose double exceeds the retry schedule, so at least
 * one delivery arrives after the lease has expired. The dispatch deadline (600 s) only bounds one
 * delivery; the run aborts itself 10 s before it and answers retryably. When every delivery is
 * spent anyway (the service was down for the whole schedule), the task is gone and the
 * reconciler (reconciler.ts, every minute) finds the job unsettled: it creates a new generation
 * within the job's budget or ends it as abandoned. Final reports go through the outbox
 * (outbox.ts), which outlives the task.
 */
import { hasReplyTarget, TERMINAL_STATUSES, type JobError, type JobRecord } from '../../shared/job.js';
import type { TaskPayload } from '../../shared/api.js';
import { JOB_KINDS } from '../../shared/jobKinds.js';
import type { Config } from '../config.js';
import type { GoogleClients } from '../google/clients.js';
import type { HandlerRegistry } from './jobHandler.js';
import type { Logger } from '../logger.js';
import type { ReplyPort } from '../reply/replyPort.js';
import type { Store } from '../store/store.js';
import { classifyFailure, type ClassifiedFailure } from './classifyFailure.js';
import { chainOf, isFinalAttempt, type Delivery } from './delivery.js';
import { mutateJob } from './jobMutation.js';
import { deliverReport } from './outbox.js';
import { LeaseLost, RunContext, type AbortReason } from './runContext.js';

export type WorkerDeps = {
  config: Config;
  log: Logger;
  store: Store;
  reply: ReplyPort;
  handlers: HandlerRegistry;
  google: () => Promise<GoogleClients>;
  now?: () => Date;
  /** How often a running job re-reads its record for a cancel request (default 1000 ms). */
  cancelPollMs?: number;
};

/** How long the card saying "retrying" may wait for its turn in a busy space. */
export const RETRY_CARD_WAIT_MS = 2000;

export type TaskOutcome = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

type RunResult =
  | { kind: 'succeeded'; result: unknown }
  | { kind: 'canceled' }
  | { kind: 'failed'; failure: ClassifiedFailure };

const ABORT_FAILURES: Record<Exclude<AbortReason, 'canceled' | 'leaseLost'>, JobError> = {
  deadline: { code: 'deadline_exceeded', message: 'the run reached the dispatch deadline; it resumes on the next delivery', retryable: true },
  shutdown: { code: 'instance_shutting_down', message: 'the service instance shut down; the job resumes on the next delivery', retryable: true },
};

export class Worker {
  /** Jobs running in this instance (undefined while a delivery is still taking the lease). */
  private readonly running = new Map<string, RunContext<unknown> | undefined>();
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private readonly now: () => Date;

  constructor(private readonly deps: WorkerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Deliveries currently being handled. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  async handle(payload: TaskPayload, delivery: Delivery, log: Logger = this.deps.log): Promise<TaskOutcome> {
    this.inFlight++;
    try {
      return await this.deliver(payload, delivery, log.child({ jobId: payload.jobId, task: delivery.taskName, retryCount: delivery.retryCount }));
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Resolves true once no delivery is in flight, or false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Stops every running handler (e.g. at the end of the shutdown grace); each answers retryably. */
  abortAll(reason: AbortReason): void {
    for (const ctx of this.running.values()) ctx?.abort(reason);
  }

  private async deliver(payload: TaskPayload, delivery: Delivery, log: Logger): Promise<TaskOutcome> {
    const { store, config } = this.deps;
    const job = await store.getJob(payload.jobId);
    if (!job) {
      // The job API records a job and creates its task at once, so a task may arrive a moment
      // before its record: ask again soon, and drop it only on the final attempt.
      if (isFinalAttempt(delivery, config.queueMaxAttempts)) {
        log.warn('task for an unknown job on its final attempt; dropping it');
        return ok({ ignored: 'job_not_found' });
      }
      return { status: 503, body: { jobId: payload.jobId, error: { code: 'job_not_found_yet', message: 'no record for this job yet; retry' } }, headers: { 'Retry-After': '1' } };
    }
    if (payload.generation !== job.generation) {
      log.info({ generation: payload.generation, current: job.generation }, 'stale task generation; dropping it');
      return ok({ ignored: 'stale_generation', jobId: job.id });
    }
    if (TERMINAL_STATUSES.includes(job.status)) return this.settle(job, delivery, log);
    if (this.running.has(job.id)) return busy(job.id, config.leaseSeconds, 'this job is already running in this instance');
    this.running.set(job.id, undefined);
    try {
      return await this.takeAndRun(job, payload, delivery, log);
    } finally {
      this.running.delete(job.id);
    }
  }

  private async takeAndRun(job: JobRecord, payload: TaskPayload, delivery: Delivery, log: Logger): Promise<TaskOutcome> {
    const { store, config } = this.deps;
    const startedAt = this.now().getTime();
    let blockedUntil: number | undefined;
    const taken = await mutateJob(
      store,
      job,
      (fresh) => {
        if (fresh.generation !== payload.generation || TERMINAL_STATUSES.includes(fresh.status)) return null;
        if (fresh.lease && chainOf(fresh.lease.holder) !== delivery.chain && Date.parse(fresh.lease.until) > startedAt) {
          blockedUntil = Date.parse(fresh.lease.until);
          return null;
        }
        if (fresh.cancelRequested) {
          return { ...fresh, status: 'canceled', lease: undefined, finishedAt: new Date(startedAt).toISOString() };
        }
        return {
          ...fresh,
          status: 'running',
          attempts: fresh.attempts + 1,
          startedAt: fresh.startedAt ?? new Date(startedAt).toISOString(),
          lease: { holder: delivery.holder, until: new Date(startedAt + config.leaseSeconds * 1000).toISOString() },
        };
      },
      this.now,
    );
    if (!taken.job) return ok({ ignored: 'job_not_found' });
    if (!taken.changed) {
      if (blockedUntil !== undefined) {
        return busy(job.id, Math.ceil((blockedUntil - startedAt) / 1000), 'another delivery holds the lease on this job');
      }
      return taken.job.generation === payload.generation ? this.settle(taken.job, delivery, log) : ok({ ignored: 'stale_generation', jobId: job.id });
    }
    if (taken.job.status === 'canceled') return this.settle(taken.job, delivery, log);
    return this.run(taken.job, delivery, startedAt, log);
  }

  private async run(job: JobRecord, delivery: Delivery, startedAt: number, log: Logger): Promise<TaskOutcome> {
    const { config } = this.deps;
    const deadlineMs = config.dispatchDeadlineSeconds * 1000;
    const margin = Math.min(10_000, deadlineMs * 0.1);
    let ctx: RunContext<unknown> | undefined;
    let outcome: RunResult;
    log.info({ kind: job.kind, attempt: job.attempts }, 'job run started');
    try {
      const handler = await this.deps.handlers.load(job.kind as keyof typeof JOB_KINDS);
      if (!handler) {
        outcome = permanent('kind_not_available', `this service does not run jobs of kind ${job.kind}`);
      } else {
        const input = handler.input.safeParse(job.input);
        if (!input.success) {
          outcome = permanent('invalid_input', `the stored input no longer matches ${job.kind}: ${input.error.message}`);
        } else {
          ctx = new RunContext({
            job, input: input.data, holder: delivery.holder, store: this.deps.store, reply: this.deps.reply,
            google: await this.deps.google(), config, log, now: this.now,
            deadlineAt: startedAt + deadlineMs - margin, cancelPollMs: this.deps.cancelPollMs ?? 1000,
            leaseMs: config.leaseSeconds * 1000,
          });
          this.running.set(job.id, ctx);
          ctx.start();
          // Show "running" where the user asked right away (best-effort, throttled like progress).
          if (hasReplyTarget(job)) this.deps.reply.progress(job).catch((err: unknown) => log.warn({ err }, 'progress reply failed'));
          const raw = await handler.run(ctx);
          const schema = JOB_KINDS[job.kind as keyof typeof JOB_KINDS]?.result;
          const result = schema ? schema.safeParse(raw) : { success: true as const, data: raw };
          outcome = result.success
            ? { kind: 'succeeded', result: result.data }
            : permanent('invalid_result', `the ${job.kind} handler returned a result that does not match its schema: ${result.error.message}`);
        }
      }
    } catch (err) {
      if (err instanceof LeaseLost) {
        log.warn('lease lost during the run; leaving the job to the delivery that holds it');
        return busy(job.id, 1, err.message);
      }
      const reason = ctx?.abortReason;
      if (reason === 'leaseLost') {
        log.warn('lease lost during the run; leaving the job to the delivery that holds it');
        return busy(job.id, 1, 'lease lost during the run');
      }
      if (reason === 'canceled') outcome = { kind: 'canceled' };
      else if (reason) outcome = { kind: 'failed', failure: { error: ABORT_FAILURES[reason] } };
      else {
        outcome = { kind: 'failed', failure: classifyFailure(err, job.locale) };
        log.warn({ err, code: outcome.failure.error.code, retryable: outcome.failure.error.retryable }, 'job run failed');
      }
    } finally {
      ctx?.dispose();
    }
    return this.conclude(ctx?.job ?? job, delivery, outcome, log);
  }

  /** Records the run's outcome (if this delivery still holds the lease) and answers Cloud Tasks. */
  private async conclude(job: JobRecord, delivery: Delivery, outcome: RunResult, log: Logger): Promise<TaskOutcome> {
    const final = isFinalAttempt(delivery, this.deps.config.queueMaxAttempts);
    const at = this.now().toISOString();
    const retryLater = outcome.kind === 'failed' && outcome.failure.error.retryable && !final;
    let lost = false;
    const written = await mutateJob(
      this.deps.store,
      job,
      (fresh) => {
        if (fresh.lease?.holder !== delivery.holder || fresh.generation !== job.generation || fresh.status !== 'running') {
          lost = true;
          return null;
        }
        // `job` carries the run's latest progress and its last finished steps, which may not have
        // been written yet (runContext.ts): they ride along with the outcome.
        const released = { ...fresh, steps: { ...job.steps, ...fresh.steps }, lease: undefined, ...(job.progress ? { progress: job.progress } : {}) };
        switch (outcome.kind) {
          case 'succeeded':
            return { ...released, status: 'succeeded', result: outcome.result, error: undefined, finishedAt: at };
          case 'canceled':
            return { ...released, status: 'canceled', finishedAt: at };
          case 'failed':
            return retryLater
              ? { ...released, status: 'queued', error: outcome.failure.error }
              : { ...released, status: 'failed', error: outcome.failure.error, finishedAt: at };
        }
      },
      this.now,
    );
    if (!written.job || lost) {
      log.warn('lease lost before the outcome was recorded');
      return busy(job.id, 1, 'lease lost before the outcome was recorded');
    }
    const recorded = written.job;
    log.info({ status: recorded.status, code: recorded.error?.code, finalAttempt: final }, 'job run concluded');
    if (retryLater && outcome.kind === 'failed') {
      // The card must say the job will be retried: the write waits its turn (up to
      // RETRY_CARD_WAIT_MS) instead of being skipped, and Cloud Tasks is answered after it, so
      // the next attempt's "running" cannot land first.
      if (hasReplyTarget(recorded)) {
        await this.deps.reply.progress(recorded, { waitMs: RETRY_CARD_WAIT_MS }).catch((err: unknown) => log.warn({ err }, 'could not show the retry on the card'));
      }
      const after = outcome.failure.retryAfterSeconds;
      const body = { jobId: recorded.id, status: recorded.status, error: recorded.error };
      return after !== undefined ? { status: 429, body, headers: { 'Retry-After': String(after) } } : { status: 503, body };
    }
    return this.settle(recorded, delivery, log);
  }

  /**
   * A terminal job: deliver its owed report (outbox.ts), then answer 200. When the reply target
   * is briefly unavailable and the task has attempts left, answer 503/429 so Cloud Tasks tries
   * again soon; otherwise 200 all the same: the report stays owed and the reconciler's sweep
   * delivers it, whatever happens to this task.
   */
  private async settle(job: JobRecord, delivery: Delivery, log: Logger): Promise<TaskOutcome> {
    let delivered;
    try {
      delivered = await deliverReport({ store: this.deps.store, reply: this.deps.reply, log, now: this.now }, job, { force: true });
    } catch (err) {
      // The store itself failed while recording the delivery: the report is still owed.
      log.error({ err }, 'could not record the report of the job outcome');
      delivered = { state: 'retry' as const, job };
    }
    if (delivered.state === 'retry' && !isFinalAttempt(delivery, this.deps.config.queueMaxAttempts)) {
      const body = { jobId: job.id, status: job.status, error: { code: 'reply_failed', message: 'outcome recorded; reporting it failed and will be retried' } };
      const after = 'retryAfterSeconds' in delivered ? delivered.retryAfterSeconds : undefined;
      return after !== undefined ? { status: 429, body, headers: { 'Retry-After': String(after) } } : { status: 503, body };
    }
    return ok({ jobId: job.id, status: job.status });
  }
}

function ok(body: Record<string, unknown>): TaskOutcome {
  return { status: 200, body };
}

function busy(jobId: string, retryAfterSeconds: number, message: string): TaskOutcome {
  return {
    status: 409,
    body: { jobId, error: { code: 'job_busy', message } },
    headers: { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
  };
}

function permanent(code: string, message: string): RunResult {
  return { kind: 'failed', failure: { error: { code, message, retryable: false } } };
}
