/**
 * The JobContext a handler runs with during one delivery (see jobHandler.ts for the contract).
 *
 * Every write goes through `mutate`, which checks on the fresh record that this delivery still
 * holds the lease (else LeaseLost: another delivery took the job over, this one must stop),
 * renews the lease, and notices a cancel request (then `signal` aborts). A heartbeat renews the
 * lease when no write has for a third of the lease period, so a live run keeps its job while a
 * dead one loses it within one lease period (worker.ts states the timing); a heartbeat that finds
 * the lease gone aborts the run (`leaseLost`). Cancel is also polled every `cancelPollMs`, so
 * a handler sleeping or waiting on an API call with `signal` stops without waiting for its next
 * step (a poll is skipped when the run wrote the record within the period: that write would have
 * met the cancel). The signal also aborts shortly before the dispatch deadline, so the worker can
 * answer Cloud Tasks itself (and the next delivery resumes) instead of being cut off.
 *
 * Progress never waits for a write of its own: it rides along with the run's next write (a step,
 * the heartbeat, the outcome), and when no write has gone out for PROGRESS_WRITE_INTERVAL_MS it
 * is written in the background (each write is a store write, a Firestore bill line in
 * production). The worker's final write always carries the latest.
 *
 * A finished step's output is written before the next step starts, or with the run's next write
 * (progress, heartbeat), or — when the handler returns or throws right after it — with the
 * outcome (worker.ts conclude), whichever comes first; if none comes within the current turn of
 * the event loop (the handler awaits other I/O), it is written on its own at once. So the write
 * is issued as soon as before (the crash window is one write, as it always was), but a job's
 * last step costs no write of its own: W1's three steps take two step writes.
 */
import { RESERVED_STEP_PREFIX, type JobProgress, type JobRecord, type StepRecord } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';
import type { Config } from '../config.js';
import type { GoogleClients } from '../google/clients.js';
import type { Logger } from '../logger.js';
import type { ReplyPort } from '../reply/replyPort.js';
import type { Store } from '../store/store.js';
import type { JobContext } from './jobHandler.js';
import { mutateJob } from './jobMutation.js';

export type AbortReason = 'canceled' | 'deadline' | 'shutdown' | 'leaseLost';

/** Thrown into the handler (as `signal.reason`) when the run must stop. */
export class JobAborted extends Error {
  constructor(readonly reason: AbortReason) {
    super(`job run aborted: ${reason}`);
    this.name = 'JobAborted';
  }
}

/** This delivery no longer holds the job (its lease expired and another delivery took over). */
export class LeaseLost extends Error {
  constructor(jobId: string) {
    super(`job ${jobId}: lease lost to another delivery`);
    this.name = 'LeaseLost';
  }
}

export const PROGRESS_WRITE_INTERVAL_MS = 1000;

export type RunContextOptions<I> = {
  job: JobRecord;
  input: I;
  holder: string;
  store: Store;
  reply: ReplyPort;
  google: GoogleClients;
  config: Config;
  log: Logger;
  now: () => Date;
  /** Abort the run at this time (a margin before the dispatch deadline). */
  deadlineAt: number;
  cancelPollMs: number;
  /** Lease period; every write renews the lease to now + leaseMs, the heartbeat every third of it. */
  leaseMs: number;
};

export class RunContext<I> implements JobContext<I> {
  readonly input: I;
  readonly google: GoogleClients;
  readonly store: Store;
  readonly config: Config;
  readonly log: Logger;
  private current: JobRecord;
  /** Progress not yet written to the store (see the file comment). */
  private pendingProgress: JobProgress | undefined;
  /** Finished steps not yet written to the store (see the file comment). */
  private readonly unwrittenSteps = new Map<string, StepRecord>();
  /** The write of unwritten steps in flight, if any. */
  private stepWrite: Promise<void> | undefined;
  private stepWriteSoon: NodeJS.Immediate | undefined;
  private progressWriteTimer: NodeJS.Timeout | undefined;
  private readonly controller = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  /** When this run last wrote the record (each write renews the lease). */
  private lastWrite: number;
  private beating = false;

