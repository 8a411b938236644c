/**
 * Numbers the office writes in the ledger — projects `P-2026-014`, estimates `E-2026-003`,
 * invoices `I-2026-002` — issued from the store's dense sequences (claimSequence: one number per
 * job id, never two owners on one number, no gaps).
 *
 * An office that adopts tasuki already has numbers in its ledger, so each sequence has a base:
 * the highest number of that prefix and year in the ledger when the sequence is first used,
 * recorded once (put-if-absent) so every later job, concurrent ones included, agrees on it.
 * Number = base + claimed sequence number.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { LEDGER } from '../../shared/sheetLayouts.js';
import type { Store } from '../store/store.js';
import { SheetTable } from './sheetTable.js';

type LedgerColumn = 'projectNumber' | 'estimate' | 'invoice';

export function formatLedgerNumber(prefix: string, year: string, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(3, '0')}`;
}

async function sequenceBase(
  store: Store,
  ledger: SheetTable<(typeof LEDGER.columns)[number]['key']>,
  opts: { sequence: string; prefix: string; year: string; column: LedgerColumn },
): Promise<number> {
  const known = await store.getDoc<{ base: number }>('sequence-base', opts.sequence);
  if (known) return known.data.base;
  const pattern = new RegExp(`^${opts.prefix}-${opts.year}-(\\d+)$`);
  let base = 0;
  for (const row of await ledger.readRows()) {
    const match = pattern.exec(row.values[opts.column].trim());
    if (match) base = Math.max(base, Number(match[1]));
  }
  const { doc } = await store.putIfAbsent('sequence-base', opts.sequence, { base });
  return doc.data.base;
}

/** The number this job holds in `<prefix>-<year>`; the same on every redelivery. */
export async function claimLedgerNumber(
  deps: { store: Store; sheets: sheets_v4.Sheets; ledgerSpreadsheetId: string },
  opts: { prefix: 'P' | 'E' | 'I'; year: string; owner: string },
): Promise<string> {
  const column: LedgerColumn = opts.prefix === 'P' ? 'projectNumber' : opts.prefix === 'E' ? 'estimate' : 'invoice';
  const sequence = `${{ P: 'project', E: 'estimate', I: 'invoice' }[opts.prefix]}-${opts.year}`;
  const ledger = new SheetTable(deps.sheets, deps.ledgerSpreadsheetId, LEDGER, 'TASUKI_LEDGER_SPREADSHEET_ID');
  const base = await sequenceBase(deps.store, ledger, { sequence, prefix: opts.prefix, year: opts.year, column });
  const n = await deps.store.claimSequence(sequence, opts.owner);
  return formatLedgerNumber(opts.prefix, opts.year, base + n);
}
