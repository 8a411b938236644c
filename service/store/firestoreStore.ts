/**
 * FirestoreStore: the Store port on Firestore (production).
 *
 * Only single-document preconditions, never transactions: create() for create-if-absent
 * (ALREADY_EXISTS → the stored one), and compare-and-set as read → check the version field →
 * update() guarded by the document's lastUpdateTime (FAILED_PRECONDITION / NOT_FOUND → null).
 * The update time is the CAS token: any write in between changes it, so a stale writer fails
 * even if it computed the same next version. One consequence callers must tolerate: if a commit
 * succeeds but its answer is lost and the SDK retries it, the retry fails its precondition and the
 * write is reported as lost (null) although it happened; re-reading shows the caller's own write.
 *
 * Job writes skip the read when they can (a Firestore read billed per write otherwise): the store
 * remembers, per job, the version and update time it last read or wrote (JobUpdateTimes). An
 * updateJob whose expected version is that one goes straight to update() guarded by that time;
 * if anyone wrote the job since, the precondition fails and the answer is null, exactly as after
 * a read that found another version. The worker writes records it has just read or written, so
 * in one instance every job write but a conflict's costs no read.
 *
 * Layout:
 * - `jobs/<id>`: `record` (the JobRecord as JSON text, because inputs, results and step outputs
 *   are arbitrary JSON and Firestore cannot hold nested arrays or undefined), plus `id`,
 *   `requestedBy`, `status`, `createdAt`, `version` as plain fields for queries and CAS.
 * - `docs:<collection>/<id>`: `_tasukiData` (the data as JSON text, for the same reason),
 *   `_tasukiVersion`, and a plain copy of every top-level scalar field of the data (string,
 *   number, boolean, null) so that where/orderBy work on them. Sequence claims live in
 *   `docs:seq:<sequence>` (sequenceClaims.ts).
 * The indexes a real database needs for these queries are listed in firestoreIndexes.ts.
 *
 * The SDK is imported on first use, so local mode and cold starts never load it.
 */
import type { CollectionReference, DocumentSnapshot, Firestore, Query, Settings } from '@google-cloud/firestore';
import { isUnsettled, type JobRecord } from '../../shared/job.js';
import { DocStore } from './docStore.js';
import type { JobListQuery, Store, StoredDoc, UnsettledQuery } from './store.js';
import {
  checkCollection,
  checkDocId,
  checkVersion,
  docDataJson,
  changedJobJson,
  jobJson,
  normalizeJobListQuery,
  normalizeUnsettledQuery,
  parseDocData,
  parseStoredJob,
  RESERVED_KEY_PREFIX,
  StoreCorruptError,
  StoreInputError,
  type NormalizedDocQuery,
} from './storeRules.js';

export type FirestoreStoreOptions = {
  projectId: string;
  /** Firestore database id; '(default)' unless set. */
  databaseId?: string;
  /** Extra client settings (tests: none; FIRESTORE_EMULATOR_HOST is read by the SDK itself). */
  settings?: Settings;
};

const JOBS = 'jobs';
const DATA = `${RESERVED_KEY_PREFIX}Data`;
const VERSION = `${RESERVED_KEY_PREFIX}Version`;
const QUERYABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

// gRPC status codes the SDK reports on precondition failures.
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;

type Sdk = typeof import('@google-cloud/firestore');
type Client = { db: Firestore; sdk: Sdk };
type UpdateTime = NonNullable<DocumentSnapshot['updateTime']>;

/** How many jobs' last seen (version, update time) are kept (oldest forgotten first). */
export const REMEMBERED_JOBS = 10_000;

/** The version and update time of each job as this store last read or wrote it (see the file comment). */
class JobUpdateTimes {
  private readonly seen = new Map<string, { version: number; time: UpdateTime }>();

  remember(id: string, version: number, time: UpdateTime | undefined): void {
    this.seen.delete(id);
    if (!time) return;
    this.seen.set(id, { version, time });
    if (this.seen.size > REMEMBERED_JOBS) this.seen.delete(this.seen.keys().next().value!);
  }

  rememberSnap(snap: DocumentSnapshot, job: JobRecord): JobRecord {
    this.remember(snap.id, job.version, snap.updateTime);
    return job;
  }

  /** The update time of `id` at `version`, if that is the version last seen. */
  at(id: string, version: number): UpdateTime | undefined {
    const s = this.seen.get(id);
    return s && s.version === version ? s.time : undefined;
  }

  forget(id: string): void {
    this.seen.delete(id);
  }
}

export class FirestoreStore extends DocStore implements Store {
  private pending: Promise<Client> | undefined;
  private closed = false;
  private readonly updateTimes = new JobUpdateTimes();

