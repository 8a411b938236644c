/**
 * Durable state of the emulator in one SQLite file (`tasks-emulator.sqlite` in the data folder):
 * queues, pending tasks, and tombstones of task names that were executed, dropped or deleted
 * (a tombstoned name answers ALREADY_EXISTS until its tombstone expires), plus queue names held
 * after deletion.
 *
 * A task stays a row until its outcome is final, and `dispatching` marks an attempt in flight.
 * recoverInterrupted() clears every `dispatching` flag: an attempt the previous process did not
 * finish is dispatched again, as Cloud Tasks redelivers (at-least-once).
 *
 * Cost per task is kept small (the dispatcher runs at hundreds of tasks a second):
 *  - Queues are cached in memory and live tasks indexed (taskIndex.ts), so finding due work and
 *    CreateTask's dedupe read no SQL, and live tasks' records are kept up to a memory budget
 *    (taskRecordCache.ts), so a dispatch reads no row; the file is the truth, the memory a
 *    mirror of it kept by every method here.
 *  - Writes are grouped (group commit): the first write opens a transaction that commits
 *    the commit window (20 ms) later, or at the end of the event-loop turn as soon as an RPC waits for
 *    it (whenDurable). An RPC answers only once its writes are committed, so an acknowledged
 *    CreateTask survives a crash; the dispatcher's bookkeeping (attempt started, outcome) lost
 *    in a crash only means the task is dispatched again, which at-least-once delivery allows.
 *
 * All methods are synchronous (better-sqlite3); callers are the gRPC handlers and the dispatcher
 * of one process.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqlite, statementCache } from '../../service/store/sqliteDatabase.js';
import type { QueueRecord, QueueSettings, QueueState } from './queueSettings.js';
import { TaskIndex, type DueEntry } from './taskIndex.js';
import { TaskRecordCache } from './taskRecordCache.js';
import type { AttemptRecord, HttpTarget, TaskRecord } from './taskRecord.js';

export const DB_FILE = 'tasks-emulator.sqlite';

/** How long the dispatcher's writes may wait to share a commit (nobody waits on them). */
export const DEFAULT_COMMIT_WINDOW_MS = 20;
/** Memory the records of live tasks may take (taskRecordCache.ts). */
const RECORD_CACHE_BYTES = 32 * 1024 * 1024;

export type StateStoreOptions = {
  /** Hears of a failed group commit (its writes are rolled back). */
  onCommitError?: (err: Error) => void;
  /** Default DEFAULT_COMMIT_WINDOW_MS. */
  commitWindowMs?: number;
  /** Memory for live tasks' records (default 32 MB; 0 reads every dispatched task's row). */
  recordCacheBytes?: number;
};

type TaskRow = {
  seq: number; name: string; queue: string; http: string; schedule_ms: number; create_ms: number; deadline_ms: number;
  dispatch_count: number; response_count: number; execution_count: number; first_attempt: string | null;
  last_attempt: string | null; previous_response: number | null; retry_reason: string | null; dispatching: number;
};
type QueueRow = { name: string; state: string; settings: string; purge_ms: number | null };

type StoredHttp = Omit<HttpTarget, 'body'> & { body: string | null };

function taskFromRow(r: TaskRow): TaskRecord {
  const http = JSON.parse(r.http) as StoredHttp;
  return {
    name: r.name,
    queue: r.queue,
    seq: r.seq,
    http: { ...http, body: http.body === null ? null : Buffer.from(http.body, 'base64') },
    scheduleTimeMs: r.schedule_ms,
    createTimeMs: r.create_ms,
    dispatchDeadlineMs: r.deadline_ms,
    dispatchCount: r.dispatch_count,
    responseCount: r.response_count,
    executionCount: r.execution_count,
    firstAttempt: r.first_attempt ? (JSON.parse(r.first_attempt) as AttemptRecord) : null,
    lastAttempt: r.last_attempt ? (JSON.parse(r.last_attempt) as AttemptRecord) : null,
    previousResponse: r.previous_response,
    retryReason: r.retry_reason,
    dispatching: r.dispatching === 1,
  };
}

function queueFromRow(r: QueueRow): QueueRecord {
  return { name: r.name, state: r.state as QueueState, settings: JSON.parse(r.settings) as QueueSettings, purgeTimeMs: r.purge_ms };
}

/** The fields an attempt's outcome changes on a task that will be retried. */
export type RetryUpdate = Pick<TaskRecord, 'scheduleTimeMs' | 'responseCount' | 'executionCount' | 'lastAttempt' | 'previousResponse' | 'retryReason'>;

