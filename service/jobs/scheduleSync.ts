/**
 * `schedule.sync`: Schedule sheet rows ⇄ Google Calendar events.
 *
 * Input: ScheduleSyncInput: optional spreadsheetId / sheetName / calendarId (defaults:
 * TASUKI_SCHEDULE_SPREADSHEET_ID, the "Schedule" sheet, TASUKI_CALENDAR_ID).
 * Reads: the Schedule sheet (shared/sheetLayouts.ts SCHEDULE) and the calendar's events.
 * Writes: one event per dated row, with an id derived from the row's key (base32hex of a hash,
 * as Calendar requires for client-chosen ids); `cancelled` status on events whose row is gone;
 * per row, the event link and a sync status (or the error), in the office's sheet language
 * (TASUKI_SHEET_LOCALE) alone, back into the sheet; missing row keys.
 *
 * Steps:
 * 1. keys        rows without a row key get one derived from (job id, row number) and written
 *                back; derived, so writing them again writes the same values.
 * 2. rows:<n>    each chunk of rows: the event under its derived id (from one events.list per
 *                delivery, not a get per row), inserted (409 → it exists) or patched when it differs (workspace/scheduleEvents.ts, which project.create
 *                uses too for a new project's milestone). Events remember in private extended
 *                properties who created/last changed them, so after a crash between the Calendar
 *                call and the step record the counts still say "created"/"updated".
 * 3. cancel      events tagged with a row key that is no longer in the sheet (read again after
 *                listing the events, so rows added during the sync count) are patched to
 *                status=cancelled (already-cancelled ones are left alone).
 * 4. writeback   event links and statuses written per row (idempotent overwrite).
 * Bad dates are reported by row number (result.errors and the row's status cell), never skipped.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { createHash } from 'node:crypto';
import { ScheduleSyncInput, type ScheduleSyncResult } from '../../shared/kinds/scheduleSync.js';
import { SCHEDULE } from '../../shared/sheetLayouts.js';
import { phrase, SHEET_TEXTS } from '../../shared/messages.js';
import type { Locale } from '../../shared/locale.js';
import type { JobContext, JobHandler } from '../worker/jobHandler.js';
import { callGoogle } from '../workspace/googleCall.js';
import { parseSpan } from '../workspace/scheduleDates.js';
import { calendarFixes, eventIdFor, upsertRowEvent } from '../workspace/scheduleEvents.js';
import { SheetTable } from '../workspace/sheetTable.js';
import { say } from '../workspace/say.js';

type Ctx = JobContext<ScheduleSyncInput>;
type Outcome = 'created' | 'updated' | 'unchanged' | 'error';
type RowState = { row: number; rowKey: string; projectNumber: string; title: string; start: string; end: string; assignee: string; notes: string };
type RowResult = { row: number; outcome: Outcome; link?: string; message?: { ja: string; en: string } };

const CHUNK = 10;

function rowKeyFor(jobId: string, row: number): string {
  return `row-${createHash('sha256').update(`${jobId}:${row}`).digest('hex').slice(0, 12)}`;
}

async function syncRow(ctx: Ctx, calendarId: string, row: RowState, listed: Map<string, calendar_v3.Schema$Event>): Promise<RowResult> {
  const parsed = parseSpan(row.start, row.end, ctx.config.timezone);
  if (!parsed.ok) return { row: row.row, outcome: 'error', message: parsed.message };
  // Not listed → insert (a 409 means it appeared since the listing: upsertRowEvent then patches).
  const known = listed.get(eventIdFor(row.rowKey)) ?? null;
  return { row: row.row, ...(await upsertRowEvent(ctx.google.calendar, calendarId, row, parsed.span, ctx.job.id, ctx.config.sheetLocale, known)) };
}

async function listTaggedEvents(calendar: calendar_v3.Calendar, calendarId: string): Promise<calendar_v3.Schema$Event[]> {
  const events: calendar_v3.Schema$Event[] = [];
  let pageToken: string | undefined;
  do {
    const res = await callGoogle('calendar.events.list', () => calendar.events.list({ calendarId, showDeleted: true, maxResults: 250, pageToken }), calendarFixes(calendarId));
    for (const e of res.data.items ?? []) if (e.extendedProperties?.private?.tasukiRowKey) events.push(e);
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return events;
}

/** The row's sync column, in the office's sheet language (TASUKI_SHEET_LOCALE) alone. */
function statusText(r: RowResult, at: string, locale: Locale): string {
  if (r.outcome === 'error') return phrase(locale, SHEET_TEXTS.syncError, { message: r.message![locale] });
  return phrase(locale, SHEET_TEXTS.synced, { at });
}