  constructor(private readonly opts: FirestoreStoreOptions) {
    super();
  }

  async createJob(job: JobRecord): Promise<{ created: boolean; job: JobRecord }> {
    const { job: valid, json } = jobJson(job, 'createJob');
    const ref = (await this.jobs()).doc(valid.id);
    for (;;) {
      try {
        const { writeTime } = await ref.create(jobFields(valid, json));
        this.updateTimes.remember(valid.id, valid.version, writeTime);
        return { created: true, job: valid };
      } catch (err) {
        if (grpcCode(err) !== ALREADY_EXISTS) throw err;
      }
      const snap = await ref.get();
      if (snap.exists) return { created: false, job: this.updateTimes.rememberSnap(snap, jobFrom(snap)) };
      // Deleted between our create and our read (jobs are not deleted by tasuki): try again.
    }
  }

  async getJob(id: string): Promise<JobRecord | null> {
    if (!isJobId(id)) return null;
    const snap = await (await this.jobs()).doc(id).get();
    return snap.exists ? this.updateTimes.rememberSnap(snap, jobFrom(snap)) : null;
  }

  async updateJob(id: string, expectedVersion: number, next: JobRecord): Promise<JobRecord | null> {
    checkVersion(expectedVersion, `job ${id}`);
    if (next?.id !== id) throw new StoreInputError(`store: updateJob(${id}) was given a record with id ${String(next?.id)}`);
    const { job: valid, json } = changedJobJson({ ...next, version: expectedVersion + 1 });
    const ref = (await this.jobs()).doc(id);
    let since = this.updateTimes.at(id, expectedVersion);
    if (!since) {
      const snap = await ref.get();
      if (!snap.exists || snap.get('version') !== expectedVersion) return null;
      since = snap.updateTime!;
    }
    const written = await preconditionFailsAsNull(ref.update(jobFields(valid, json), { lastUpdateTime: since }));
    if (!written) {
      this.updateTimes.forget(id);
      return null;
    }
    this.updateTimes.remember(id, valid.version, written.writeTime);
    return valid;
  }

  async listUnsettledJobs(query: UnsettledQuery): Promise<JobRecord[]> {
    const q = normalizeUnsettledQuery(query);
    let fq: Query = (await this.jobs()).where('unsettled', '==', true).where('updatedAt', '<', q.updatedBefore);
    if (q.updatedAfter !== undefined) fq = fq.where('updatedAt', '>', q.updatedAfter);
    const snaps = await fq.orderBy('updatedAt', 'asc').limit(q.limit).get();
    return snaps.docs.map((snap) => this.updateTimes.rememberSnap(snap, jobFrom(snap)));
  }

  async listJobs(query: JobListQuery): Promise<JobRecord[]> {
    const q = normalizeJobListQuery(query);
    let fq: Query = await this.jobs();
    if (q.requestedBy !== undefined) fq = fq.where('requestedBy', '==', q.requestedBy);
    if (q.status !== undefined) fq = fq.where('status', '==', q.status);
    if (q.before !== undefined) fq = fq.where('createdAt', '<', q.before);
    const snaps = await fq.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(q.limit).get();
    return snaps.docs.map(jobFrom);
  }