export class StateStore {
  private readonly db: Database.Database;
  /** Statements are prepared once and reused: dispatch runs the same few queries constantly. */
  private readonly stmt: (sql: string) => Database.Statement;
  private readonly queues = new Map<string, QueueRecord>();
  private readonly index = new TaskIndex();
  /** Live tasks' records for dispatch (up to a budget; the rest are read from the file). */
  private readonly records: TaskRecordCache;
  /** A transaction is open, to be committed by commitTimer or commitNow. */
  private batching = false;
  private commitTimer: NodeJS.Timeout | undefined;
  private commitNow: NodeJS.Immediate | undefined;
  /** Callbacks waiting for the open transaction to commit. */
  private durable: Array<(err?: Error) => void> = [];
  private closed = false;

  private readonly onCommitError: (err: Error) => void;
  private readonly commitWindowMs: number;

  private constructor(file: string, opts: StateStoreOptions) {
    this.onCommitError = opts.onCommitError ?? (() => {});
    this.commitWindowMs = opts.commitWindowMs ?? DEFAULT_COMMIT_WINDOW_MS;
    this.records = new TaskRecordCache(opts.recordCacheBytes ?? RECORD_CACHE_BYTES);
    this.db = openSqlite(file, {
      schema: `
      CREATE TABLE IF NOT EXISTS queues (
        name TEXT PRIMARY KEY, state TEXT NOT NULL, settings TEXT NOT NULL, purge_ms REAL
      );
      CREATE TABLE IF NOT EXISTS tasks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, http TEXT NOT NULL,
        schedule_ms REAL NOT NULL, create_ms REAL NOT NULL, deadline_ms REAL NOT NULL,
        dispatch_count INTEGER NOT NULL DEFAULT 0, response_count INTEGER NOT NULL DEFAULT 0,
        execution_count INTEGER NOT NULL DEFAULT 0, first_attempt TEXT, last_attempt TEXT,
        previous_response INTEGER, retry_reason TEXT, dispatching INTEGER NOT NULL DEFAULT 0
      );
      -- Due work is found in memory (taskIndex.ts); this index only made every write dearer.
      DROP INDEX IF EXISTS tasks_due;
      CREATE INDEX IF NOT EXISTS tasks_queue ON tasks (queue, seq);
      CREATE TABLE IF NOT EXISTS tombstones (name TEXT PRIMARY KEY, until_ms REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS held_queue_names (name TEXT PRIMARY KEY, until_ms REAL NOT NULL);
    `,
    });
    this.stmt = statementCache(this.db);
    this.load();
  }

  /** (Re)builds the in-memory mirror from the file. */
  private load(): void {
    this.queues.clear();
    this.index.clear();
    this.records.clear();
    for (const row of this.stmt('SELECT * FROM queues').all() as QueueRow[]) this.queues.set(row.name, queueFromRow(row));
    const tasks = this.stmt('SELECT name, queue, seq, schedule_ms, dispatching FROM tasks').all() as Array<Pick<TaskRow, 'name' | 'queue' | 'seq' | 'schedule_ms' | 'dispatching'>>;
    for (const t of tasks) this.index.put(t.queue, t.name, t.seq, t.schedule_ms, t.dispatching === 0);
  }

  /**
   * Runs a write inside the open group transaction (opened here if none is). A write of several
   * statements passes `atomic` (a savepoint), so if it throws it leaves nothing behind.
   */
  private write<T>(fn: () => T, atomic = false): T {
    if (!this.batching) {
      this.db.exec('BEGIN');
      this.batching = true;
      this.commitTimer = setTimeout(() => this.commit(), this.commitWindowMs);
    }
    return atomic ? this.db.transaction(fn)() : fn();
  }

