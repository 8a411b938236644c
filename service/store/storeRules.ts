/**
 * The rules both Store adapters apply to what they are given and what they read back, so that
 * SQLite and Firestore accept and refuse exactly the same things (test/support/storeConformance.ts
 * runs against both):
 * - collection names `^[A-Za-z][A-Za-z0-9_-]{0,99}$`; field names (where/orderBy)
 *   `^[A-Za-z_][A-Za-z0-9_]*$` (they are spliced into json_extract paths and Firestore field
 *   paths, so nothing else may pass); document ids 1–500 characters without `/`, not `.`/`..` and
 *   not `__x__` (Firestore's own limits); sequence names `^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`.
 * - Document data is a plain JSON object whose top-level keys do not start with `_tasuki`
 *   (reserved for the Firestore adapter's bookkeeping); it is stored as its JSON round trip
 *   (undefined dropped, Dates as ISO strings), at most MAX_RECORD_CHARS of JSON (Firestore's
 *   1 MiB document limit, with room for the adapter's own fields).
 * - Job records are validated with the JobRecord schema where they enter (createJob: a new job
 *   from the API or a schedule) and on every read; a stored record that no longer parses is
 *   reported as corrupt, naming the job id. updateJob does not re-validate the whole record: its
 *   callers (worker/jobMutation.ts) change records they read, whose new parts were validated where
 *   they came in (request bodies, handler results, step outputs as JSON); a bug that still wrote a
 *   bad record is caught by the check on read. A record must always serialize as JSON and fit.
 * - listJobs: limit defaults to 50 and is capped at 200; `before` must be a date-time and is
 *   compared in its toISOString() form (the form createdAt is written in).
 */
import { JobRecord, JobStatus } from '../../shared/job.js';
import type { DocQuery, JobListQuery, UnsettledQuery } from './store.js';

export const MAX_RECORD_CHARS = 900_000;
export const DEFAULT_JOB_LIST_LIMIT = 50;
export const MAX_JOB_LIST_LIMIT = 200;
/** Prefix of data keys the Firestore adapter keeps for itself. */
export const RESERVED_KEY_PREFIX = '_tasuki';

const COLLECTION = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SEQUENCE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** A caller handed the store something it refuses; the message names what and why. */
export class StoreInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreInputError';
  }
}

/** A stored record no longer matches its schema. */
export class StoreCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreCorruptError';
  }
}

export function checkCollection(collection: string): void {
  if (typeof collection !== 'string' || !COLLECTION.test(collection)) {
    throw new StoreInputError(
      `store: collection name ${JSON.stringify(collection)} is invalid; it must match ${COLLECTION.source} (a letter, then letters, digits, _ or -)`,
    );
  }
}

export function checkField(field: string, role: string): void {
  if (typeof field !== 'string' || !FIELD.test(field)) {
    throw new StoreInputError(
      `store: ${role} field name ${JSON.stringify(field)} is invalid; it must match ${FIELD.source} (a top-level field of the document's data)`,
    );
  }
  if (field.startsWith(RESERVED_KEY_PREFIX)) {
    throw new StoreInputError(`store: ${role} field name ${JSON.stringify(field)} is reserved (prefix ${RESERVED_KEY_PREFIX})`);
  }
}

export function checkDocId(collection: string, id: string): void {
  const bad =
    typeof id !== 'string' || id.length === 0 || id.length > 500 || id.includes('/') || id === '.' || id === '..' || /^__.*__$/.test(id);
  if (bad) {
    throw new StoreInputError(
      `store: document id ${JSON.stringify(id)} in ${collection} is invalid; it must be 1–500 characters without "/", not "." or "..", not __name__-shaped`,
    );
  }
}

export function checkSequence(sequence: string, owner: string): void {
  if (typeof sequence !== 'string' || !SEQUENCE.test(sequence)) {
    throw new StoreInputError(`store: sequence name ${JSON.stringify(sequence)} is invalid; it must match ${SEQUENCE.source}`);
  }
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 500) {
    throw new StoreInputError(`store: sequence owner ${JSON.stringify(owner)} is invalid; it must be 1–500 characters`);
  }
}

export function checkVersion(expectedVersion: number, what: string): void {
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new StoreInputError(`store: expected version ${String(expectedVersion)} for ${what} is invalid; it must be an integer ≥ 0`);
  }
}

/**
 * The JSON text a document's data is stored as. Throws a StoreInputError naming the document when
 * the data is not a plain object, cannot be serialized, uses a reserved key or is too large.
 */
export function docDataJson(collection: string, id: string, data: unknown): string {
  const where = `document ${collection}/${id}`;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new StoreInputError(`store: data of ${where} must be a plain object`);
  }
  const json = serialize(data, where);
  for (const key of Object.keys(JSON.parse(json) as object)) {
    if (key.startsWith(RESERVED_KEY_PREFIX)) {
      throw new StoreInputError(`store: data of ${where} uses the reserved key ${JSON.stringify(key)} (prefix ${RESERVED_KEY_PREFIX})`);
    }
  }
  return json;
}

export function parseDocData(collection: string, id: string, json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new StoreCorruptError(`store: document ${collection}/${id} is corrupt: its data is not a JSON object`);
}

/**
 * A changed job record for writing (updateJob): its JSON text and the JSON round trip as the copy
 * handed back, without the schema check (see the file comment).
 */
export function changedJobJson(job: JobRecord): { job: JobRecord; json: string } {
  const json = serialize(job, `job ${job.id}`);
  return { job: JSON.parse(json) as JobRecord, json };
}