  async deleteDoc(collection: string, id: string): Promise<void> {
    checkCollection(collection);
    checkDocId(collection, id);
    await (await this.docs(collection)).doc(id).delete();
  }



  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = await this.pending?.catch(() => undefined);
    await client?.db.terminate();
  }

  private client(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error('store: the Firestore store is closed'));
    this.pending ??= (async () => {
      const sdk = await import('@google-cloud/firestore');
      const db = new sdk.Firestore({
        ...this.opts.settings,
        projectId: this.opts.projectId,
        ...(this.opts.databaseId ? { databaseId: this.opts.databaseId } : {}),
      });
      return { db, sdk };
    })().catch((err: unknown) => {
      this.pending = undefined;
      throw err;
    });
    return this.pending;
  }

  private async jobs(): Promise<CollectionReference> {
    return (await this.client()).db.collection(JOBS);
  }

  private async docs(collection: string): Promise<CollectionReference> {
    return (await this.client()).db.collection(`docs:${collection}`);
  }

  protected async rawPutIfAbsent(collection: string, id: string, data: Record<string, unknown>): Promise<{ created: boolean; doc: StoredDoc }> {
    checkDocId(collection, id);
    const json = docDataJson(collection, id, data);
    const ref = (await this.docs(collection)).doc(id);
    for (;;) {
      try {
        await ref.create(docFields(json, 0));
        return { created: true, doc: { id, version: 0, data: parseDocData(collection, id, json) } };
      } catch (err) {
        if (grpcCode(err) !== ALREADY_EXISTS) throw err;
      }
      const snap = await ref.get();
      if (snap.exists) return { created: false, doc: docFrom(collection, snap) };
      // Deleted between our create and our read: the document is absent again, so try again.
    }
  }

  protected async rawGetDoc(collection: string, id: string): Promise<StoredDoc | null> {
    checkDocId(collection, id);
    const snap = await (await this.docs(collection)).doc(id).get();
    return snap.exists ? docFrom(collection, snap) : null;
  }

  protected async rawUpdateDoc(collection: string, id: string, expectedVersion: number, data: Record<string, unknown>): Promise<StoredDoc | null> {
    checkDocId(collection, id);
    checkVersion(expectedVersion, `document ${collection}/${id}`);
    const json = docDataJson(collection, id, data);
    const { sdk } = await this.client();
    const ref = (await this.docs(collection)).doc(id);
    const snap = await ref.get();
    if (!snap.exists || snap.get(VERSION) !== expectedVersion) return null;
    const fields: Record<string, unknown> = docFields(json, expectedVersion + 1);
    // update() keeps fields it is not given: remove the plain copies of keys the data no longer has.
    for (const key of Object.keys(snap.data() ?? {})) {
      if (!(key in fields)) fields[key] = sdk.FieldValue.delete();
    }
    const written = await preconditionFailsAsFalse(ref.update(fields, { lastUpdateTime: snap.updateTime! }));
    return written ? { id, version: expectedVersion + 1, data: parseDocData(collection, id, json) } : null;
  }

  protected async rawQueryDocs(collection: string, q: NormalizedDocQuery): Promise<StoredDoc[]> {
    const { sdk } = await this.client();
    let fq: Query = await this.docs(collection);
    for (const [field, value] of q.where) fq = fq.where(field, '==', value);
    if (q.orderBy) {
      fq = fq.orderBy(q.orderBy.field, q.orderBy.direction).orderBy(sdk.FieldPath.documentId(), q.orderBy.direction);
    } else {
      fq = fq.orderBy(sdk.FieldPath.documentId());
    }
    if (q.limit !== undefined) fq = fq.limit(q.limit);
    let snaps = (await fq.get()).docs;
    const orderField = q.orderBy?.field;
    // Firestore already leaves out documents without the orderBy field; the Firestore emulator
    // used in tests does not, and this filter makes both agree with SQLite.
    if (orderField) snaps = snaps.filter((s) => s.get(orderField) !== undefined);
    return snaps.map((s) => docFrom(collection, s));
  }
}

function jobFields(job: JobRecord, json: string): Record<string, unknown> {
  return {
    id: job.id, requestedBy: job.requestedBy, status: job.status, createdAt: job.createdAt, version: job.version,
    unsettled: isUnsettled(job), updatedAt: job.updatedAt, record: json,
  };
}

function jobFrom(snap: DocumentSnapshot): JobRecord {
  const record: unknown = snap.get('record');
  return parseStoredJob(snap.id, typeof record === 'string' ? record : '');
}

function docFields(json: string, version: number): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(JSON.parse(json) as Record<string, unknown>)) {
    const scalar = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (scalar && QUERYABLE_KEY.test(key)) fields[key] = value;
  }
  fields[DATA] = json;
  fields[VERSION] = version;
  return fields;
}

function docFrom(collection: string, snap: DocumentSnapshot): StoredDoc {
  const json: unknown = snap.get(DATA);
  const version: unknown = snap.get(VERSION);
  if (typeof json !== 'string' || typeof version !== 'number') {
    throw new StoreCorruptError(`store: document ${collection}/${snap.id} is corrupt: it lacks ${DATA} or ${VERSION}`);
  }
  return { id: snap.id, version, data: parseDocData(collection, snap.id, json) };
}

/** Job ids Firestore can address; anything else cannot be stored, so it is simply absent. */
function isJobId(id: string): boolean {
  return typeof id === 'string' && id.length > 0 && id.length <= 500 && !id.includes('/') && id !== '.' && id !== '..' && !/^__.*__$/.test(id);
}

async function preconditionFailsAsFalse(write: Promise<unknown>): Promise<boolean> {
  return (await preconditionFailsAsNull(write.then(() => true))) ?? false;
}

/** The write's result, or null when its precondition failed (or the document is gone). */
async function preconditionFailsAsNull<T>(write: Promise<T>): Promise<T | null> {
  try {
    return await write;
  } catch (err) {
    const code = grpcCode(err);
    if (code === FAILED_PRECONDITION || code === NOT_FOUND) return null;
    throw err;
  }
}

function grpcCode(err: unknown): number | undefined {
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}
