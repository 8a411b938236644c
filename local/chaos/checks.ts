/**
 * The chaos suite's verdict: pure functions from what the job store holds (storeReader.ts) and
 * what Workspace shows before and after the run (sandboxReader.ts) to counts and examples. No
 * I/O, so each rule is tested on its own (test/chaos-checks.test.ts).
 *
 * Rules, and exactly what counts:
 * - stranded: a job whose status is not terminal (succeeded, failed, canceled). Of those,
 *   `strandedIdle` counts the ones whose record has not changed for STUCK_AFTER_MS (two leases
 *   plus two sweeps and more) and that have no task in the emulator: stuck, as opposed to a
 *   backlog still waiting for a dispatch slot (a task exists) or being worked off.
 * - abandoned: a failed job whose error code is `abandoned` (the reconciler gave up on it).
 * - unreported: a terminal job with a Chat reply target whose reply message (the app's message in
 *   that space with client id `client-<job id>` or a card `job-<job id>`) is missing, or shows a
 *   status other than the job's (its card header / text carries "<symbol> <label>" of a status in
 *   the job's language; "🔄 Running" on a failed job is unreported). Likewise a terminal job with
 *   a sheet reply target whose row carries no status cell of its final status (checked only when
 *   one job alone targets that row, as several jobs writing one cell end in whichever wrote last).
 * - duplicates, each an item beyond the first sharing a key (any of the keys listed):
 *   - driveFiles: non-trashed files with the same appProperties (tasukiJob, tasukiKey); files
 *     made during the run without tags, with the same (first parent, name, mimeType).
 *   - ledgerRows: Ledger rows with the same job id (the last column).
 *   - intakeRows: Intake rows with the same intake id.
 *   - scheduleRows: Schedule rows with the same row key; rows with the same job id (project.create
 *     adds one row per job, keyed by it).
 *   - calendarEvents: non-cancelled events tagged tasukiRowKey with the same row key; or with the
 *     same (summary, start, end) — one schedule row shown twice under two keys.
 *   - gmailDrafts: drafts in one mailbox whose subjects carry the same document number (the key
 *     billing.document finds its draft by).
 *   - chatMessages: the app's messages made during the run, in one space, about the same thing:
 *     the same client id; or the same entity card (`job-…`, `project-…`, `intake-…`); or, for
 *     messages without either, the same (card id, text). (Two jobs asking the same question, e.g.
 *     two searches for "Menu", post two equal answers under two client ids: not duplicates.)
 *   - numbers: a project number on two Ledger rows; a document number (E-/I-YYYY-NNN) in the
 *     names of the PDFs of two different jobs; a number in two succeeded jobs' results that
 *     issued it (a billing.document result with outcome "existing" shows a document an earlier
 *     job issued — the product's answer to a second /invoice — and issues nothing).
 * - numberGaps: per sequence (P/E/I and year), numbers above the pre-run ledger's highest and
 *   below the highest issued in the run that no Workspace record carries. A gap is explained when
 *   the store's claim on that number belongs to a failed or canceled job, held when it belongs
 *   to a job not finished yet (stranded), and unexplained otherwise (no claim, or a succeeded
 *   job's number that Workspace lost).
 * - failuresWithoutMessage: failed jobs without an error code, or whose message is empty or reads
 *   like internals (a stack trace, a bare exception) rather than a sentence for office staff.
 */
import { STATE_LABELS, STATE_SYMBOLS, type DisplayState } from '../../shared/messages.js';
import { INTAKE, LEDGER, SCHEDULE, type Column } from '../../shared/sheetLayouts.js';
import type { ChatMessage } from '../sandbox/chatApi.js';
import type { SheetGrid, WorkspaceView } from './sandboxReader.js';
import { taskIdFor } from '../../service/queue/taskId.js';
import type { ObservedJob, SequenceClaim } from './storeReader.js';

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);
const STATUSES = ['succeeded', 'failed', 'canceled', 'running', 'queued'] as const;
type Status = (typeof STATUSES)[number];
const EXAMPLES = 20;
/** A non-terminal job untouched this long is stuck, not merely waiting its turn. */
export const STUCK_AFTER_MS = 120_000;

