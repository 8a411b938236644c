/**
 * Dense, crash-safe sequence numbers built only from single-record operations, shared by both
 * Store adapters (Store.claimSequence).
 *
 * Layout, in one internal collection per sequence (`seq:<name>`, a name user collections cannot
 * take): claim documents with id "1", "2", … holding `{ owner, n }`, created if absent and never
 * changed or deleted; and a hint document "next" holding `{ next }`, a number below which every
 * number is already claimed (advanced by compare-and-set, best-effort; a stale hint only costs a
 * longer scan).
 *
 * Algorithm: read the hint; THEN look for a claim by this owner (return it if found); else
 * create-if-absent upward from the hint (reading each number first, as a read that finds a claim
 * is as good as a failed create and costs one call instead of two); a claim found on the way that
 * is ours is ours.
 *
 * Cost: simultaneous claimers move up in lockstep, one winning each number, so N claimers
 * arriving at once make O(N²) reads in total; tasuki's sequences see a handful of claims a day.
 *
 * Why it holds:
 * - No two owners share a number: each number is one create-if-absent document.
 * - Dense: a claimer of n scanned every number from its hint to n-1 and found it claimed, and every
 *   number below the hint was claimed before the hint was raised past it; claims are permanent, so
 *   nothing below a claimed number is ever left free.
 * - Same owner, same number, even after a crash between claiming and using it, and even when the
 *   same owner asks twice concurrently: suppose one call created n while a claim m < n by the same
 *   owner exists. If m is below that call's hint, m was created before the hint it read, hence
 *   before its owner lookup, which would have found m. Otherwise the scan passed m; it found m
 *   claimed by this owner (and returned m) or free (and created m instead). Either way it never
 *   creates n. This needs the lookup to happen after the hint read, and reads to be strongly
 *   consistent (SQLite; Firestore document reads and queries are).
 */
import type { StoredDoc } from './store.js';
import { StoreCorruptError, type NormalizedDocQuery } from './storeRules.js';

/** The single-record operations an adapter exposes on its internal (unvalidated) collections. */
export interface ClaimDocs {
  putIfAbsent(collection: string, id: string, data: Record<string, unknown>): Promise<{ created: boolean; doc: StoredDoc }>;
  getDoc(collection: string, id: string): Promise<StoredDoc | null>;
  updateDoc(collection: string, id: string, expectedVersion: number, data: Record<string, unknown>): Promise<StoredDoc | null>;
  queryDocs(collection: string, query: NormalizedDocQuery): Promise<StoredDoc[]>;
}

const HINT_ID = 'next';
/** Compare-and-set attempts to raise the hint before leaving it to the next claimer. */
const HINT_ATTEMPTS = 5;

export function sequenceCollection(sequence: string): string {
  return `seq:${sequence}`;
}

/** Claims the next number of the sequence kept in `collection` (see sequenceCollection) for `owner`. */
export async function claimSequenceNumber(docs: ClaimDocs, collection: string, owner: string): Promise<number> {
  const start = hintValue(collection, await docs.getDoc(collection, HINT_ID));
  const [existing] = await docs.queryDocs(collection, { where: [['owner', owner]], limit: 1 });
  if (existing) return claimNumber(collection, existing);
  for (let n = start; ; n++) {
    // Under contention most numbers are already taken: one read says so without a failed create.
    const claim = (await docs.getDoc(collection, String(n))) ?? (await docs.putIfAbsent(collection, String(n), { owner, n })).doc;
    if (claim.data.owner === owner) {
      await raiseHint(docs, collection, n + 1);
      return n;
    }
  }
}

async function raiseHint(docs: ClaimDocs, collection: string, next: number): Promise<void> {
  for (let attempt = 0; attempt < HINT_ATTEMPTS; attempt++) {
    const hint = await docs.getDoc(collection, HINT_ID);
    if (!hint) {
      if ((await docs.putIfAbsent(collection, HINT_ID, { next })).created) return;
      continue;
    }
    if (hintValue(collection, hint) >= next) return;
    if (await docs.updateDoc(collection, HINT_ID, hint.version, { next })) return;
  }
}

function hintValue(collection: string, hint: StoredDoc | null): number {
  if (!hint) return 1;
  const next = hint.data.next;
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 1) {
    throw new StoreCorruptError(`store: sequence hint ${collection}/${HINT_ID} is corrupt: next is ${JSON.stringify(next)}`);
  }
  return next;
}

function claimNumber(collection: string, claim: StoredDoc): number {
  const n = claim.data.n;
  if (typeof n !== 'number' || String(n) !== claim.id) {
    throw new StoreCorruptError(`store: sequence claim ${collection}/${claim.id} is corrupt: n is ${JSON.stringify(n)}`);
  }
  return n;
}
