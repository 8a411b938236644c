/**
 * Store port: where job records and the jobs' own durable records live.
 *
 * Contract (both adapters pass test/store-conformance.ts):
 * - Every write is a single-record atomic operation: create-if-absent or compare-and-set on the
 *   record's `version`. No multi-record transactions (Firestore's emulator cannot isolate them,
 *   and single-record preconditions are all the worker needs).
 * - Reads return deep copies; mutating a returned object never changes the store.
 * - Adapters: SqliteStore (local default, better-sqlite3 12, one file under the data folder) and
 *   FirestoreStore (production).
 */
import type { JobRecord, JobStatus } from '../../shared/job.js';

/** A stored document of a job's own (intake entries, summary records, portal seen-keys…). */
export type StoredDoc<T = Record<string, unknown>> = { id: string; data: T; version: number };

export type DocQuery = {
  /** Equality filters on top-level fields of `data`. */
  where?: Array<[field: string, value: string | number | boolean]>;
  /** Order by a top-level field of `data`. */
  orderBy?: { field: string; direction?: 'asc' | 'desc' };
  limit?: number;
};

export type JobListQuery = {
  requestedBy?: string;
  status?: JobStatus;
  /** Newest first by createdAt; page with createdAt strictly before this ISO time. */
  before?: string;
  limit?: number;
};

/** Unsettled jobs (shared/job.ts isUnsettled) not written since `updatedBefore`, oldest first. */
export type UnsettledQuery = {
  updatedBefore: string;
  /** Page after this updatedAt (exclusive), for a sweep that reads more than one page. */
  updatedAfter?: string;
  limit?: number;
};

export interface Store {
  /** Creates the job if no job has this id; returns the stored one either way. */
  createJob(job: JobRecord): Promise<{ created: boolean; job: JobRecord }>;
  getJob(id: string): Promise<JobRecord | null>;
  /**
   * Replaces the job if its stored version equals `expectedVersion`; the stored version becomes
   * expectedVersion + 1. Returns the new record, or null when the version did not match (or the
   * job does not exist): the caller re-reads and decides again.
   */
  updateJob(id: string, expectedVersion: number, next: JobRecord): Promise<JobRecord | null>;
  listJobs(query: JobListQuery): Promise<JobRecord[]>;
  /**
   * The reconciler's query: unsettled jobs whose last write is older than `updatedBefore`, by
   * updatedAt ascending. Indexed in both adapters (never a scan of finished jobs).
   */
  listUnsettledJobs(query: UnsettledQuery): Promise<JobRecord[]>;

  /** Creates a document if absent; returns the stored one either way. */
  putIfAbsent<T extends Record<string, unknown>>(collection: string, id: string, data: T): Promise<{ created: boolean; doc: StoredDoc<T> }>;
  getDoc<T extends Record<string, unknown>>(collection: string, id: string): Promise<StoredDoc<T> | null>;
  /** Compare-and-set on the document's version (as updateJob). */
  updateDoc<T extends Record<string, unknown>>(collection: string, id: string, expectedVersion: number, data: T): Promise<StoredDoc<T> | null>;
  deleteDoc(collection: string, id: string): Promise<void>;
  queryDocs<T extends Record<string, unknown>>(collection: string, query?: DocQuery): Promise<StoredDoc<T>[]>;

  /**
   * Claims the next number of a named sequence for `owner` (e.g. sequence "project-2026",
   * owner = job id). Guarantees: the same owner always gets the same number, however often it
   * asks and whether or not an earlier call crashed midway; no two owners share a number; numbers
   * are dense (1, 2, 3…) under any concurrency, with no gaps left by crashes.
   */
  claimSequence(sequence: string, owner: string): Promise<number>;

  close(): Promise<void>;
}