async function run(ctx: Ctx): Promise<ScheduleSyncResult> {
  const { input, config, google, job } = ctx;
  const spreadsheetId = input.spreadsheetId ?? config.scheduleSpreadsheetId;
  const calendarId = input.calendarId ?? config.calendarId;
  const layout = { ...SCHEDULE, sheetName: input.sheetName ?? SCHEDULE.sheetName };
  const table = new SheetTable(google.sheets, spreadsheetId, layout, 'TASUKI_SCHEDULE_SPREADSHEET_ID');

  const rows = await ctx.step('keys', async () => {
    const all = await table.readRows();
    const live = all.filter((r) => r.values.title.trim() || r.values.start.trim() || r.values.projectNumber.trim());
    const missing = live.filter((r) => !r.values.rowKey.trim());
    await table.updateRows(missing.map((r) => ({ row: r.row, record: { rowKey: rowKeyFor(job.id, r.row) } })));
    return live.map((r): RowState => ({
      row: r.row,
      rowKey: r.values.rowKey.trim() || rowKeyFor(job.id, r.row),
      projectNumber: r.values.projectNumber.trim(),
      title: r.values.title.trim(),
      start: r.values.start,
      end: r.values.end,
      assignee: r.values.assignee.trim(),
      notes: r.values.notes.trim(),
    }));
  });
  const chunks = Math.ceil(rows.length / CHUNK);
  const total = chunks + 2;
  await ctx.progress(0, total, say(ctx, `${rows.length} 行`, `${rows.length} rows`));

  // The calendar's tasuki events, listed once per delivery when a chunk first needs them (a
  // listing is a read, so it is not a step: a redelivery lists again).
  let listing: Promise<Map<string, calendar_v3.Schema$Event>> | undefined;
  const listed = () => (listing ??= listTaggedEvents(google.calendar, calendarId).then((events) => new Map(events.map((e) => [e.id!, e]))));
  const results: RowResult[] = [];
  for (let c = 0; c < chunks; c++) {
    const part = await ctx.step(`rows:${c}`, async () => {
      const out: RowResult[] = [];
      const events = await listed();
      for (const row of rows.slice(c * CHUNK, (c + 1) * CHUNK)) out.push(await syncRow(ctx, calendarId, row, events));
      return out;
    });
    results.push(...part);
    await ctx.progress(c + 1, total, say(ctx, `${Math.min(rows.length, (c + 1) * CHUNK)}/${rows.length} 行`, `${Math.min(rows.length, (c + 1) * CHUNK)}/${rows.length} rows`));
  }

  const cancelled = await ctx.step('cancel', async () => {
    // Events first, then the sheet's row keys read afresh. The keys step's snapshot may be minutes
    // old (or an earlier delivery's), and project.create adds a row and then its event while a
    // sync runs: judged by the snapshot, that new event's row looks deleted and the sync would
    // cancel a new project's due date. Since a row is always written before its event, every
    // event listed here has its row in this later read; only rows really gone are cancelled.
    // The delivery's listing serves: it was taken before the read below, which is all the order
    // above needs (events the rows steps inserted have their keys in `rows`).
    const events = [...(await listed()).values()];
    const current = await table.readRows();
    const keys = new Set([...rows.map((r) => r.rowKey), ...current.map((r) => r.values.rowKey.trim()).filter(Boolean)]);
    let count = 0;
    for (const event of events) {
      const props = event.extendedProperties!.private!;
      if (keys.has(props.tasukiRowKey!)) continue;
      if (event.status === 'cancelled') {
        if (props.tasukiUpdatedBy === job.id) count++;
        continue;
      }
      await callGoogle('calendar.events.patch (cancel)', () =>
        google.calendar.events.patch({ calendarId, eventId: event.id!, requestBody: { status: 'cancelled', extendedProperties: { private: { ...props, tasukiUpdatedBy: job.id } } } }),
      calendarFixes(calendarId));
      count++;
    }
    return count;
  });
  await ctx.progress(chunks + 1, total, say(ctx, `${cancelled} 件を取消`, `${cancelled} cancelled`));

  await ctx.step('writeback', async () => {
    const at = new Date(job.createdAt).toLocaleString('sv-SE', { timeZone: config.timezone }).slice(0, 16);
    await table.updateRows(results.map((r) => ({ row: r.row, record: { eventLink: r.link ?? '', syncStatus: statusText(r, at, config.sheetLocale) } })));
    return true;
  });
  await ctx.progress(total, total, say(ctx, '完了', 'Done'));

  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  const errors = results.filter((r) => r.outcome === 'error').map((r) => ({ row: r.row, message: r.message![ctx.locale] }));
  return { created: count('created'), updated: count('updated'), cancelled, unchanged: count('unchanged'), errors };
}

export const scheduleSync: JobHandler<'schedule.sync'> = {
  kind: 'schedule.sync',
  input: ScheduleSyncInput,
  run,
};
