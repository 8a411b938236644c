/**
 * The client directory: who the office's clients are, under one name each, built from the
 * Ledger's client and e-mail columns plus the optional Clients sheet (shared/sheetLayouts.ts
 * CLIENTS: name, aliases, mail domains). Used by project.create (which name a new project's
 * client gets), by ledger.summarize (grouping and /summary <client>) and by GET /v1/clients/match
 * (what the Gmail card suggests).
 *
 * Building (pure, `buildDirectory`):
 * - each Clients row is a client: its name is canonical, its aliases and domains are its own;
 * - each Ledger row joins the client whose name or alias has the same key (clientNames.ts:
 *   legal forms, width and spaces do not matter), else starts a client of its own; a client made
 *   only of Ledger rows is named by its most used spelling (the oldest on a tie);
 * - a Ledger row's e-mail domain becomes one of its client's domains, unless it is a personal
 *   mail domain or the office's own.
 *
 * Matching (`matchClient`) — the sender's domain first, then the names:
 * 1. the e-mail domain (or a parent domain of it) belongs to exactly one client → that client;
 *    to several → the one among them whose name matches, else no match (ambiguous);
 * 2. the company, then the name, has the key of a client's name → by 'name', of an alias → 'alias';
 * 3. otherwise no match, with candidates (names that contain one another) for the user to pick.
 *
 * Reading (`readClientDirectory`): both sheets through the Sheets API; a spreadsheet without a
 * Clients sheet is a directory of the Ledger alone.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { CLIENTS, LEDGER } from '../../shared/sheetLayouts.js';
import { JobFailure } from '../jobFailure.js';
import { statusOf } from '../workspace/googleCall.js';
import { SheetTable } from '../workspace/sheetTable.js';
import { clientKey, mailDomain, PERSONAL_MAIL_DOMAINS } from './clientNames.js';

export type DirectoryClient = {
  /** The one name the office uses for this client. */
  name: string;
  /** Keys of the name and every alias and spelling seen. */
  keys: string[];
  /** Mail domains (lower case). */
  domains: string[];
  /** Ledger rows of this client. */
  projects: number;
  /** True when the Clients sheet names it. */
  listed: boolean;
};
export type ClientDirectory = { clients: DirectoryClient[] };

export type ClientQuery = { name?: string; company?: string; email?: string };
export type MatchedBy = 'domain' | 'name' | 'alias';
export type ClientMatch = { client: DirectoryClient | null; by?: MatchedBy; candidates: string[] };

const splitList = (text: string, separators: RegExp) => text.split(separators).map((s) => s.trim()).filter(Boolean);

type Draft = DirectoryClient & { spellings: Map<string, { count: number; first: number }> };

export function buildDirectory(
  input: { clientsSheet: Array<{ name: string; aliases?: string; domains?: string }>; ledger: Array<{ client: string; clientEmail?: string }> },
  ownDomains: string[] = [],
): ClientDirectory {
  const ignored = new Set([...PERSONAL_MAIL_DOMAINS, ...ownDomains.map((d) => d.toLowerCase())]);
  const drafts: Draft[] = [];
  const byKey = new Map<string, Draft>();
  const addKey = (d: Draft, key: string) => {
    if (!key || d.keys.includes(key)) return;
    d.keys.push(key);
    if (!byKey.has(key)) byKey.set(key, d);
  };
  const addDomain = (d: Draft, raw: string) => {
    const domain = mailDomain(raw);
    if (domain && !ignored.has(domain) && !d.domains.includes(domain)) d.domains.push(domain);
  };

  for (const row of input.clientsSheet) {
    const name = row.name.trim();
    if (!name) continue;
    const existing = byKey.get(clientKey(name));
    const d: Draft = existing ?? { name, keys: [], domains: [], projects: 0, listed: true, spellings: new Map() };
    if (!existing) drafts.push(d);
    addKey(d, clientKey(name));
    for (const alias of splitList(row.aliases ?? '', /[,、，;；\n]/)) addKey(d, clientKey(alias));
    for (const domain of splitList(row.domains ?? '', /[,、，;；\s]+/)) addDomain(d, domain);
  }

  input.ledger.forEach((row, index) => {
    const spelling = row.client.trim();
    if (!spelling) return;
    const key = clientKey(spelling);
    let d = byKey.get(key);
    if (!d) {
      d = { name: spelling, keys: [], domains: [], projects: 0, listed: false, spellings: new Map() };
      drafts.push(d);
      addKey(d, key);
    }
    d.projects++;
    const seen = d.spellings.get(spelling) ?? { count: 0, first: index };
    seen.count++;
    d.spellings.set(spelling, seen);
    addDomain(d, row.clientEmail ?? '');
  });

  return {
    clients: drafts.map(({ spellings, ...d }) => {
      if (d.listed || spellings.size === 0) return d;
      const [name] = [...spellings.entries()].sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first)[0]!;
      return { ...d, name };
    }),
  };
}

