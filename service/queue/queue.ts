/**
 * Queue port: one Cloud Task per job attempt generation. The only implementation talks to Cloud
 * Tasks over its REST mapping (cloudTasksQueue.ts): to Google in production, to the emulator in
 * local/tasks-emulator locally (same client, different endpoint).
 *
 * Task names are derived from (job id, generation) and hashed, so enqueueing the same generation
 * twice answers ALREADY_EXISTS (reported as created: false) instead of running the job twice.
 */
/**
 * A task that could not be created. `definitive`: Cloud Tasks answered with a refusal (4xx other
 * than 429), so the task does not exist; false when the outcome is unknown (no answer, a
 * timeout, a reset connection, a 5xx or 429 answer): the task may exist, and the reconciler,
 * which looks the task up before creating it, is the one to decide.
 */
export class EnqueueFailed extends Error {
  constructor(
    message: string,
    readonly definitive: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnqueueFailed';
  }
}

export type EnqueueTask = {
  jobId: string;
  generation: number;
  /** Not before this time (Cloud Tasks scheduleTime). */
  notBefore?: Date;
};

export interface JobQueue {
  /**
   * The task name of a job generation, derived (never stored): the job record carries no task
   * name, so enqueueing costs no second record write.
   */
  taskNameFor(jobId: string, generation: number): string;
  /**
   * Creates the task for this job generation. Idempotent per (jobId, generation). `onSent` is
   * called once the request has been handed to Cloud Tasks (written to the connection), before
   * its answer: from then on the task exists unless Cloud Tasks refuses it.
   */
  enqueue(task: EnqueueTask, opts?: { onSent?: () => void }): Promise<{ taskName: string; created: boolean }>;
  /** Deletes a task that has not run yet; a task already gone is not an error. */
  cancel(taskName: string): Promise<void>;
  /**
   * Whether the task still exists (pending, in backoff or being dispatched). Cloud Tasks deletes
   * a task once it succeeded or spent its attempts, so false means no delivery will ever come.
   */
  exists(taskName: string): Promise<boolean>;
  /** Local mode: creates the queue in the emulator if absent. Production: checks it exists. */
  ensureQueue(): Promise<void>;
  close(): Promise<void>;
}
