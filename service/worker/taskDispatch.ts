/**
 * Putting a job generation on the queue: the one way the job API (enqueue, retry), the schedules
 * and the reconciler create a job's task. The task name is derived from (job id, generation)
 * (JobQueue.taskNameFor), so nothing is written to the record: creating a task twice for one
 * generation answers created: false and never runs the job twice. A crash between recording a
 * job and creating its task leaves it `queued` with no task, which the reconciler finds and
 * dispatches.
 */
import type { JobRecord } from '../../shared/job.js';
import type { JobQueue } from '../queue/queue.js';

/**
 * Throws when the queue cannot be reached (the caller decides what the job becomes). `onSent`:
 * see JobQueue.enqueue.
 */
export async function createJobTask(deps: { queue: JobQueue }, job: Pick<JobRecord, 'id' | 'generation'>, opts: { onSent?: () => void } = {}): Promise<{ created: boolean }> {
  const { created } = await deps.queue.enqueue({ jobId: job.id, generation: job.generation }, opts);
  return { created };
}