/** Validates a new job record for writing (createJob); returns its JSON text. */
export function jobJson(job: unknown, context: string): { job: JobRecord; json: string } {
  const parsed = JobRecord.safeParse(job);
  if (!parsed.success) {
    const id = job && typeof job === 'object' && 'id' in job ? String((job as { id: unknown }).id) : '(no id)';
    throw new StoreInputError(`store: ${context}: job ${id} is not a valid job record: ${issueText(parsed.error.issues)}`);
  }
  const json = serialize(parsed.data, `job ${parsed.data.id}`);
  // The JSON round trip is what gets stored; it must still be a valid record (e.g. no undefined-only fields required).
  return { job: JSON.parse(json) as JobRecord, json };
}

/** Parses a stored job record; corrupt data is an error naming the job id. */
export function parseStoredJob(id: string, json: string): JobRecord {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new StoreCorruptError(`store: job ${id} is corrupt: its record is not JSON`);
  }
  const parsed = JobRecord.safeParse(value);
  if (!parsed.success) {
    throw new StoreCorruptError(`store: job ${id} is corrupt: ${issueText(parsed.error.issues)}`);
  }
  return parsed.data;
}

export type NormalizedJobListQuery = { requestedBy?: string; status?: JobStatus; before?: string; limit: number };

export type NormalizedUnsettledQuery = { updatedBefore: string; updatedAfter?: string; limit: number };

/** Checks an UnsettledQuery: ISO times normalized, limit 1…MAX_JOB_LIST_LIMIT (default 100). */
export function normalizeUnsettledQuery(query: UnsettledQuery): NormalizedUnsettledQuery {
  const iso = (value: unknown, name: string): string => {
    const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(time)) throw new StoreInputError(`store: listUnsettledJobs ${name} ${JSON.stringify(value)} is invalid; it must be an ISO date-time`);
    return new Date(time).toISOString();
  };
  const out: NormalizedUnsettledQuery = { updatedBefore: iso(query.updatedBefore, 'updatedBefore'), limit: 100 };
  if (query.updatedAfter !== undefined) out.updatedAfter = iso(query.updatedAfter, 'updatedAfter');
  if (query.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 1) throw new StoreInputError(`store: listUnsettledJobs limit ${String(query.limit)} is invalid; it must be an integer ≥ 1`);
    out.limit = Math.min(query.limit, MAX_JOB_LIST_LIMIT);
  }
  return out;
}

export function normalizeJobListQuery(query: JobListQuery): NormalizedJobListQuery {
  const out: NormalizedJobListQuery = { limit: DEFAULT_JOB_LIST_LIMIT };
  if (query.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 1) {
      throw new StoreInputError(`store: listJobs limit ${String(query.limit)} is invalid; it must be an integer ≥ 1`);
    }
    out.limit = Math.min(query.limit, MAX_JOB_LIST_LIMIT);
  }
  if (query.status !== undefined) {
    const status = JobStatus.safeParse(query.status);
    if (!status.success) {
      throw new StoreInputError(`store: listJobs status ${JSON.stringify(query.status)} is invalid; expected one of ${JobStatus.options.join(', ')}`);
    }
    out.status = status.data;
  }
  if (query.requestedBy !== undefined) {
    if (typeof query.requestedBy !== 'string') throw new StoreInputError('store: listJobs requestedBy must be a string');
    out.requestedBy = query.requestedBy;
  }
  if (query.before !== undefined) {
    const time = typeof query.before === 'string' ? Date.parse(query.before) : Number.NaN;
    if (Number.isNaN(time)) {
      throw new StoreInputError(`store: listJobs before ${JSON.stringify(query.before)} is invalid; it must be an ISO date-time`);
    }
    out.before = new Date(time).toISOString();
  }
  return out;
}

export type NormalizedDocQuery = {
  where: Array<[field: string, value: string | number | boolean]>;
  orderBy?: { field: string; direction: 'asc' | 'desc' };
  limit?: number;
};

export function normalizeDocQuery(collection: string, query: DocQuery = {}): NormalizedDocQuery {
  const where = (query.where ?? []).map(([field, value]): [string, string | number | boolean] => {
    checkField(field, 'where');
    const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      throw new StoreInputError(`store: where value for ${field} in ${collection} must be a string, finite number or boolean`);
    }
    return [field, value];
  });
  const out: NormalizedDocQuery = { where };
  if (query.orderBy) {
    checkField(query.orderBy.field, 'orderBy');
    const direction = query.orderBy.direction ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') {
      throw new StoreInputError(`store: orderBy direction ${JSON.stringify(direction)} is invalid; expected asc or desc`);
    }
    out.orderBy = { field: query.orderBy.field, direction };
  }
  if (query.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 1) {
      throw new StoreInputError(`store: query limit ${String(query.limit)} on ${collection} is invalid; it must be an integer ≥ 1`);
    }
    out.limit = query.limit;
  }
  return out;
}

function serialize(value: unknown, where: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    throw new StoreInputError(`store: ${where} cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (json === undefined) throw new StoreInputError(`store: ${where} cannot be stored as JSON`);
  if (json.length > MAX_RECORD_CHARS) {
    throw new StoreInputError(`store: ${where} is ${json.length} characters of JSON; the limit is ${MAX_RECORD_CHARS} (keep large data in Drive and store its id)`);
  }
  return json;
}

function issueText(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`).join('; ');
}