export type DuplicateCounts = {
  driveFiles: number;
  ledgerRows: number;
  intakeRows: number;
  scheduleRows: number;
  calendarEvents: number;
  chatMessages: number;
  gmailDrafts: number;
  numbers: number;
};

export type Verdict = {
  jobs: number;
  succeeded: number;
  failed: number;
  abandoned: number;
  canceled: number;
  stranded: number;
  strandedIdle: number;
  unreported: number;
  duplicates: DuplicateCounts & { total: number };
  numberGaps: { total: number; explained: number; heldByUnfinished: number; unexplained: number };
  failuresWithoutMessage: number;
  failuresByCode: Record<string, number>;
  strandedJobs: Array<{ id: string; kind: string; status: string; idleSeconds?: number; attempts?: number; generation?: number; recoveries?: number; leaseUntil?: string; taskExists?: boolean; error?: string }>;
  /** `engineSays`: the job record's report state (owed/delivered/failed), for diagnosis only. */
  unreportedJobs: Array<{ id: string; kind: string; status: string; target: 'chat' | 'sheet'; why: string; engineSays?: string }>;
  duplicateExamples: Array<{ type: keyof DuplicateCounts; key: string; count: number }>;
  gapExamples: Array<{ sequence: string; number: number; owner?: string; ownerStatus?: string; kind: 'explained' | 'held' | 'unexplained' }>;
  badFailures: Array<{ id: string; kind: string; error?: ObservedJob['error'] }>;
};

export type CheckInput = {
  jobs: ObservedJob[];
  claims: SequenceClaim[];
  before: WorkspaceView;
  after: WorkspaceView;
  /** Task names the emulator still holds, to tell "no task left" from "still retrying" for stranded jobs. */
  emulatorTasks?: Set<string>;
  /** When the snapshot was taken (for how long stranded jobs have been idle). */
  now?: Date;
  /**
   * The language tasuki writes into the office's shared sheets (TASUKI_SHEET_LOCALE): a status
   * cell is in the office's language whoever asked. Without it, the requester's language.
   */
  sheetLocale?: 'ja' | 'en';
};

/** "<symbol> <label>" of a status in a language, as the job card and the status cell show it. */
export function statusMarker(status: Status | DisplayState, locale: 'ja' | 'en'): string {
  return `${STATE_SYMBOLS[status]} ${STATE_LABELS[status][locale]}`;
}

/** A job's display states (shared/cards/jobDisplay.ts): a retrying job is queued, a canceling one running. */
const SHOWN_AS: Array<[DisplayState, Status]> = [
  ['retrying', 'queued'],
  ['canceling', 'running'],
];

/** Which status a reply message shows: its card header's subtitle first, else its text. */
export function statusShown(message: Pick<ChatMessage, 'text' | 'cardsV2'>, locale: 'ja' | 'en'): Status | null {
  const card = (message.cardsV2?.[0] as { card?: { header?: { subtitle?: string } } } | undefined)?.card;
  const subtitle = card?.header?.subtitle ?? '';
  const text = message.text ?? '';
  for (const place of [subtitle, text]) {
    for (const s of STATUSES) if (place.includes(statusMarker(s, locale))) return s;
    for (const [state, s] of SHOWN_AS) if (place.includes(statusMarker(state, locale))) return s;
  }
  return null;
}

/** The Chat messages that are job `id`'s own reply. */
export function replyMessagesOf(messages: ChatMessage[], jobId: string, space: string): ChatMessage[] {
  return messages.filter(
    (m) =>
      m.space.name === space &&
      m.sender.type === 'BOT' &&
      (m.clientAssignedMessageId === `client-${jobId}` || (m.cardsV2 ?? []).some((c) => (c as { cardId?: string }).cardId === `job-${jobId}`)),
  );
}

