/**
 * SqliteStore: the Store port on one SQLite file (better-sqlite3 12), the local default.
 *
 * The file may be opened by several processes at once (the service, the CLI, tests inspecting the
 * store): WAL mode lets readers run beside the writer, busy_timeout makes a writer wait for the
 * lock instead of failing, and every write is a single autocommit statement (INSERT … ON CONFLICT
 * DO NOTHING for create-if-absent, UPDATE … WHERE version = ? for compare-and-set), so no lock is
 * ever held across an await and SQLite's own locking is the whole concurrency story.
 *
 * Tables: `jobs` (indexed requested_by / status / created_at columns, and `unsettled` + `updated_at`
 * for the reconciler's sweep — a partial index holds only unsettled jobs — + the JSON record) and
 * `docs` (collection, id, version, JSON data; queried through json_extract on field names that
 * storeRules.ts has already restricted to identifiers). Sequence claims live in `docs` under
 * internal `seq:` collections (sequenceClaims.ts).
 */
import type Database from 'better-sqlite3';
import { isUnsettled, type JobRecord } from '../../shared/job.js';
import { DocStore } from './docStore.js';
import { openSqlite, statementCache } from './sqliteDatabase.js';
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
  StoreInputError,
  type NormalizedDocQuery,
} from './storeRules.js';

