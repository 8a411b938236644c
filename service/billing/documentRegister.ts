/**
 * The register that makes a document be issued once per project and type, kept in the job
 * store (single-record operations only, as the Store port promises):
 *
 * - `billing-register/<type>:<project>`: every number issued for the project and type, in order,
 *   each `issued` or `void` (with reason, date, and the number that replaced it). The current
 *   document is the last issued one. Numbers the ledger shows from before tasuki count as an
 *   issued "legacy" entry of generation 0 (known by number only).
 * - `billing-issuance/<type>:<project>:g<generation>`: who issues generation n (created if
 *   absent, so of two jobs racing for the same generation exactly one issues). The number is
 *   claimed with this id as its owner (not the job id), so a job that takes over from a job that
 *   failed for good gets the same number: numbers are never skipped or reused.
 *
 * claimIssuance decides, for one job: show the existing document, or issue generation n (a
 * reissue voids the current one), or wait (another job is issuing it now: a retryable failure,
 * so this job shows that job's document once it is done).
 */
import { issueInProgress } from '../../shared/kinds/billingDocumentTexts.js';
import type { Store } from '../store/store.js';
import { JobFailure } from '../jobFailure.js';

export type DocumentType = 'estimate' | 'invoice';

export type RegisterEntry = {
  documentNumber: string;
  generation: number;
  status: 'issued' | 'void';
  /** True for a number found in the ledger from before tasuki (no document known to tasuki). */
  legacy?: boolean;
  provider?: string;
  jobId?: string;
  issueDate?: string;
  dueDate?: string;
  docId?: string;
  docUrl?: string;
  pdfFileId?: string;
  pdfUrl?: string;
  documentUrl?: string;
  accountingId?: string;
  total?: number;
  voidReason?: string;
  voidedAt?: string;
  replacedBy?: string;
};

type Register = { entries: RegisterEntry[] };
type Issuance = { owner: string; reason?: string; replaces?: string; previousOwners?: string[] };

const REGISTER = 'billing-register';
const ISSUANCE = 'billing-issuance';

export function registerId(type: DocumentType, projectNumber: string): string {
  return `${type}:${projectNumber}`;
}

export type Claim =
  | { kind: 'existing'; entry: RegisterEntry }
  | { kind: 'issue'; generation: number; issuanceId: string; replaces?: RegisterEntry; reason?: string };

/** The current (last issued) entry: from the register, else the ledger's number as legacy. */
export function currentEntry(entries: RegisterEntry[], ledgerNumber: string): RegisterEntry | undefined {
  const issued = [...entries].reverse().find((e) => e.status === 'issued');
  if (issued) return issued;
  if (entries.length === 0 && ledgerNumber) return { documentNumber: ledgerNumber, generation: 0, status: 'issued', legacy: true };
  return undefined;
}

export async function readRegister(store: Store, type: DocumentType, projectNumber: string): Promise<RegisterEntry[]> {
  return (await store.getDoc<Register>(REGISTER, registerId(type, projectNumber)))?.data.entries ?? [];
}

const ACTIVE = new Set(['queued', 'running']);

export async function claimIssuance(
  store: Store,
  opts: { type: DocumentType; projectNumber: string; ledgerNumber: string; jobId: string; reissueReason?: string; reissueReplaces?: string },
): Promise<Claim> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const entries = await readRegister(store, opts.type, opts.projectNumber);
    const current = currentEntry(entries, opts.ledgerNumber.trim());
    if (current && !opts.reissueReason) return { kind: 'existing', entry: current };
    // A reissue of a number that is no longer current (replaced since the requester saw it):
    // voiding the newer one would be a second reissue nobody asked for.
    if (current && opts.reissueReplaces && current.documentNumber !== opts.reissueReplaces) return { kind: 'existing', entry: current };
    const generation = Math.max(current?.generation ?? 0, ...entries.map((e) => e.generation)) + 1;
    const issuanceId = `${registerId(opts.type, opts.projectNumber)}:g${generation}`;
    const wanted: Issuance = { owner: opts.jobId, ...(opts.reissueReason ? { reason: opts.reissueReason } : {}), ...(current ? { replaces: current.documentNumber } : {}) };
    const { doc } = await store.putIfAbsent<Issuance>(ISSUANCE, issuanceId, wanted);
    const mine = (): Claim => ({
      kind: 'issue',
      generation,
      issuanceId,
      ...(current && opts.reissueReason ? { replaces: current, reason: opts.reissueReason } : {}),
    });
    if (doc.data.owner === opts.jobId) return mine();
    const holder = await store.getJob(doc.data.owner);
    if (holder && ACTIVE.has(holder.status)) {
      throw new JobFailure({ code: 'issue_in_progress', retryable: true, retryAfterSeconds: 10, userMessage: issueInProgress(opts.type, opts.projectNumber, holder.id) });
    }
    if (holder?.status === 'succeeded') {
      // That job issued this generation (or found it issued); show what the register says now.
      const now = currentEntry(await readRegister(store, opts.type, opts.projectNumber), opts.ledgerNumber.trim());
      if (now) return { kind: 'existing', entry: now };
      continue;
    }
    // The holder failed or was cancelled before issuing: take its place (and its number).
    const taken: Issuance = { ...wanted, previousOwners: [...(doc.data.previousOwners ?? []), doc.data.owner] };
    if (await store.updateDoc<Issuance>(ISSUANCE, issuanceId, doc.version, taken)) return mine();
  }
  throw new JobFailure({ code: 'issue_contended', retryable: true, retryAfterSeconds: 5, userMessage: issueInProgress(opts.type, opts.projectNumber, '?') });
}

/**
 * Records generation `entry.generation` as issued and, for a reissue, the replaced number as
 * void. Idempotent: an entry already recorded is left as it is.
 */
export async function recordIssued(
  store: Store,
  opts: { type: DocumentType; projectNumber: string; entry: RegisterEntry; voids?: { documentNumber: string; reason: string; at: string; legacyEntry?: RegisterEntry } },
): Promise<void> {
  const id = registerId(opts.type, opts.projectNumber);
  for (;;) {
    const stored = await store.getDoc<Register>(REGISTER, id);
    const entries = [...(stored?.data.entries ?? [])];
    if (opts.voids?.legacyEntry && !entries.some((e) => e.documentNumber === opts.voids!.documentNumber)) entries.push(opts.voids.legacyEntry);
    if (!entries.some((e) => e.generation === opts.entry.generation && e.documentNumber === opts.entry.documentNumber)) entries.push(opts.entry);
    const next = entries.map((e) =>
      opts.voids && e.documentNumber === opts.voids.documentNumber && e.status === 'issued'
        ? { ...e, status: 'void' as const, voidReason: opts.voids.reason, voidedAt: opts.voids.at, replacedBy: opts.entry.documentNumber }
        : e,
    );
    if (!stored) {
      const { created } = await store.putIfAbsent<Register>(REGISTER, id, { entries: next });
      if (created) return;
      continue;
    }
    if (JSON.stringify(next) === JSON.stringify(stored.data.entries)) return;
    if (await store.updateDoc<Register>(REGISTER, id, stored.version, { entries: next })) return;
  }
}
