/**
 * A new job's record as both ways of asking for one create it: a person through `POST /v1/jobs`
 * (routes/jobs.ts) and a schedule firing through `POST /schedules/:id/run` (routes/schedules.ts).
 * With an idempotency key the id is derived from (requester, key), so asking again finds the
 * same record in the store instead of making a second job.
 */
import type { JobRecord, ReplyTarget } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';
import { idempotentJobId, randomJobId } from './jobIds.js';

export type NewJob = {
  kind: string;
  /** Already parsed with the kind's schema (defaults applied). */
  input: unknown;
  requestedBy: string;
  locale: Locale;
  reply?: ReplyTarget;
  idempotencyKey?: string;
  at: Date;
};

export function newJobRecord(job: NewJob): JobRecord {
  const at = job.at.toISOString();
  return {
    id: job.idempotencyKey ? idempotentJobId(job.requestedBy, job.idempotencyKey) : randomJobId(),
    kind: job.kind,
    input: job.input,
    status: 'queued',
    requestedBy: job.requestedBy,
    locale: job.locale,
    ...(job.reply ? { reply: job.reply } : {}),
    ...(job.idempotencyKey ? { idempotencyKey: job.idempotencyKey } : {}),
    generation: 1,
    attempts: 0,
    steps: {},
    cancelRequested: false,
    createdAt: at,
    updatedAt: at,
    version: 0,
  };
}