export type SqliteStoreOptions = {
  /** How long a write waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  requested_by TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  unsettled INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL DEFAULT '',
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS jobs_by_requester ON jobs (requested_by, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS docs (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (collection, id)
) WITHOUT ROWID;
-- claimSequence looks claims up by owner on every call.
CREATE INDEX IF NOT EXISTS docs_by_owner ON docs (collection, json_extract(data, '$.owner'));
`;

/**
 * Files written before the sweep existed lack `unsettled` / `updated_at`: add them and fill them
 * from the records (once; the ALTERs are skipped when the columns exist), then the sweep's index.
 */
function migrate(db: Database.Database): void {
  const columns = new Set((db.pragma('table_info(jobs)') as Array<{ name: string }>).map((c) => c.name));
  if (!columns.has('unsettled')) {
    db.transaction(() => {
      db.exec("ALTER TABLE jobs ADD COLUMN unsettled INTEGER NOT NULL DEFAULT 0");
      db.exec("ALTER TABLE jobs ADD COLUMN updated_at TEXT NOT NULL DEFAULT ''");
      db.exec(`UPDATE jobs SET updated_at = json_extract(record, '$.updatedAt'),
        unsettled = (status IN ('queued', 'running') OR coalesce(json_extract(record, '$.report.state'), '') = 'owed')`);
    })();
  }
  db.exec('CREATE INDEX IF NOT EXISTS jobs_unsettled ON jobs (updated_at) WHERE unsettled = 1');
}

type JobRow = { id: string; record: string };
type DocRow = { id: string; version: number; data: string };

export class SqliteStore extends DocStore implements Store {
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<typeof prepareStatements>;
  /** Query shapes are few (filters × order); each is prepared once per connection. */
  private readonly prepared: (sql: string) => Database.Statement;

  constructor(readonly file: string, opts: SqliteStoreOptions = {}) {
    super();
    this.db = openSqlite(file, { schema: SCHEMA, busyTimeoutMs: opts.busyTimeoutMs });
    migrate(this.db);
    this.prepared = statementCache(this.db);
    this.stmt = prepareStatements(this.db);
  }

  async createJob(job: JobRecord): Promise<{ created: boolean; job: JobRecord }> {
    const { job: valid, json } = jobJson(job, 'createJob');
    const info = this.stmt.insertJob.run(valid.id, valid.requestedBy, valid.status, valid.createdAt, valid.version, isUnsettled(valid) ? 1 : 0, valid.updatedAt, json);
    if (info.changes === 1) return { created: true, job: valid };
    const stored = this.readJob(valid.id);
    if (!stored) throw new Error(`store: job ${valid.id} vanished right after createJob`);
    return { created: false, job: stored };
  }

  async getJob(id: string): Promise<JobRecord | null> {
    return this.readJob(id);
  }

  async updateJob(id: string, expectedVersion: number, next: JobRecord): Promise<JobRecord | null> {
    checkVersion(expectedVersion, `job ${id}`);
    if (next?.id !== id) throw new StoreInputError(`store: updateJob(${id}) was given a record with id ${String(next?.id)}`);
    const { job: valid, json } = changedJobJson({ ...next, version: expectedVersion + 1 });
    const info = this.stmt.casJob.run(valid.status, valid.version, isUnsettled(valid) ? 1 : 0, valid.updatedAt, json, id, expectedVersion, valid.requestedBy, valid.createdAt);
    return info.changes === 1 ? valid : null;
  }

  async listJobs(query: JobListQuery): Promise<JobRecord[]> {
    const q = normalizeJobListQuery(query);
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (q.requestedBy !== undefined) (clauses.push('requested_by = ?'), params.push(q.requestedBy));
    if (q.status !== undefined) (clauses.push('status = ?'), params.push(q.status));
    if (q.before !== undefined) (clauses.push('created_at < ?'), params.push(q.before));
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const sql = `SELECT id, record FROM jobs ${where} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.prepared(sql).all(...params, q.limit) as JobRow[];
    return rows.map((row) => parseStoredJob(row.id, row.record));
  }

  async listUnsettledJobs(query: UnsettledQuery): Promise<JobRecord[]> {
    const q = normalizeUnsettledQuery(query);
    const rows = (q.updatedAfter === undefined
      ? this.stmt.unsettled.all(q.updatedBefore, q.limit)
      : this.stmt.unsettledAfter.all(q.updatedBefore, q.updatedAfter, q.limit)) as JobRow[];
    return rows.map((row) => parseStoredJob(row.id, row.record));
  }




  async deleteDoc(collection: string, id: string): Promise<void> {
    checkCollection(collection);
    checkDocId(collection, id);
    this.stmt.deleteDoc.run(collection, id);
  }



  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private readJob(id: string): JobRecord | null {
    const row = this.stmt.getJob.get(id);
    return row ? parseStoredJob(row.id, row.record) : null;
  }

  protected rawPutIfAbsent(collection: string, id: string, data: Record<string, unknown>): { created: boolean; doc: StoredDoc } {
    checkDocId(collection, id);
    const json = docDataJson(collection, id, data);
    const info = this.stmt.insertDoc.run(collection, id, json);
    const doc = this.rawGetDoc(collection, id);
    if (!doc) throw new Error(`store: document ${collection}/${id} vanished right after putIfAbsent`);
    return { created: info.changes === 1, doc };
  }

  protected rawGetDoc(collection: string, id: string): StoredDoc | null {
    checkDocId(collection, id);
    const row = this.stmt.getDoc.get(collection, id);
    return row ? toDoc(collection, row) : null;
  }

  protected rawUpdateDoc(collection: string, id: string, expectedVersion: number, data: Record<string, unknown>): StoredDoc | null {
    checkDocId(collection, id);
    checkVersion(expectedVersion, `document ${collection}/${id}`);
    const json = docDataJson(collection, id, data);
    const info = this.stmt.casDoc.run(json, collection, id, expectedVersion);
    if (info.changes !== 1) return null;
    return { id, data: parseDocData(collection, id, json), version: expectedVersion + 1 };
  }

  protected rawQueryDocs(collection: string, q: NormalizedDocQuery): StoredDoc[] {
    const clauses = ['collection = ?'];
    const params: unknown[] = [collection];
    for (const [field, value] of q.where) {
      // Field names are identifiers (storeRules), so splicing them into the JSON path is safe.
      // json_type keeps 1 from matching true and "1" from matching 1, as in Firestore.
      const path = `'$.${field}'`;
      if (typeof value === 'boolean') {
        clauses.push(`json_type(data, ${path}) = ?`);
        params.push(value ? 'true' : 'false');
      } else if (typeof value === 'number') {
        clauses.push(`json_type(data, ${path}) IN ('integer', 'real') AND json_extract(data, ${path}) = ?`);
        params.push(value);
      } else {
        clauses.push(`json_type(data, ${path}) = 'text' AND json_extract(data, ${path}) = ?`);
        params.push(value);
      }
    }
    let order = 'ORDER BY id ASC';
    if (q.orderBy) {
      const dir = q.orderBy.direction === 'desc' ? 'DESC' : 'ASC';
      // Firestore leaves out documents that lack the orderBy field; do the same.
      clauses.push(`json_type(data, '$.${q.orderBy.field}') IS NOT NULL`);
      order = `ORDER BY json_extract(data, '$.${q.orderBy.field}') ${dir}, id ${dir}`;
    }
    let sql = `SELECT id, version, data FROM docs WHERE ${clauses.join(' AND ')} ${order}`;
    if (q.limit !== undefined) (sql += ' LIMIT ?'), params.push(q.limit);
    const rows = this.prepared(sql).all(...params) as DocRow[];
    return rows.map((row) => toDoc(collection, row));
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insertJob: db.prepare(
      'INSERT INTO jobs (id, requested_by, status, created_at, version, unsettled, updated_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    ),
    getJob: db.prepare<[string], JobRow>('SELECT id, record FROM jobs WHERE id = ?'),
    // A job's requester and creation time never change, so an update leaves their columns (and
    // the two indexes on them) alone, which halves its cost; a record that claims to change them
    // matches no row, like a stale version.
    casJob: db.prepare(
      'UPDATE jobs SET status = ?, version = ?, unsettled = ?, updated_at = ?, record = ? WHERE id = ? AND version = ? AND requested_by = ? AND created_at = ?',
    ),
    unsettled: db.prepare('SELECT id, record FROM jobs WHERE unsettled = 1 AND updated_at < ? ORDER BY updated_at ASC LIMIT ?'),
    unsettledAfter: db.prepare('SELECT id, record FROM jobs WHERE unsettled = 1 AND updated_at < ? AND updated_at > ? ORDER BY updated_at ASC LIMIT ?'),
    insertDoc: db.prepare('INSERT INTO docs (collection, id, version, data) VALUES (?, ?, 0, ?) ON CONFLICT (collection, id) DO NOTHING'),
    getDoc: db.prepare<[string, string], DocRow>('SELECT id, version, data FROM docs WHERE collection = ? AND id = ?'),
    casDoc: db.prepare('UPDATE docs SET version = version + 1, data = ? WHERE collection = ? AND id = ? AND version = ?'),
    deleteDoc: db.prepare('DELETE FROM docs WHERE collection = ? AND id = ?'),
  };
}

function toDoc(collection: string, row: DocRow): StoredDoc {
  return { id: row.id, version: row.version, data: parseDocData(collection, row.id, row.data) };
}
