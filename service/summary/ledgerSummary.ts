/**
 * The summary database's arithmetic: ledger rows → per client and month (of the request date)
 * the number of requests, their total amount and the median lead time in days from request to
 * delivery (delivered rows only; null when none is delivered yet). Pure functions, so the job,
 * the tests and any future report agree on one definition.
 */
import type { SummaryRow } from '../../shared/kinds/ledgerSummarize.js';
import { daysBetween } from '../isoDates.js';
import { parseCell } from '../workspace/scheduleDates.js';

export type LedgerProject = {
  projectNumber: string;
  client: string;
  clientEmail: string;
  title: string;
  requestedAt: string;
  month: string;
  amount: number;
  leadDays: number | null;
  status: string;
  folderUrl: string;
};

export function toAmount(raw: string): number {
  const digits = raw.replace(/[¥￥,円\s]/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : 0;
}

/** Ledger row values → a project, or null for rows without a readable request date. */
export function projectFromLedger(values: Record<string, string>): LedgerProject | null {
  const requested = parseCell(values.requestedAt ?? '');
  if (!values.projectNumber?.trim() || !requested) return null;
  const delivered = parseCell(values.deliveredAt ?? '');
  return {
    projectNumber: values.projectNumber.trim(),
    client: (values.client ?? '').trim() || '—',
    clientEmail: (values.clientEmail ?? '').trim(),
    title: (values.title ?? '').trim(),
    requestedAt: requested.date,
    month: requested.date.slice(0, 7),
    amount: toAmount(values.amount ?? ''),
    leadDays: delivered ? daysBetween(requested.date, delivered.date) : null,
    status: (values.status ?? '').trim(),
    folderUrl: (values.folderUrl ?? '').trim(),
  };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per client and month, sorted by client then month. */
export function summarize(projects: LedgerProject[]): SummaryRow[] {
  const groups = new Map<string, LedgerProject[]>();
  for (const p of projects) {
    const key = `${p.client}\u0000${p.month}`;
    const list = groups.get(key) ?? [];
    list.push(p);
    groups.set(key, list);
  }
  return [...groups.values()]
    .map((list) => ({
      client: list[0]!.client,
      month: list[0]!.month,
      count: list.length,
      amount: list.reduce((s, p) => s + p.amount, 0),
      medianLeadDays: median(list.flatMap((p) => (p.leadDays === null ? [] : [p.leadDays]))),
    }))
    .sort((a, b) => (a.client === b.client ? a.month.localeCompare(b.month) : a.client.localeCompare(b.client)));
}

/** Whether a project belongs to the client someone typed: part of the name or e-mail, any case. */
export function matchesClient(p: Pick<LedgerProject, 'client' | 'clientEmail'>, query: string): boolean {
  const q = query.trim().toLowerCase();
  return p.client.toLowerCase().includes(q) || p.clientEmail.toLowerCase().includes(q);
}

/** Per month over all clients (for the chart). */
export function byMonth(rows: SummaryRow[]): Array<{ month: string; count: number; amount: number }> {
  const months = new Map<string, { month: string; count: number; amount: number }>();
  for (const r of rows) {
    const m = months.get(r.month) ?? { month: r.month, count: 0, amount: 0 };
    m.count += r.count;
    m.amount += r.amount;
    months.set(r.month, m);
  }
  return [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
}