function byDomain(directory: ClientDirectory, domain: string): DirectoryClient[] {
  if (!domain) return [];
  return directory.clients.filter((c) => c.domains.some((d) => domain === d || domain.endsWith(`.${d}`)));
}

export function matchClient(directory: ClientDirectory, query: ClientQuery, ownDomains: string[] = []): ClientMatch {
  const domain = mailDomain(query.email);
  const ignored = PERSONAL_MAIL_DOMAINS.has(domain) || ownDomains.map((d) => d.toLowerCase()).includes(domain);
  const keys = [query.company, query.name].map((n) => (n?.trim() ? clientKey(n) : '')).filter(Boolean);
  const named = (pool: DirectoryClient[]): { client: DirectoryClient; by: MatchedBy } | null => {
    for (const key of keys) {
      const client = pool.find((c) => c.keys.includes(key));
      if (client) return { client, by: client.keys[0] === key ? 'name' : 'alias' };
    }
    return null;
  };

  const sameDomain = ignored ? [] : byDomain(directory, domain);
  if (sameDomain.length === 1) return { client: sameDomain[0]!, by: 'domain', candidates: [] };
  const found = named(sameDomain.length > 1 ? sameDomain : directory.clients) ?? (sameDomain.length > 1 ? named(directory.clients) : null);
  if (found) return { ...found, candidates: [] };

  const similar = directory.clients.filter((c) => keys.some((k) => k.length >= 2 && c.keys.some((ck) => ck.length >= 2 && (ck.includes(k) || k.includes(ck)))));
  const candidates = [...new Set([...sameDomain, ...similar].map((c) => c.name))].slice(0, 5);
  return { client: null, candidates };
}

/** The client a Ledger spelling belongs to (for grouping): by its key, else itself. */
export function canonicalName(directory: ClientDirectory, spelling: string): string {
  const key = clientKey(spelling);
  return directory.clients.find((c) => c.keys.includes(key))?.name ?? spelling.trim();
}

/** Reads the Ledger and the (optional) Clients sheet of the ledger spreadsheet. */
export async function readClientDirectory(sheets: sheets_v4.Sheets, ledgerSpreadsheetId: string, ownDomains: string[] = []): Promise<ClientDirectory> {
  const ledger = new SheetTable(sheets, ledgerSpreadsheetId, LEDGER, 'TASUKI_LEDGER_SPREADSHEET_ID');
  const [ledgerRows, clientRows] = await Promise.all([ledger.readRows(), readClientsSheet(sheets, ledgerSpreadsheetId)]);
  return buildDirectory(
    { clientsSheet: clientRows, ledger: ledgerRows.map((r) => ({ client: r.values.client, clientEmail: r.values.clientEmail })) },
    ownDomains,
  );
}

/**
 * Rows of the Clients sheet, or none when the spreadsheet has no such sheet. Read by header like
 * every sheet the office edits (SheetTable): a sheet missing the name, alias or domain header
 * fails naming it (the notes column is the office's and may be left out).
 */
export async function readClientsSheet(sheets: sheets_v4.Sheets, spreadsheetId: string): Promise<Array<{ name: string; aliases: string; domains: string }>> {
  try {
    const rows = await new SheetTable(sheets, spreadsheetId, CLIENTS, 'TASUKI_LEDGER_SPREADSHEET_ID').readRows(['name', 'aliases', 'domains']);
    return rows.map(({ values }) => ({ name: values.name, aliases: values.aliases, domains: values.domains }));
  } catch (err) {
    // Google answers 400 "Unable to parse range" for a sheet that does not exist.
    if (err instanceof JobFailure && err.code === 'google_bad_request') return [];
    throw err;
  }
}

/**
 * Adds a client the user confirmed as new to the Clients sheet (making the sheet, with its
 * header, when the spreadsheet has none). Keyed by name: a retried call finds its row.
 */
export async function addConfirmedClient(sheets: sheets_v4.Sheets, spreadsheetId: string, client: { name: string; domain?: string; note: string }): Promise<{ row: number; created: boolean }> {
  try {
    await sheets.spreadsheets.values.get({ spreadsheetId, range: `'${CLIENTS.sheetName}'!A1:${CLIENTS.lastLetter}1` });
  } catch (err) {
    if (statusOf(err) !== 400) throw err;
    await sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: CLIENTS.sheetName } } }] } }).catch((addErr: unknown) => {
      // Another writer made it in between: Google says the name is taken (400).
      if (statusOf(addErr) !== 400) throw addErr;
    });
    await sheets.spreadsheets.values.update({ spreadsheetId, range: `'${CLIENTS.sheetName}'!A1`, valueInputOption: 'RAW', requestBody: { values: [CLIENTS.headers] } });
  }
  const table = new SheetTable(sheets, spreadsheetId, CLIENTS, 'TASUKI_LEDGER_SPREADSHEET_ID');
  return table.appendKeyed('name', { name: client.name, aliases: '', domains: client.domain ?? '', notes: client.note });
}
