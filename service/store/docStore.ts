/**
 * The document half of the Store port, once for both adapters: each adapter implements four raw
 * operations (no collection-name check, already-normalized queries); the public methods check
 * the collection name first (internal `seq:` collections are refused to callers), and sequence
 * claims run on the raw operations, inside those internal collections.
 */
import { claimSequenceNumber, sequenceCollection, type ClaimDocs } from './sequenceClaims.js';
import type { DocQuery, StoredDoc } from './store.js';
import { checkCollection, checkSequence, normalizeDocQuery, type NormalizedDocQuery } from './storeRules.js';

type MaybePromise<T> = T | Promise<T>;
type Data = Record<string, unknown>;

export abstract class DocStore {
  protected abstract rawPutIfAbsent(collection: string, id: string, data: Data): MaybePromise<{ created: boolean; doc: StoredDoc }>;
  protected abstract rawGetDoc(collection: string, id: string): MaybePromise<StoredDoc | null>;
  protected abstract rawUpdateDoc(collection: string, id: string, expectedVersion: number, data: Data): MaybePromise<StoredDoc | null>;
  protected abstract rawQueryDocs(collection: string, query: NormalizedDocQuery): MaybePromise<StoredDoc[]>;

  private readonly claimDocs: ClaimDocs = {
    putIfAbsent: async (c, id, data) => this.rawPutIfAbsent(c, id, data),
    getDoc: async (c, id) => this.rawGetDoc(c, id),
    updateDoc: async (c, id, v, data) => this.rawUpdateDoc(c, id, v, data),
    queryDocs: async (c, q) => this.rawQueryDocs(c, q),
  };

  async putIfAbsent<T extends Data>(collection: string, id: string, data: T): Promise<{ created: boolean; doc: StoredDoc<T> }> {
    checkCollection(collection);
    return (await this.rawPutIfAbsent(collection, id, data)) as { created: boolean; doc: StoredDoc<T> };
  }

  async getDoc<T extends Data>(collection: string, id: string): Promise<StoredDoc<T> | null> {
    checkCollection(collection);
    return (await this.rawGetDoc(collection, id)) as StoredDoc<T> | null;
  }

  async updateDoc<T extends Data>(collection: string, id: string, expectedVersion: number, data: T): Promise<StoredDoc<T> | null> {
    checkCollection(collection);
    return (await this.rawUpdateDoc(collection, id, expectedVersion, data)) as StoredDoc<T> | null;
  }

  async queryDocs<T extends Data>(collection: string, query?: DocQuery): Promise<StoredDoc<T>[]> {
    checkCollection(collection);
    return (await this.rawQueryDocs(collection, normalizeDocQuery(collection, query))) as StoredDoc<T>[];
  }

  async claimSequence(sequence: string, owner: string): Promise<number> {
    checkSequence(sequence, owner);
    return claimSequenceNumber(this.claimDocs, sequenceCollection(sequence), owner);
  }
}