  /**
   * Commits the open transaction, then tells whoever waited for it. If the commit fails, the
   * turn's writes are rolled back, the mirror is rebuilt from the file, and the waiters and
   * `onCommitError` get the error.
   */
  private commit(): void {
    if (!this.batching) return;
    this.batching = false;
    clearTimeout(this.commitTimer);
    if (this.commitNow) clearImmediate(this.commitNow);
    this.commitTimer = this.commitNow = undefined;
    let error: Error | undefined;
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.load();
      this.onCommitError(error);
    }
    const waiting = this.durable;
    this.durable = [];
    for (const cb of waiting) cb(error);
  }

  /** Calls `cb` once every write made so far is committed (at once if none is pending). */
  whenDurable(cb: (err?: Error) => void): void {
    if (!this.batching) return cb();
    this.durable.push(cb);
    this.commitNow ??= setImmediate(() => this.commit());
  }

  /**
   * Called once this process owns the emulator (its port is bound): attempts a previous process
   * left in flight become due again. Returns how many.
   */
  recoverInterrupted(): number {
    const rows = this.write(() => this.stmt('UPDATE tasks SET dispatching = 0 WHERE dispatching = 1 RETURNING name, schedule_ms').all() as Array<{ name: string; schedule_ms: number }>);
    for (const r of rows) this.index.waitUntil(r.name, r.schedule_ms);
    return rows.length;
  }

  static open(dataDir: string, opts: StateStoreOptions = {}): StateStore {
    return new StateStore(join(dataDir, DB_FILE), opts);
  }

  close(): void {
    if (this.closed) return;
    this.commit();
    this.closed = true;
    this.db.close();
  }

  // ---- queues

  getQueue(name: string): QueueRecord | undefined {
    return this.queues.get(name);
  }

  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  /** Queues under a location, by name, after `afterName`. */
  listQueues(parent: string, afterName: string, limit: number): QueueRecord[] {
    const rows = this.stmt("SELECT * FROM queues WHERE name > ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?")
      .all(afterName, parent.length + 8, `${parent}/queues/`, limit) as QueueRow[];
    return rows.map(queueFromRow);
  }

  putQueue(q: QueueRecord): void {
    this.write(() => {
      this.stmt('INSERT OR REPLACE INTO queues (name, state, settings, purge_ms) VALUES (?, ?, ?, ?)')
        .run(q.name, q.state, JSON.stringify(q.settings), q.purgeTimeMs);
    });
    this.queues.set(q.name, q);
  }

  queueNameHeldUntil(name: string, nowMs: number): number | undefined {
    const row = this.stmt('SELECT until_ms FROM held_queue_names WHERE name = ? AND until_ms > ?').get(name, nowMs) as { until_ms: number } | undefined;
    return row?.until_ms;
  }

  /** Deletes the queue and its tasks; their names become tombstones, the queue name is held. */
  deleteQueue(name: string, tombstoneUntilMs: number, holdUntilMs: number): void {
    this.write(() => {
      this.tombstoneAll(name, tombstoneUntilMs);
      this.stmt('DELETE FROM queues WHERE name = ?').run(name);
      if (holdUntilMs > 0) this.stmt('INSERT OR REPLACE INTO held_queue_names (name, until_ms) VALUES (?, ?)').run(name, holdUntilMs);
    }, true);
    this.queues.delete(name);
    this.index.removeQueue(name);
    this.records.deleteQueue(name);
  }

  /** Deletes every task of the queue (their names become tombstones); returns how many. */
  purgeQueue(name: string, purgeTimeMs: number, tombstoneUntilMs: number): number {
    const n = this.write(() => {
      const deleted = this.tombstoneAll(name, tombstoneUntilMs);
      this.stmt('UPDATE queues SET purge_ms = ? WHERE name = ?').run(purgeTimeMs, name);
      return deleted;
    }, true);
    const q = this.queues.get(name);
    if (q) this.queues.set(name, { ...q, purgeTimeMs });
    this.index.removeQueue(name);
    this.records.deleteQueue(name);
    return n;
  }

  private tombstoneAll(queue: string, untilMs: number): number {
    this.stmt('INSERT OR REPLACE INTO tombstones (name, until_ms) SELECT name, ? FROM tasks WHERE queue = ?').run(untilMs, queue);
    return this.stmt('DELETE FROM tasks WHERE queue = ?').run(queue).changes;
  }

  // ---- tasks

  getTask(name: string): TaskRecord | undefined {
    if (!this.index.has(name)) return undefined;
    const row = this.stmt('SELECT * FROM tasks WHERE name = ?').get(name) as TaskRow | undefined;
    return row && taskFromRow(row);
  }

  /** Whether a task of that name exists (pending or in flight). */
  hasTask(name: string): boolean {
    return this.index.has(name);
  }

  listTasks(queue: string, afterSeq: number, limit: number): TaskRecord[] {
    const rows = this.stmt('SELECT * FROM tasks WHERE queue = ? AND seq > ? ORDER BY seq LIMIT ?').all(queue, afterSeq, limit) as TaskRow[];
    return rows.map(taskFromRow);
  }

  /** Whether the name was executed or deleted recently (its tombstone has not expired). */
  isTombstoned(name: string, nowMs: number): boolean {
    return this.stmt('SELECT 1 FROM tombstones WHERE name = ? AND until_ms > ?').get(name, nowMs) !== undefined;
  }

  insertTask(t: Omit<TaskRecord, 'seq'>): TaskRecord {
    const stored: StoredHttp = { ...t.http, body: t.http.body ? t.http.body.toString('base64') : null };
    const info = this.write(() =>
      this.stmt(`INSERT INTO tasks (name, queue, http, schedule_ms, create_ms, deadline_ms) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(t.name, t.queue, JSON.stringify(stored), t.scheduleTimeMs, t.createTimeMs, t.dispatchDeadlineMs),
    );
    const seq = Number(info.lastInsertRowid);
    this.index.put(t.queue, t.name, seq, t.scheduleTimeMs, true);
    const record = { ...t, seq };
    this.records.put(record);
    return record;
  }

  /**
   * Removes the task (if this very task still exists) and tombstones its name. No savepoint
   * (it cost more than both statements): the tombstone is written first, from the row, so if
   * the delete then failed the name would only be reserved twice, never left unreserved.
   */
  finishTask(name: string, seq: number, tombstoneUntilMs: number): boolean {
    const gone = this.write(() => {
      this.stmt('INSERT OR REPLACE INTO tombstones (name, until_ms) SELECT name, ? FROM tasks WHERE name = ? AND seq = ?').run(tombstoneUntilMs, name, seq);
      return this.stmt('DELETE FROM tasks WHERE name = ? AND seq = ?').run(name, seq).changes > 0;
    });
    if (gone) this.index.remove(name);
    this.records.forget(name, seq);
    return gone;
  }

  /** Marks an attempt as dispatched. Returns the updated task, or undefined if it is gone. */
  startAttempt(name: string, seq: number, attempt: AttemptRecord): TaskRecord | undefined {
    const json = JSON.stringify(attempt);
    const cached = this.records.get(name, seq);
    if (cached) {
      const started = this.write(
        () =>
          this.stmt(
            `UPDATE tasks SET dispatching = 1, dispatch_count = dispatch_count + 1,
               first_attempt = COALESCE(first_attempt, ?), last_attempt = ?
             WHERE name = ? AND seq = ?`,
          ).run(json, json, name, seq).changes > 0,
      );
      if (!started) return this.lost(name, seq);
      const record: TaskRecord = { ...cached, dispatching: true, dispatchCount: cached.dispatchCount + 1, firstAttempt: cached.firstAttempt ?? { ...attempt }, lastAttempt: { ...attempt } };
      this.records.put(record);
      this.index.dispatched(name);
      return record;
    }
    const row = this.write(
      () =>
        this.stmt(
          `UPDATE tasks SET dispatching = 1, dispatch_count = dispatch_count + 1,
             first_attempt = COALESCE(first_attempt, ?), last_attempt = ?
           WHERE name = ? AND seq = ? RETURNING *`,
        ).get(json, json, name, seq) as TaskRow | undefined,
    );
    if (!row) return this.lost(name, seq);
    this.index.dispatched(name);
    const record = taskFromRow(row);
    this.records.put(record);
    return record;
  }

  /** The mirror was wrong about the task (its row is gone): never offer it again. */
  private lost(name: string, seq: number): undefined {
    this.index.forget(name, seq);
    this.records.forget(name, seq);
    return undefined;
  }

  /** Records a failed attempt and the time of the next one. False if the task is gone. */
  scheduleRetry(name: string, seq: number, u: RetryUpdate): boolean {
    const updated = this.write(
      () =>
        this.stmt(
          `UPDATE tasks SET dispatching = 0, schedule_ms = ?, response_count = ?, execution_count = ?,
             last_attempt = ?, previous_response = ?, retry_reason = ?
           WHERE name = ? AND seq = ?`,
        ).run(u.scheduleTimeMs, u.responseCount, u.executionCount, JSON.stringify(u.lastAttempt), u.previousResponse, u.retryReason, name, seq).changes > 0,
    );
    if (updated) this.index.waitUntil(name, u.scheduleTimeMs);
    const cached = this.records.get(name, seq);
    if (cached && updated) this.records.put({ ...cached, ...u, dispatching: false });
    else this.records.forget(name, seq);
    return updated;
  }

  /** The queue's earliest task waiting for dispatch (due or not), or undefined if none waits. */
  firstWaiting(queue: string): DueEntry | undefined {
    return this.index.first(queue);
  }

  sweep(nowMs: number): void {
    this.write(() => {
      this.stmt('DELETE FROM tombstones WHERE until_ms <= ?').run(nowMs);
      this.stmt('DELETE FROM held_queue_names WHERE until_ms <= ?').run(nowMs);
    }, true);
  }
}