/** Items beyond the first under any of the keys (a key of null = not keyed that way). */
export function extras<T>(items: T[], keys: Array<(item: T) => string | null>): { extra: Set<T>; groups: Array<{ key: string; count: number }> } {
  const extra = new Set<T>();
  const groups: Array<{ key: string; count: number }> = [];
  keys.forEach((keyOf, k) => {
    const byKey = new Map<string, T[]>();
    for (const item of items) {
      const key = keyOf(item);
      if (key === null) continue;
      const list = byKey.get(key) ?? [];
      list.push(item);
      byKey.set(key, list);
    }
    for (const [key, list] of byKey) {
      if (list.length < 2) continue;
      groups.push({ key: `${k}:${key}`, count: list.length });
      for (const item of list.slice(1)) extra.add(item);
    }
  });
  return { extra, groups };
}

/** Column index of a layout's column, by its header in row 1 (falls back to the layout's order). */
function columnOf(grid: SheetGrid, columns: readonly Column[], key: string): number {
  const header = grid.rows[0] ?? [];
  const col = columns.find((c) => c.key === key)!;
  const found = header.indexOf(col.header);
  return found >= 0 ? found : columns.indexOf(col);
}

type Row = { row: number; cells: string[] };
function dataRows(grid: SheetGrid): Row[] {
  return grid.rows.slice(1).map((cells, i) => ({ row: i + 2, cells }));
}
const cell = (r: Row, index: number): string => (r.cells[index] ?? '').trim();
const nonEmpty = (s: string): string | null => (s ? s : null);

const NUMBER = /\b([PEI])-(\d{4})-(\d{3,})\b/;
const SEQUENCE_OF_PREFIX: Record<string, string> = { P: 'project', E: 'estimate', I: 'invoice' };

function parseNumber(text: string): { sequence: string; prefix: string; year: string; n: number } | null {
  const m = NUMBER.exec(text);
  if (!m) return null;
  return { sequence: `${SEQUENCE_OF_PREFIX[m[1]!]}-${m[2]}`, prefix: m[1]!, year: m[2]!, n: Number(m[3]) };
}

/** Internals, not a sentence for office staff. */
function readsLikeInternals(message: string): boolean {
  return /\n\s+at\s/.test(message) || /^(Error|TypeError|RangeError|SyntaxError|ReferenceError)\b/.test(message) || /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)\b/.test(message) || /\[object Object\]|undefined is not/.test(message);
}

