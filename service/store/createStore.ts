/**
 * Picks the Store adapter the configuration asks for: SQLite at `<dataDir>/tasuki.sqlite` (local
 * default) or Firestore in `config.project` / `config.firestoreDatabase` (production). Synchronous
 * and cheap: the Firestore SDK is only imported by FirestoreStore on its first operation, so local
 * mode never loads it and a cold Cloud Run instance pays for it when the first request needs it.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { FirestoreStore, type FirestoreStoreOptions } from './firestoreStore.js';
import { SqliteStore, type SqliteStoreOptions } from './sqliteStore.js';
import type { Store } from './store.js';

export const SQLITE_FILE_NAME = 'tasuki.sqlite';

export type CreateStoreOptions = {
  sqlite?: SqliteStoreOptions;
  /** Extra Firestore client settings. */
  firestore?: FirestoreStoreOptions['settings'];
};

export function sqliteFile(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, SQLITE_FILE_NAME);
}

export function createStore(config: Config, log?: Logger, opts: CreateStoreOptions = {}): Store {
  if (config.store === 'firestore') {
    log?.info({ project: config.project, database: config.firestoreDatabase }, 'store: Firestore');
    return new FirestoreStore({
      projectId: config.project,
      databaseId: config.firestoreDatabase,
      ...(opts.firestore ? { settings: opts.firestore } : {}),
    });
  }
  const file = sqliteFile(config);
  log?.info({ file }, 'store: SQLite');
  return new SqliteStore(file, opts.sqlite);
}
