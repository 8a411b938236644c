/**
 * The one way the service changes a job record: read-decide-write with compare-and-set on the
 * record's version (the Store port's only write primitive). On a version conflict the decision is
 * made again on the fresh record, so concurrent writers (a cancel request, a duplicate delivery,
 * a concurrent step) never overwrite each other's changes.
 *
 * One rule rides along with every write, so no path that ends a job can forget to tell the user:
 * a write that makes a job with a reply target terminal also records its final report as owed
 * for that generation (the outbox, outbox.ts, delivers it); a write that makes the job run again
 * drops a report still owed for an earlier end.
 */
import { hasReplyTarget, TERMINAL_STATUSES, type JobRecord } from '../../shared/job.js';
import type { Store } from '../store/store.js';

/** Returns the next record, or null to leave the job as it is. */
export type JobChange = (current: JobRecord) => JobRecord | null;

export type MutationResult = { job: JobRecord; changed: boolean } | { job: null; changed: false };

const MAX_CONFLICTS = 50;

export async function mutateJob(store: Store, start: JobRecord | string, change: JobChange, now: () => Date = () => new Date()): Promise<MutationResult> {
  let current = typeof start === 'string' ? await store.getJob(start) : start;
  for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
    if (!current) return { job: null, changed: false };
    const changed = change(structuredClone(current));
    if (!changed) return { job: current, changed: false };
    const next = withReportRule(changed);
    const stored = await store.updateJob(current.id, current.version, {
      ...next,
      updatedAt: now().toISOString(),
      version: current.version + 1,
    });
    if (stored) return { job: stored, changed: true };
    current = await store.getJob(current.id);
  }
  throw new Error(`job ${typeof start === 'string' ? start : start.id}: gave up after ${MAX_CONFLICTS} write conflicts`);
}

function withReportRule(job: JobRecord): JobRecord {
  const terminal = TERMINAL_STATUSES.includes(job.status);
  if (terminal && hasReplyTarget(job) && job.report?.generation !== job.generation) {
    return { ...job, report: { generation: job.generation, state: 'owed', attempts: 0 } };
  }
  if (!terminal && job.report?.state === 'owed') {
    const { report: _dropped, ...rest } = job;
    return rest;
  }
  return job;
}