export function judge(input: CheckInput): Verdict {
  const { jobs, claims, before, after } = input;
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const count = (p: (j: ObservedJob) => boolean) => jobs.filter(p).length;

  // --- end states
  const now = (input.now ?? new Date()).getTime();
  const idleMs = (j: ObservedJob) => (j.updatedAt ? now - Date.parse(j.updatedAt) : Infinity);
  // A job's task name is derived from (id, generation), never stored: match on the task id.
  const emulatorTaskIds = new Set([...(input.emulatorTasks ?? [])].map((name) => name.slice(name.lastIndexOf('/') + 1)));
  const hasTask = (j: ObservedJob) => emulatorTaskIds.has(taskIdFor(j.id, j.generation ?? 1));
  // Idle ones first: they are the stuck ones worth reading.
  const stranded = jobs.filter((j) => !TERMINAL.has(j.status)).sort((a, b) => idleMs(b) - idleMs(a));
  const failed = jobs.filter((j) => j.status === 'failed');
  const failuresByCode: Record<string, number> = {};
  for (const j of failed) failuresByCode[j.error?.code || '(none)'] = (failuresByCode[j.error?.code || '(none)'] ?? 0) + 1;
  const badFailures = failed.filter((j) => !j.error?.code || !j.error.message?.trim() || readsLikeInternals(j.error.message));

  // --- reports
  const unreportedJobs: Verdict['unreportedJobs'] = [];
  const sheetTargets = new Map<string, number>();
  for (const j of jobs) if (j.reply?.sheet) sheetTargets.set(sheetKey(j.reply.sheet), (sheetTargets.get(sheetKey(j.reply.sheet)) ?? 0) + 1);
  for (const j of jobs) {
    if (!TERMINAL.has(j.status)) continue;
    const status = j.status as Status;
    const chat = j.reply?.chat;
    if (chat) {
      const mine = replyMessagesOf(after.chatMessages, j.id, chat.space);
      if (mine.length === 0) unreportedJobs.push({ id: j.id, kind: j.kind, status, target: 'chat', why: 'no reply message' });
      else {
        const shown = mine.map((m) => statusShown(m, j.locale));
        if (!shown.includes(status)) unreportedJobs.push({ id: j.id, kind: j.kind, status, target: 'chat', why: `message shows ${shown.map((s) => s ?? 'no status').join(', ')}` });
      }
    }
    const sheet = j.reply?.sheet;
    if (sheet && sheetTargets.get(sheetKey(sheet)) === 1) {
      const grid = (after.sheets as Record<string, SheetGrid | undefined>)[sheet.sheetName];
      if (!grid) continue; // a sheet this suite does not read
      const cells = grid.rows[sheet.row - 1] ?? [];
      const shown = STATUSES.filter((s) => cells.some((c) => c.startsWith(statusMarker(s, input.sheetLocale ?? j.locale))));
      if (!shown.includes(status)) unreportedJobs.push({ id: j.id, kind: j.kind, status, target: 'sheet', why: shown.length ? `row ${sheet.row} shows ${shown.join(', ')}` : `row ${sheet.row} has no status` });
    }
  }
  const unreportedIds = new Set(unreportedJobs.map((u) => u.id));

  // --- duplicates
  const duplicateExamples: Verdict['duplicateExamples'] = [];
  const note = (type: keyof DuplicateCounts, groups: Array<{ key: string; count: number }>) => {
    for (const g of groups) if (duplicateExamples.length < EXAMPLES) duplicateExamples.push({ type, key: g.key, count: g.count });
  };
  const seedFiles = new Set(before.driveFiles.map((f) => f.id));
  const drive = extras(
    after.driveFiles.filter((f) => !f.trashed),
    [
      (f) => (f.appProperties?.tasukiJob ? `${f.appProperties.tasukiJob}/${f.appProperties.tasukiKey ?? ''}` : null),
      (f) => (!f.appProperties?.tasukiJob && !seedFiles.has(f.id) ? `${f.parents[0] ?? ''}/${f.name}/${f.mimeType}` : null),
    ],
  );
  note('driveFiles', drive.groups);

  const ledger = after.sheets.Ledger;
  const ledgerJob = columnOf(ledger, LEDGER.columns, 'jobId');
  const ledgerNumber = columnOf(ledger, LEDGER.columns, 'projectNumber');
  const ledgerRows = extras(dataRows(ledger), [(r) => nonEmpty(cell(r, ledgerJob))]);
  note('ledgerRows', ledgerRows.groups);

  const intake = after.sheets.Intake;
  const intakeRows = extras(dataRows(intake), [(r) => nonEmpty(cell(r, columnOf(intake, INTAKE.columns, 'intakeId')))]);
  note('intakeRows', intakeRows.groups);

  const schedule = after.sheets.Schedule;
  const scheduleRows = extras(dataRows(schedule), [
    (r) => nonEmpty(cell(r, columnOf(schedule, SCHEDULE.columns, 'rowKey'))),
    (r) => nonEmpty(cell(r, columnOf(schedule, SCHEDULE.columns, 'jobId'))),
  ]);
  note('scheduleRows', scheduleRows.groups);

  const tagged = after.calendarEvents.filter((e) => e.status !== 'cancelled' && e.extendedProperties?.private?.tasukiRowKey);
  const timeOf = (t: { date?: string; dateTime?: string }) => t.dateTime ?? t.date ?? '';
  const calendar = extras(tagged, [
    (e) => e.extendedProperties!.private!.tasukiRowKey!,
    (e) => `${e.summary ?? ''}|${timeOf(e.start)}|${timeOf(e.end)}`,
  ]);
  note('calendarEvents', calendar.groups);

  const seedMessages = new Set(before.chatMessages.map((m) => m.name));
  const entityCard = (m: ChatMessage): string | null => {
    const id = (m.cardsV2?.[0] as { cardId?: string } | undefined)?.cardId ?? '';
    return /^(job|project|intake)-/.test(id) ? id : null;
  };
  const chat = extras(
    after.chatMessages.filter((m) => m.sender.type === 'BOT' && !seedMessages.has(m.name)),
    [
      (m) => (m.clientAssignedMessageId ? `${m.space.name}/${m.clientAssignedMessageId}` : null),
      (m) => (entityCard(m) ? `${m.space.name}/${entityCard(m)}` : null),
      // Messages posted without a client id (messages.create) have only their content to go by.
      (m) => (entityCard(m) || m.clientAssignedMessageId ? null : `${m.space.name}/${(m.cardsV2?.[0] as { cardId?: string } | undefined)?.cardId ?? ''}/${m.text ?? ''}`),
    ],
  );
  note('chatMessages', chat.groups);

  const drafts = extras(after.gmailDrafts, [(d) => {
    const p = parseNumber(d.subject);
    return p ? `${d.user}/${p.prefix}-${p.year}-${p.n}` : null;
  }]);
  note('gmailDrafts', drafts.groups);

  // Numbers: who carries which number in Workspace (this run's records only).
  const runJobIds = new Set(jobs.map((j) => j.id));
  const visible = new Map<string, Set<number>>(); // sequence → numbers Workspace carries
  const see = (sequence: string, n: number) => {
    const set = visible.get(sequence) ?? new Set<number>();
    set.add(n);
    visible.set(sequence, set);
  };
  const numberCarriers: Array<{ key: string; owner: string }> = [];
  for (const r of dataRows(ledger)) {
    const p = parseNumber(cell(r, ledgerNumber));
    if (!p || p.prefix !== 'P' || !runJobIds.has(cell(r, ledgerJob))) continue;
    see(p.sequence, p.n);
    numberCarriers.push({ key: `${p.prefix}-${p.year}-${p.n}`, owner: `ledger-row-${r.row}` });
  }
  const pdfOwners = new Map<string, Set<string>>();
  for (const f of after.driveFiles) {
    if (f.trashed || f.appProperties?.tasukiKey !== 'billing-pdf' || !runJobIds.has(f.appProperties.tasukiJob ?? '')) continue;
    const p = parseNumber(f.name);
    if (!p) continue;
    see(p.sequence, p.n);
    const key = `${p.prefix}-${p.year}-${p.n}`;
    const owners = pdfOwners.get(key) ?? new Set<string>();
    owners.add(f.appProperties.tasukiJob!);
    pdfOwners.set(key, owners);
  }
  for (const [key, owners] of pdfOwners) for (const owner of owners) numberCarriers.push({ key, owner: `pdf-of-${owner}` });
  for (const j of jobs) {
    if (j.status !== 'succeeded') continue;
    const r = j.result as { projectNumber?: unknown; documentNumber?: unknown; outcome?: unknown } | undefined;
    for (const v of [r?.projectNumber, r?.outcome === 'existing' ? undefined : r?.documentNumber]) {
      const p = typeof v === 'string' ? parseNumber(v) : null;
      if (p) numberCarriers.push({ key: `${p.prefix}-${p.year}-${p.n}`, owner: `result-of-${j.id}` });
    }
  }
  // A number is duplicated when two carriers of the same kind (two rows, two jobs' PDFs, two results) hold it.
  const numbers = extras(numberCarriers, [(c) => `${c.owner.replace(/-.*$/, '')}:${c.key}`]);
  note('numbers', numbers.groups);

  // --- number gaps
  const gapExamples: Verdict['gapExamples'] = [];
  const baseOf = (sequence: string): number => {
    const [name, year] = sequence.split('-') as [string, string];
    const prefix = Object.entries(SEQUENCE_OF_PREFIX).find(([, v]) => v === name)![0];
    const column = columnOf(before.sheets.Ledger, LEDGER.columns, prefix === 'P' ? 'projectNumber' : prefix === 'E' ? 'estimate' : 'invoice');
    let base = 0;
    for (const r of dataRows(before.sheets.Ledger)) {
      const p = parseNumber(cell(r, column));
      if (p && p.prefix === prefix && p.year === year) base = Math.max(base, p.n);
    }
    return base;
  };
  let explained = 0;
  let held = 0;
  let unexplained = 0;
  for (const [sequence, seen] of visible) {
    const base = baseOf(sequence);
    const top = Math.max(...seen);
    for (let n = base + 1; n < top; n++) {
      if (seen.has(n)) continue;
      const claim = claims.find((c) => c.sequence === sequence && (c.base ?? base) + c.n === n);
      const owner = claim ? byId.get(claim.owner) : undefined;
      const kind: 'explained' | 'held' | 'unexplained' =
        owner && (owner.status === 'failed' || owner.status === 'canceled') ? 'explained' : owner && !TERMINAL.has(owner.status) ? 'held' : 'unexplained';
      if (kind === 'explained') explained++;
      else if (kind === 'held') held++;
      else unexplained++;
      if (gapExamples.length < EXAMPLES) gapExamples.push({ sequence, number: n, ...(claim ? { owner: claim.owner } : {}), ...(owner ? { ownerStatus: owner.status } : {}), kind });
    }
  }

  const duplicates: DuplicateCounts = {
    driveFiles: drive.extra.size,
    ledgerRows: ledgerRows.extra.size,
    intakeRows: intakeRows.extra.size,
    scheduleRows: scheduleRows.extra.size,
    calendarEvents: calendar.extra.size,
    chatMessages: chat.extra.size,
    gmailDrafts: drafts.extra.size,
    numbers: numbers.extra.size,
  };
  return {
    jobs: jobs.length,
    succeeded: count((j) => j.status === 'succeeded'),
    failed: failed.length,
    abandoned: count((j) => j.status === 'failed' && j.error?.code === 'abandoned'),
    canceled: count((j) => j.status === 'canceled'),
    stranded: stranded.length,
    strandedIdle: stranded.filter((j) => idleMs(j) >= STUCK_AFTER_MS && !hasTask(j)).length,
    unreported: unreportedIds.size,
    duplicates: { ...duplicates, total: Object.values(duplicates).reduce((a, b) => a + b, 0) },
    numberGaps: { total: explained + held + unexplained, explained, heldByUnfinished: held, unexplained },
    failuresWithoutMessage: badFailures.length,
    failuresByCode,
    strandedJobs: stranded.slice(0, EXAMPLES).map((j) => ({
      id: j.id,
      kind: j.kind,
      status: j.status,
      ...(Number.isFinite(idleMs(j)) ? { idleSeconds: Math.round(idleMs(j) / 1000) } : {}),
      ...(j.attempts !== undefined ? { attempts: j.attempts } : {}),
      ...(j.generation !== undefined ? { generation: j.generation } : {}),
      ...(j.recoveries !== undefined ? { recoveries: j.recoveries } : {}),
      ...(j.lease?.until ? { leaseUntil: j.lease.until } : {}),
      ...(input.emulatorTasks ? { taskExists: hasTask(j) } : {}),
      ...(j.error ? { error: `${j.error.code}: ${j.error.message}` } : {}),
    })),
    unreportedJobs: unreportedJobs.slice(0, EXAMPLES).map((u) => {
      const report = byId.get(u.id)?.report;
      return report?.state ? { ...u, engineSays: `${report.state}${report.error ? ` (${report.error.code}: ${report.error.message})` : ''}` } : u;
    }),
    duplicateExamples,
    gapExamples,
    badFailures: badFailures.slice(0, EXAMPLES).map((j) => ({ id: j.id, kind: j.kind, ...(j.error ? { error: j.error } : {}) })),
  };
}

function sheetKey(s: { spreadsheetId: string; sheetName: string; row: number }): string {
  return `${s.spreadsheetId}/${s.sheetName}/${s.row}`;
}