  constructor(private readonly opts: RunContextOptions<I>) {
    this.current = opts.job;
    // The lease write that started the run counts: a quick job's progress rides along with its next write.
    this.lastWrite = opts.now().getTime();
    this.input = opts.input;
    this.google = opts.google;
    this.store = opts.store;
    this.config = opts.config;
    this.log = opts.log;
  }

  /** The record as this run knows it: what is stored plus the progress and steps not yet written. */
  get job(): JobRecord {
    return this.withUnwritten(this.current, this.pendingProgress, this.unwrittenSteps);
  }

  private withUnwritten(job: JobRecord, progress: JobProgress | undefined, steps: ReadonlyMap<string, StepRecord>): JobRecord {
    if (!progress && steps.size === 0) return job;
    const next = progress ? { ...job, progress } : { ...job };
    if (steps.size > 0) next.steps = { ...Object.fromEntries(steps), ...job.steps };
    return next;
  }

  get locale(): Locale {
    return this.current.locale;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get abortReason(): AbortReason | undefined {
    const reason: unknown = this.controller.signal.reason;
    return this.controller.signal.aborted && reason instanceof JobAborted ? reason.reason : undefined;
  }

  abort(reason: AbortReason): void {
    if (!this.controller.signal.aborted) this.controller.abort(new JobAborted(reason));
  }

  /** Starts the deadline and cancel-poll timers; `dispose` stops them. */
  start(): void {
    const untilDeadline = Math.max(0, this.opts.deadlineAt - this.opts.now().getTime());
    this.timers.push(setTimeout(() => this.abort('deadline'), untilDeadline));
    const poll = setInterval(() => {
      // A write of this run that succeeded since the last poll saw the record as it was (a cancel
      // request would have changed its version and been noticed): no read needed.
      if (this.opts.now().getTime() - this.lastWrite < this.opts.cancelPollMs) return;
      this.opts.store.getJob(this.current.id).then(
        (fresh) => {
          if (fresh?.cancelRequested) this.abort('canceled');
        },
        (err: unknown) => this.log.warn({ err }, 'cancel poll failed'),
      );
    }, this.opts.cancelPollMs);
    this.timers.push(poll);
    const beatEvery = Math.max(200, Math.floor(this.opts.leaseMs / 3));
    this.timers.push(setInterval(() => void this.heartbeat(beatEvery), Math.max(100, Math.floor(beatEvery / 2))));
  }

  /** Renews the lease if no write has for `beatEvery` ms; see the file comment. */
  private async heartbeat(beatEvery: number): Promise<void> {
    if (this.beating || this.signal.aborted || this.opts.now().getTime() - this.lastWrite < beatEvery) return;
    this.beating = true;
    try {
      await this.mutate((job) => job);
    } catch (err) {
      // The store did not answer: the next beat tries again; if the lease expires meanwhile,
      // another delivery may take over and this run stops at its next write.
      this.backgroundWriteFailed(err, 'lease heartbeat');
    } finally {
      this.beating = false;
    }
  }

  /** A write nobody awaits (heartbeat, step, progress) failed: a lost lease stops the run. */
  private backgroundWriteFailed(err: unknown, what: string): void {
    if (err instanceof LeaseLost) {
      this.log.warn(`${what} found the lease taken over; stopping this run`);
      this.abort('leaseLost');
    } else {
      // What it carried stays unwritten: the next write takes it along.
      this.log.warn({ err }, `${what} failed`);
    }
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    if (this.stepWriteSoon) clearImmediate(this.stepWriteSoon);
    clearTimeout(this.progressWriteTimer);
    this.stepWriteSoon = this.progressWriteTimer = undefined;
  }

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!name || name.startsWith(RESERVED_STEP_PREFIX)) throw new Error(`step name "${name}" is reserved or empty`);
    this.signal.throwIfAborted();
    const saved = this.current.steps[name] ?? this.unwrittenSteps.get(name);
    if (saved) return saved.output as T;
    // The step before this one is recorded before this one acts (see the file comment).
    await this.writeSteps();
    this.signal.throwIfAborted();
    const output = await fn();
    // Stored as JSON; hand back the stored form so a first run and a redelivery see the same value.
    const stored: unknown = output === undefined ? null : JSON.parse(JSON.stringify(output));
    this.unwrittenSteps.set(name, { output: stored, finishedAt: this.opts.now().toISOString() });
    this.stepWriteSoon ??= setImmediate(() => {
      this.stepWriteSoon = undefined;
      this.writeSteps().catch((err: unknown) => this.backgroundWriteFailed(err, 'step write'));
    });
    return stored as T;
  }

  /** Writes the finished steps not yet recorded (waiting for one such write already under way). */
  private async writeSteps(): Promise<void> {
    while (this.stepWrite) await this.stepWrite.catch(() => undefined);
    if (this.unwrittenSteps.size === 0) return;
    this.stepWrite = this.mutate((job) => job).then(() => undefined);
    try {
      await this.stepWrite;
    } finally {
      this.stepWrite = undefined;
    }
  }

  async progress(done: number, total: number, label: string): Promise<void> {
    this.signal.throwIfAborted();
    const at = this.opts.now();
    this.pendingProgress = { done: Math.max(0, Math.trunc(done)), total: Math.max(0, Math.trunc(total)), label, updatedAt: at.toISOString() };
    this.writeProgressLater(at.getTime());
    const job = this.job;
    if (job.reply) {
      try {
        await this.opts.reply.progress(job);
      } catch (err) {
        // Progress is best-effort: the next progress or the finish carries the full state again.
        this.log.warn({ err, jobId: job.id }, 'progress reply failed');
      }
    }
    this.signal.throwIfAborted();
  }

  /** Writes pending progress once no write has gone out for PROGRESS_WRITE_INTERVAL_MS. */
  private writeProgressLater(now: number): void {
    if (this.progressWriteTimer) return;
    this.progressWriteTimer = setTimeout(() => {
      this.progressWriteTimer = undefined;
      if (!this.pendingProgress || this.signal.aborted) return;
      const at = this.opts.now().getTime();
      if (at - this.lastWrite < PROGRESS_WRITE_INTERVAL_MS) return this.writeProgressLater(at);
      this.mutate((job) => job).catch((err: unknown) => this.backgroundWriteFailed(err, 'progress write'));
    }, Math.max(0, this.lastWrite + PROGRESS_WRITE_INTERVAL_MS - now));
  }

  /** Writes a change while this delivery holds the lease; see the file comment. */
  async mutate(change: (job: JobRecord) => JobRecord | null): Promise<JobRecord> {
    let lost = false;
    let cancelSeen = false;
    const { holder } = this.opts;
    const generation = this.current.generation;
    const pending = this.pendingProgress;
    const steps = new Map(this.unwrittenSteps);
    const result = await mutateJob(
      this.store,
      this.current,
      (fresh) => {
        if (fresh.lease?.holder !== holder || fresh.status !== 'running' || fresh.generation !== generation) {
          lost = true;
          return null;
        }
        cancelSeen = fresh.cancelRequested;
        const next = change(this.withUnwritten(fresh, pending, steps));
        return next && { ...next, lease: { holder, until: new Date(this.opts.now().getTime() + this.opts.leaseMs).toISOString() } };
      },
      this.opts.now,
    );
    if (!result.job || lost) throw new LeaseLost(this.current.id);
    this.current = result.job;
    if (result.changed) {
      this.lastWrite = this.opts.now().getTime();
      for (const [name, step] of steps) if (this.unwrittenSteps.get(name) === step) this.unwrittenSteps.delete(name);
    }
    if (this.pendingProgress === pending) this.pendingProgress = undefined;
    if (cancelSeen) this.abort('canceled');
    return result.job;
  }
}
