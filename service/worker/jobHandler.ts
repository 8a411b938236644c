/**
 * What a job kind implements, and the context the worker gives it. One file per kind under
 * service/jobs/ exports a JobHandler; service/jobs/registry.ts lists them.
 *
 * Durable steps: `ctx.step(name, fn)` runs fn once per job; its output is saved in the job record
 * (before the next step starts, or with the run's outcome when the handler ends right after it:
 * runContext.ts), and a redelivered job gets the saved output back instead of running fn again.
 * Google-side writes inside a step must still be idempotent on their own (tagged Drive files,
 * deterministic Calendar ids, client-<job> Chat messages, rows keyed by job), because the process
 * can die between the Google call and the step record.
 */
import type { ZodMiniType } from 'zod/mini';
import type { JobRecord } from '../../shared/job.js';
import type { JobKind } from '../../shared/jobKinds.js';
import type { Locale } from '../../shared/locale.js';
import type { Config } from '../config.js';
import type { GoogleClients } from '../google/clients.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

export interface JobContext<I> {
  readonly job: JobRecord;
  /** The input, parsed by the kind's schema (defaults applied). */
  readonly input: I;
  readonly locale: Locale;
  /** Runs fn once per job; a redelivery returns the memoized output. Output must be JSON. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Records progress and updates the job's Chat message (throttled to the per-space limit). */
  progress(done: number, total: number, label: string): Promise<void>;
  /** Aborted on cancel and when the dispatch deadline is near; checked between steps too. */
  readonly signal: AbortSignal;
  /** Google API clients (sandbox locally), constructed on first use. */
  readonly google: GoogleClients;
  readonly store: Store;
  readonly config: Config;
  readonly log: Logger;
}

export interface JobHandler<K extends JobKind = JobKind> {
  readonly kind: K;
  /** Its kind's input schema from shared/kinds (written with zod/mini, see shared/zod.ts). */
  readonly input: ZodMiniType;
  run(ctx: JobContext<any>): Promise<unknown>;
}

/** Where the worker finds the handler of a kind (service/jobs/registry.ts builds the real one). */
export interface HandlerRegistry {
  has(kind: JobKind): boolean;
  /** The handler for `kind`, or null when this service does not run that kind. */
  load(kind: JobKind): Promise<JobHandler | null>;
}
