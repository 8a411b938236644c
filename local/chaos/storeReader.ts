/**
 * What the job store and the Cloud Tasks emulator hold, read straight from their SQLite files
 * (read-only connections beside the processes that write them), for the chaos checks. It reads
 * raw rows and only the fields the checks need, instead of going through the service's Store
 * class or its HTTP API, so a bug in the engine's own bookkeeping cannot hide itself here, and a
 * field the engine adds later does not break the reading.
 *
 *   const store = openStoreReader(dataDir);
 *   store.jobs()                  // every job record (fields below)
 *   store.sequenceClaims()        // who holds which number in every ledger sequence
 *   store.emulatorTaskNames()     // task names still in the emulator (pending or retrying)
 *   store.close();
 *
 * Files: `<dataDir>/tasuki.sqlite` (jobs table; docs table holding `seq:<sequence>` claims
 * `{owner, n}` and `sequence-base/<sequence>` `{base}`), `<dataDir>/tasks-emulator.sqlite`
 * (tasks table). A file that does not exist yet reads as empty.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type ObservedJob = {
  id: string;
  kind: string;
  status: string;
  requestedBy: string;
  locale: 'ja' | 'en';
  reply?: { chat?: { space: string; thread?: string }; sheet?: { spreadsheetId: string; sheetName: string; row: number } };
  input?: unknown;
  result?: unknown;
  error?: { code?: string; message?: string; retryable?: boolean };
  generation?: number;
  attempts?: number;
  lease?: { holder?: string; until?: string };
  cancelRequested?: boolean;
  /** The engine's own account of the final report (its outbox); shown beside the truth, never trusted. */
  report?: { state?: string; attempts?: number; error?: { code?: string; message?: string } };
  recoveries?: number;
  stepNames: string[];
  createdAt?: string;
  updatedAt?: string;
  finishedAt?: string;
};

/** One number of a ledger sequence (`project-2026`, `estimate-2026`, `invoice-2026`) and who holds it. */
export type SequenceClaim = { sequence: string; n: number; owner: string; base: number | null };

export type StoreReader = {
  jobs(): ObservedJob[];
  sequenceClaims(): SequenceClaim[];
  emulatorTaskNames(): Set<string>;
  close(): void;
};

function openReadOnly(file: string): Database.Database | null {
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

function toObservedJob(raw: Record<string, unknown>): ObservedJob {
  const steps = raw.steps && typeof raw.steps === 'object' ? Object.keys(raw.steps) : [];
  return {
    ...(raw as Omit<ObservedJob, 'stepNames'>),
    id: String(raw.id),
    kind: String(raw.kind),
    status: String(raw.status),
    requestedBy: String(raw.requestedBy ?? ''),
    locale: raw.locale === 'en' ? 'en' : 'ja',
    stepNames: steps,
  };
}

export function openStoreReader(dataDir: string): StoreReader {
  const jobsFile = join(dataDir, 'tasuki.sqlite');
  const emulatorFile = join(dataDir, 'tasks-emulator.sqlite');
  let jobsDb: Database.Database | null = null;
  let emulatorDb: Database.Database | null = null;
  // Opened on first use: the service creates its file only when it first starts.
  const jobsConn = () => (jobsDb ??= openReadOnly(jobsFile));
  const emulatorConn = () => (emulatorDb ??= openReadOnly(emulatorFile));
  return {
    jobs() {
      const db = jobsConn();
      if (!db) return [];
      const rows = db.prepare('SELECT record FROM jobs ORDER BY created_at, id').all() as Array<{ record: string }>;
      return rows.map((r) => toObservedJob(JSON.parse(r.record) as Record<string, unknown>));
    },
    sequenceClaims() {
      const db = jobsConn();
      if (!db) return [];
      const bases = new Map<string, number>();
      for (const r of db.prepare("SELECT id, data FROM docs WHERE collection = 'sequence-base'").all() as Array<{ id: string; data: string }>) {
        const base = (JSON.parse(r.data) as { base?: unknown }).base;
        if (typeof base === 'number') bases.set(r.id, base);
      }
      const claims: SequenceClaim[] = [];
      for (const r of db.prepare("SELECT collection, data FROM docs WHERE collection LIKE 'seq:%'").all() as Array<{ collection: string; data: string }>) {
        const data = JSON.parse(r.data) as { owner?: unknown; n?: unknown };
        if (typeof data.owner !== 'string' || typeof data.n !== 'number') continue; // the "next" hint
        const sequence = r.collection.slice('seq:'.length);
        claims.push({ sequence, n: data.n, owner: data.owner, base: bases.get(sequence) ?? null });
      }
      return claims;
    },
    emulatorTaskNames() {
      const db = emulatorConn();
      if (!db) return new Set();
      return new Set((db.prepare('SELECT name FROM tasks').all() as Array<{ name: string }>).map((r) => r.name));
    },
    close() {
      jobsDb?.close();
      emulatorDb?.close();
    },
  };
}
