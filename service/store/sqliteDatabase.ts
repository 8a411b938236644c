/**
 * How every tasuki SQLite file is opened (the job store, the Tasks emulator's state, the
 * Workspace sandbox): folder created, a busy timeout so a second process waits for the write lock
 * instead of failing, WAL (readers never block the writer) with NORMAL sync and checkpoints every
 * 10,000 pages, then the schema.
 * Plus a per-connection cache of prepared statements for SQL built at run time.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function openSqlite(file: string, opts: { schema: string; busyTimeoutMs?: number | undefined }): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // busy_timeout first: switching to WAL and creating the schema take the write lock, which
  // another process opening the same file may hold at this very moment.
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // With NORMAL, a commit is not synced; a checkpoint (WAL → database file) is, twice, and it
  // runs inside whichever write crosses the threshold, blocking the event loop for both fsyncs.
  // SQLite's default threshold (1,000 pages, ~330 job updates) made that ~0.3 ms of blocking per
  // job on this machine (bench/w1.ts); 10,000 pages (a WAL of up to ~40 MB) cuts it tenfold.
  db.pragma('wal_autocheckpoint = 10000');
  db.exec(opts.schema);
  return db;
}

/** `prepared(sql)`: each distinct SQL text is prepared once on this connection and reused. */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}
