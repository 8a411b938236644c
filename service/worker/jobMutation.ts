/**
 * The one way the service changes a job record: read-decide-write with compare-and-set on the
 * record's version (the Store port's only write primitive). On a version conflict the decision is
 * made again on the fresh record, so concurrent writers (a cancel request, a duplicate delivery,
 * a concurrent step) never overwrite each other's changes.
 */
import type { JobRecord } from '../../shared/job.js';
import type { Store } from '../store/store.js';

/** Returns the next record, or null to leave the job as it is. */
export type JobChange = (current: JobRecord) => JobRecord | null;

export type MutationResult = { job: JobRecord; changed: boolean } | { job: null; changed: false };

const MAX_CONFLICTS = 50;

export async function mutateJob(store: Store, start: JobRecord | string, change: JobChange, now: () => Date = () => new Date()): Promise<MutationResult> {
  let current = typeof start === 'string' ? await store.getJob(start) : start;
  for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
    if (!current) return { job: null, changed: false };
    const next = change(structuredClone(current));
    if (!next) return { job: current, changed: false };
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
