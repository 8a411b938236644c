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
 * All methods are synchronous (better-sqlite3); callers are the gRPC handlers and the dispatcher
 * of one process.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqlite, statementCache } from '../../service/store/sqliteDatabase.js';
import type { QueueRecord, QueueSettings, QueueState } from './queueSettings.js';
import type { AttemptRecord, HttpTarget, TaskRecord } from './taskRecord.js';

export const DB_FILE = 'tasks-emulator.sqlite';

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

  private constructor(file: string) {
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
      CREATE INDEX IF NOT EXISTS tasks_due ON tasks (queue, dispatching, schedule_ms, seq);
      CREATE TABLE IF NOT EXISTS tombstones (name TEXT PRIMARY KEY, until_ms REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS held_queue_names (name TEXT PRIMARY KEY, until_ms REAL NOT NULL);
    `,
    });
    this.stmt = statementCache(this.db);
  }

  /**
   * Called once this process owns the emulator (its port is bound): attempts a previous process
   * left in flight become due again. Returns how many.
   */
  recoverInterrupted(): number {
    return this.stmt('UPDATE tasks SET dispatching = 0 WHERE dispatching = 1').run().changes;
  }

  static open(dataDir: string): StateStore {
    return new StateStore(join(dataDir, DB_FILE));
  }

  close(): void {
    this.db.close();
  }

  // ---- queues

  getQueue(name: string): QueueRecord | undefined {
    const row = this.stmt('SELECT * FROM queues WHERE name = ?').get(name) as QueueRow | undefined;
    return row && queueFromRow(row);
  }

  /** Queues under a location, by name, after `afterName`. */
  listQueues(parent: string, afterName: string, limit: number): QueueRecord[] {
    const rows = this.stmt("SELECT * FROM queues WHERE name > ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?")
      .all(afterName, parent.length + 8, `${parent}/queues/`, limit) as QueueRow[];
    return rows.map(queueFromRow);
  }

  allQueues(): QueueRecord[] {
    return (this.stmt('SELECT * FROM queues').all() as QueueRow[]).map(queueFromRow);
  }

  putQueue(q: QueueRecord): void {
    this.stmt('INSERT OR REPLACE INTO queues (name, state, settings, purge_ms) VALUES (?, ?, ?, ?)')
      .run(q.name, q.state, JSON.stringify(q.settings), q.purgeTimeMs);
  }

  queueNameHeldUntil(name: string, nowMs: number): number | undefined {
    const row = this.stmt('SELECT until_ms FROM held_queue_names WHERE name = ? AND until_ms > ?').get(name, nowMs) as { until_ms: number } | undefined;
    return row?.until_ms;
  }

  /** Deletes the queue and its tasks; their names become tombstones, the queue name is held. */
  deleteQueue(name: string, tombstoneUntilMs: number, holdUntilMs: number): void {
    this.db.transaction(() => {
      this.tombstoneAll(name, tombstoneUntilMs);
      this.stmt('DELETE FROM queues WHERE name = ?').run(name);
      if (holdUntilMs > 0) this.stmt('INSERT OR REPLACE INTO held_queue_names (name, until_ms) VALUES (?, ?)').run(name, holdUntilMs);
    })();
  }

  /** Deletes every task of the queue (their names become tombstones); returns how many. */
  purgeQueue(name: string, purgeTimeMs: number, tombstoneUntilMs: number): number {
    return this.db.transaction(() => {
      const n = this.tombstoneAll(name, tombstoneUntilMs);
      this.stmt('UPDATE queues SET purge_ms = ? WHERE name = ?').run(purgeTimeMs, name);
      return n;
    })();
  }

  private tombstoneAll(queue: string, untilMs: number): number {
    this.stmt('INSERT OR REPLACE INTO tombstones (name, until_ms) SELECT name, ? FROM tasks WHERE queue = ?').run(untilMs, queue);
    return this.stmt('DELETE FROM tasks WHERE queue = ?').run(queue).changes;
  }

  // ---- tasks

  getTask(name: string): TaskRecord | undefined {
    const row = this.stmt('SELECT * FROM tasks WHERE name = ?').get(name) as TaskRow | undefined;
    return row && taskFromRow(row);
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
    const info = this.stmt(
        `INSERT INTO tasks (name, queue, http, schedule_ms, create_ms, deadline_ms) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(t.name, t.queue, JSON.stringify(stored), t.scheduleTimeMs, t.createTimeMs, t.dispatchDeadlineMs);
    return { ...t, seq: Number(info.lastInsertRowid) };
  }

  /** Removes the task (if this very task still exists) and tombstones its name. */
  finishTask(name: string, seq: number, tombstoneUntilMs: number): boolean {
    return this.db.transaction(() => {
      const gone = this.stmt('DELETE FROM tasks WHERE name = ? AND seq = ?').run(name, seq).changes > 0;
      if (gone) this.stmt('INSERT OR REPLACE INTO tombstones (name, until_ms) VALUES (?, ?)').run(name, tombstoneUntilMs);
      return gone;
    })();
  }

  /** Marks an attempt as dispatched. Returns the updated task, or undefined if it is gone. */
  startAttempt(name: string, seq: number, attempt: AttemptRecord): TaskRecord | undefined {
    const json = JSON.stringify(attempt);
    const row = this.stmt(
        `UPDATE tasks SET dispatching = 1, dispatch_count = dispatch_count + 1,
           first_attempt = COALESCE(first_attempt, ?), last_attempt = ?
         WHERE name = ? AND seq = ? RETURNING *`,
      )
      .get(json, json, name, seq) as TaskRow | undefined;
    return row && taskFromRow(row);
  }

  /** Records a failed attempt and the time of the next one. False if the task is gone. */
  scheduleRetry(name: string, seq: number, u: RetryUpdate): boolean {
    return (
      this.stmt(
          `UPDATE tasks SET dispatching = 0, schedule_ms = ?, response_count = ?, execution_count = ?,
             last_attempt = ?, previous_response = ?, retry_reason = ?
           WHERE name = ? AND seq = ?`,
        )
        .run(u.scheduleTimeMs, u.responseCount, u.executionCount, JSON.stringify(u.lastAttempt), u.previousResponse, u.retryReason, name, seq)
        .changes > 0
    );
  }

  /** Moves a pending task's schedule (RunTask). */
  reschedule(name: string, seq: number, scheduleTimeMs: number): void {
    this.stmt('UPDATE tasks SET schedule_ms = ? WHERE name = ? AND seq = ?').run(scheduleTimeMs, name, seq);
  }

  /** Tasks of the queue that are due and not in flight, earliest first. */
  dueTasks(queue: string, nowMs: number, limit: number): TaskRecord[] {
    const rows = this.stmt('SELECT * FROM tasks WHERE queue = ? AND dispatching = 0 AND schedule_ms <= ? ORDER BY schedule_ms, seq LIMIT ?')
      .all(queue, nowMs, limit) as TaskRow[];
    return rows.map(taskFromRow);
  }

  /** Earliest schedule time among the queue's tasks not in flight. */
  nextScheduleTime(queue: string): number | undefined {
    const row = this.stmt('SELECT MIN(schedule_ms) AS t FROM tasks WHERE queue = ? AND dispatching = 0').get(queue) as { t: number | null };
    return row.t ?? undefined;
  }

  sweep(nowMs: number): void {
    this.stmt('DELETE FROM tombstones WHERE until_ms <= ?').run(nowMs);
    this.stmt('DELETE FROM held_queue_names WHERE until_ms <= ?').run(nowMs);
  }
}
