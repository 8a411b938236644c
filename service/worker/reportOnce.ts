/**
 * Exactly-once reporting of a job's terminal state through the reply port. The guard is the job
 * record itself: after a successful `finished` reply the worker stores the reserved step
 * `$reported` with the generation it reported, so a redelivery (or a second cancel) does not
 * post again, and a retried job (next generation) is reported afresh. A crash between the reply
 * and the marker can repeat the reply, which is harmless: Chat messages are upserted by name and
 * sheet status cells are overwritten.
 */
import { TERMINAL_STATUSES, type JobRecord } from '../../shared/job.js';
import type { Logger } from '../logger.js';
import type { ReplyPort } from '../reply/replyPort.js';
import type { Store } from '../store/store.js';
import { mutateJob } from './jobMutation.js';

export const REPORTED_STEP = '$reported';

export function hasReplyTarget(job: JobRecord): boolean {
  return Boolean(job.reply?.chat || job.reply?.sheet);
}

export function needsReport(job: JobRecord): boolean {
  return TERMINAL_STATUSES.includes(job.status) && hasReplyTarget(job) && job.steps[REPORTED_STEP]?.output !== job.generation;
}

/** Reports `job` if it still needs it; throws when the reply could not be written. */
export async function reportOnce(deps: { store: Store; reply: ReplyPort; log: Logger; now?: () => Date }, job: JobRecord): Promise<JobRecord> {
  if (!needsReport(job)) return job;
  await deps.reply.finished(job);
  const now = deps.now ?? (() => new Date());
  const marked = await mutateJob(
    deps.store,
    job,
    (fresh) =>
      fresh.generation === job.generation && fresh.status === job.status && needsReport(fresh)
        ? { ...fresh, steps: { ...fresh.steps, [REPORTED_STEP]: { output: job.generation, finishedAt: now().toISOString() } } }
        : null,
    now,
  );
  deps.log.info({ jobId: job.id, status: job.status, generation: job.generation }, 'job outcome reported');
  return marked.job ?? job;
}
