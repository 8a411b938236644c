/**
 * Creating the Cloud Task of a job's current generation and recording its name: the one way
 * both the job API (enqueue, retry) and the reconciler (a new generation for a job whose task
 * ended) put a job on the queue. Idempotent: the task name is derived from (job id, generation),
 * so a second call for the same generation answers created: false and records the same name; a
 * crash between the two writes leaves the job `queued` without a task name, which the reconciler
 * dispatches again.
 */
import type { JobRecord } from '../../shared/job.js';
import type { JobQueue } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import { mutateJob } from './jobMutation.js';

/** Throws when the queue cannot be reached (the caller decides what the job becomes). */
export async function createJobTask(deps: { store: Store; queue: JobQueue; now: () => Date }, job: JobRecord): Promise<JobRecord> {
  const { taskName } = await deps.queue.enqueue({ jobId: job.id, generation: job.generation });
  const { job: updated } = await mutateJob(
    deps.store,
    job,
    (fresh) => (fresh.generation === job.generation && fresh.taskName !== taskName ? { ...fresh, taskName } : null),
    deps.now,
  );
  return updated ?? job;
}
