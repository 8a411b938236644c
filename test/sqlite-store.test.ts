// SqliteStore: the Store conformance suite on real SQLite files, plus what only SQLite has to
// show: WAL on one file shared by separate processes (claims from three processes stay dense).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { loadConfig } from '../service/config.js';
import { createStore, sqliteFile } from '../service/store/createStore.js';
import { SqliteStore } from '../service/store/sqliteStore.js';
import { job, storeConformance } from './support/storeConformance.js';

const tempDirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tasuki-sqlite-store-'));
  tempDirs.push(dir);
  return join(dir, 'tasuki.sqlite');
}
test.after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

storeConformance({
  name: 'SqliteStore',
  async newSpace() {
    const file = tempFile();
    return {
      open: async () => new SqliteStore(file),
      async corruptJob(id) {
        const db = new Database(file);
        db.prepare('UPDATE jobs SET record = ? WHERE id = ?').run(JSON.stringify({ id, status: 'sleeping' }), id);
        db.close();
      },
      async dispose() {},
    };
  },
});

test('SqliteStore: an update leaves the requester and creation columns alone; a record claiming to change them is refused like a stale version', async () => {
  const file = tempFile();
  const store = new SqliteStore(file);
  const created = (await store.createJob(job('j-immutable-1'))).job;
  const running = await store.updateJob(created.id, created.version, { ...created, status: 'running' });
  assert.equal(running?.status, 'running');
  assert.equal(await store.updateJob(created.id, running!.version, { ...running!, requestedBy: 'someone-else@example.co.jp' }), null);
  assert.equal(await store.updateJob(created.id, running!.version, { ...running!, createdAt: '2020-01-01T00:00:00.000Z' }), null);
  // The indexed columns still agree with the record: the requester's list finds it, by status too.
  assert.deepEqual((await store.listJobs({ requestedBy: created.requestedBy, status: 'running' })).map((j) => j.id), [created.id]);
  const raw = new Database(file, { readonly: true });
  assert.deepEqual(raw.prepare('SELECT requested_by, created_at, status FROM jobs WHERE id = ?').get(created.id), { requested_by: created.requestedBy, created_at: created.createdAt, status: 'running' });
  raw.close();
  await store.close();
});

test('SqliteStore: the file is in WAL mode and what one connection writes the next one reads', async () => {
  const file = tempFile();
  const a = new SqliteStore(file);
  await a.putIfAbsent('notes', 'n1', { text: 'こんにちは' });
  const raw = new Database(file, { readonly: true });
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
  const b = new SqliteStore(file);
  assert.deepEqual((await b.getDoc('notes', 'n1'))?.data, { text: 'こんにちは' });
  await a.close();
  await b.close();
  await b.close(); // closing twice is harmless
});

test('SqliteStore: claims from three separate processes on one file are dense and unshared', async () => {
  const file = tempFile();
  const storeModule = fileURLToPath(new URL('../service/store/sqliteStore.ts', import.meta.url));
  const perProcess = 20;
  // Each child opens the store, says "ready", and claims only when the parent says "go", so that
  // the three processes' claims overlap in time.
  const claimer = (prefix: string) => `
    const { SqliteStore } = await import(${JSON.stringify(storeModule)});
    const store = new SqliteStore(${JSON.stringify(file)});
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const owners = Array.from({ length: ${perProcess} }, (_, i) => '${prefix}-' + i);
    const numbers = await Promise.all(owners.map((o) => store.claimSequence('project-2026', o)));
    await store.close();
    process.stdout.write(JSON.stringify(Object.fromEntries(owners.map((o, i) => [o, numbers[i]]))) + '\\n');
    process.stdin.destroy();`;
  // The parent creates the schema first so that the children race on claims, not on the schema.
  const parent = new SqliteStore(file);
  const children = ['p1', 'p2'].map((prefix) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', claimer(prefix)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const iterator = lines[Symbol.asyncIterator](); // buffers lines until they are asked for
    const next = async (): Promise<string> => String((await iterator.next()).value);
    return { child, lines, next };
  });
  for (const { next } of children) assert.equal(await next(), 'ready');
  const results = children.map(({ next }) => next());
  for (const { child } of children) child.stdin.write('go\n');
  const mine = await Promise.all(Array.from({ length: perProcess }, (_, i) => parent.claimSequence('project-2026', `p0-${i}`)));
  const claims: Record<string, number> = Object.fromEntries(mine.map((n, i) => [`p0-${i}`, n]));
  for (const line of await Promise.all(results)) Object.assign(claims, JSON.parse(line) as Record<string, number>);
  for (const { child, lines } of children) {
    lines.close();
    if (child.exitCode === null) await once(child, 'exit');
  }

  const numbers = Object.values(claims).sort((x, y) => x - y);
  assert.deepEqual(numbers, Array.from({ length: 3 * perProcess }, (_, i) => i + 1));
  for (const [owner, n] of Object.entries(claims)) assert.equal(await parent.claimSequence('project-2026', owner), n);
  await parent.close();
});

test('createStore: local configuration gives a SqliteStore at <dataDir>/tasuki.sqlite', async () => {
  const dataDir = join(dirname(tempFile()), 'data');
  const config = loadConfig({ TASUKI_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  assert.equal(sqliteFile(config), join(dataDir, 'tasuki.sqlite'));
  const store = createStore(config);
  assert.ok(store instanceof SqliteStore);
  await store.putIfAbsent('notes', 'n1', { text: 'x' });
  assert.ok(existsSync(join(dataDir, 'tasuki.sqlite')));
  const other = new SqliteStore(join(dataDir, 'tasuki.sqlite'));
  assert.deepEqual((await other.getDoc('notes', 'n1'))?.data, { text: 'x' });
  await other.close();
  await store.close();
});

test('a job file from before the sweep gains its unsettled/updated_at columns, filled from the records', async () => {
  const file = tempFile();
  const old = new Database(file);
  old.exec(`CREATE TABLE jobs (id TEXT PRIMARY KEY, requested_by TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL)`);
  const record = (id: string, status: string, extra: object = {}) =>
    JSON.stringify({ id, kind: 'system.echo', input: {}, status, requestedBy: 'a@example.co.jp', locale: 'ja', generation: 1, attempts: 0, steps: {}, cancelRequested: false, createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', version: 0, ...extra });
  const insert = old.prepare('INSERT INTO jobs VALUES (?, ?, ?, ?, 0, ?)');
  insert.run('old-running', 'a@example.co.jp', 'running', '2026-11-01T00:00:00.000Z', record('old-running', 'running'));
  insert.run('old-done', 'a@example.co.jp', 'succeeded', '2026-11-01T00:00:00.000Z', record('old-done', 'succeeded'));
  old.close();
  const store = new SqliteStore(file);
  assert.deepEqual((await store.listUnsettledJobs({ updatedBefore: '2026-12-01T00:00:00.000Z' })).map((j) => j.id), ['old-running']);
  await store.close();
  // Opening again (columns present) changes nothing.
  const again = new SqliteStore(file);
  assert.equal((await again.listUnsettledJobs({ updatedBefore: '2026-12-01T00:00:00.000Z' })).length, 1);
  await again.close();
});
