/**
 * The sandbox's persistent state: one SQLite file (`<dataDir>/sandbox.sqlite`, better-sqlite3,
 * WAL) holding every Workspace resource as a JSON document keyed by (api, kind, id), binary
 * contents (Drive file bodies, Gmail attachments) as blobs, issued access tokens and a short log
 * of recent calls (who called what, for the console).
 *
 * Nothing is cached in memory: every read goes to SQLite (it is fast enough for a laptop-sized
 * sandbox and keeps the local stack's memory small). Every write emits `change` {api, kind, id}
 * on `events`, which the console turns into its live view. `scope` groups documents for listing
 * (a Chat space's messages, a user's mailbox, a calendar's events); listing is in insertion order.
 */
import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openSqlite } from '../../service/store/sqliteDatabase.js';

export type ChangeEvent = { api: string; kind: string; id: string; op: 'create' | 'update' | 'delete' };
export type CallRecord = { at: string; api: string; method: string; path: string; principal: string; status: number };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS resources (
  api TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, scope TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL, PRIMARY KEY (api, kind, id));
CREATE INDEX IF NOT EXISTS resources_by_scope ON resources (api, kind, scope);
CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, principal TEXT NOT NULL, scopes TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, api TEXT NOT NULL,
  method TEXT NOT NULL, path TEXT NOT NULL, principal TEXT NOT NULL, status INTEGER NOT NULL);
`;

/** Calls kept in the log; older ones are pruned. */
const CALL_LOG_SIZE = 500;

export const SANDBOX_DB_FILE = 'sandbox.sqlite';

export class SandboxState {
  readonly events = new EventEmitter();
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(dataDir: string) {
    this.db = openSqlite(join(dataDir, SANDBOX_DB_FILE), { schema: SCHEMA });
    this.stmts = {
      get: this.db.prepare('SELECT data FROM resources WHERE api = ? AND kind = ? AND id = ?'),
      upsert: this.db.prepare(
        'INSERT INTO resources (api, kind, id, scope, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (api, kind, id) DO UPDATE SET scope = excluded.scope, data = excluded.data',
      ),
      insert: this.db.prepare('INSERT OR IGNORE INTO resources (api, kind, id, scope, data) VALUES (?, ?, ?, ?, ?)'),
      del: this.db.prepare('DELETE FROM resources WHERE api = ? AND kind = ? AND id = ?'),
      listAll: this.db.prepare('SELECT data FROM resources WHERE api = ? AND kind = ? ORDER BY rowid'),
      listScope: this.db.prepare('SELECT data FROM resources WHERE api = ? AND kind = ? AND scope = ? ORDER BY rowid'),
      blobGet: this.db.prepare('SELECT data FROM blobs WHERE id = ?'),
      blobPut: this.db.prepare('INSERT INTO blobs (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data'),
      tokenGet: this.db.prepare('SELECT principal, scopes, expires FROM tokens WHERE token = ?'),
      tokenPut: this.db.prepare('INSERT INTO tokens (token, principal, scopes, expires) VALUES (?, ?, ?, ?)'),
      tokenPrune: this.db.prepare('DELETE FROM tokens WHERE expires < ?'),
      metaGet: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      metaPut: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      callPut: this.db.prepare('INSERT INTO calls (at, api, method, path, principal, status) VALUES (?, ?, ?, ?, ?, ?)'),
      callPrune: this.db.prepare('DELETE FROM calls WHERE seq <= (SELECT MAX(seq) FROM calls) - ?'),
      callList: this.db.prepare('SELECT at, api, method, path, principal, status FROM calls ORDER BY seq DESC LIMIT ?'),
    };
  }

  get<T>(api: string, kind: string, id: string): T | undefined {
    const row = this.stmts.get.get(api, kind, id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  /** Creates or replaces a document and announces the change. */
  put<T>(api: string, kind: string, id: string, data: T, scope = ''): T {
    const existed = this.stmts.get.get(api, kind, id) !== undefined;
    this.stmts.upsert.run(api, kind, id, scope, JSON.stringify(data));
    this.events.emit('change', { api, kind, id, op: existed ? 'update' : 'create' } satisfies ChangeEvent);
    return data;
  }

  /** Creates a document only if absent; false when the id is taken. */
  insert<T>(api: string, kind: string, id: string, data: T, scope = ''): boolean {
    const created = this.stmts.insert.run(api, kind, id, scope, JSON.stringify(data)).changes === 1;
    if (created) this.events.emit('change', { api, kind, id, op: 'create' } satisfies ChangeEvent);
    return created;
  }

  delete(api: string, kind: string, id: string): boolean {
    const deleted = this.stmts.del.run(api, kind, id).changes === 1;
    if (deleted) this.events.emit('change', { api, kind, id, op: 'delete' } satisfies ChangeEvent);
    return deleted;
  }

  list<T>(api: string, kind: string, scope?: string): T[] {
    const rows = (scope === undefined ? this.stmts.listAll.all(api, kind) : this.stmts.listScope.all(api, kind, scope)) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as T);
  }

  blob(id: string): Buffer | undefined {
    return (this.stmts.blobGet.get(id) as { data: Buffer } | undefined)?.data;
  }

  putBlob(id: string, data: Buffer): void {
    this.stmts.blobPut.run(id, data);
  }

  token(token: string): { principal: string; scopes: string[]; expires: number } | undefined {
    const row = this.stmts.tokenGet.get(token) as { principal: string; scopes: string; expires: number } | undefined;
    return row ? { principal: row.principal, scopes: row.scopes.split(' '), expires: row.expires } : undefined;
  }

  putToken(token: string, principal: string, scopes: string[], expires: number): void {
    this.stmts.tokenPrune.run(Date.now());
    this.stmts.tokenPut.run(token, principal, scopes.join(' '), expires);
  }

  meta(key: string): string | undefined {
    return (this.stmts.metaGet.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmts.metaPut.run(key, value);
  }

  recordCall(call: CallRecord): void {
    this.stmts.callPut.run(call.at, call.api, call.method, call.path, call.principal, call.status);
    this.stmts.callPrune.run(CALL_LOG_SIZE);
  }

  recentCalls(limit = 100): CallRecord[] {
    return this.stmts.callList.all(Math.min(limit, CALL_LOG_SIZE)) as CallRecord[];
  }

  /** Runs fn in one SQLite transaction (all or nothing, e.g. a Drive tree copy). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}

/** Deletes the sandbox's state file (and its WAL); the next start seeds afresh. */
export function resetSandboxFiles(dataDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, SANDBOX_DB_FILE + suffix), { force: true });
}
