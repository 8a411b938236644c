/**
 * What the Workspace sandbox shows, read through its admin endpoints (`/_sandbox/…`, no auth, no
 * fault knobs on them), for the chaos checks: every Chat message of every space, every Drive file
 * with its appProperties, the Ledger/Intake/Schedule sheets as formatted grids, and the office
 * calendar's events (cancelled included), and the office users' Gmail drafts. This is the office's view of the truth: what a person
 * would see, whatever the job store claims.
 *
 *   const ws = await readWorkspace(sandboxUrl, ids);
 *   ws.chatMessages, ws.driveFiles, ws.sheets.Ledger (rows, row 1 = header), ws.calendarEvents
 */
import type { CalendarEvent } from '../sandbox/calendarApi.js';
import type { ChatMessage, StoredSpace } from '../sandbox/chatApi.js';
import type { DriveFile } from '../sandbox/driveApi.js';
import { SANDBOX_USERS } from '../sandbox/seedData.js';

export type WorkspaceIds = { ledgerSpreadsheetId: string; scheduleSpreadsheetId: string; calendarId: string };

/** A sheet's values, `rows[0]` being row 1 (the header). */
export type SheetGrid = { rows: string[][] };

export type WorkspaceView = {
  chatMessages: ChatMessage[];
  driveFiles: DriveFile[];
  sheets: { Ledger: SheetGrid; Intake: SheetGrid; Schedule: SheetGrid };
  calendarEvents: CalendarEvent[];
  /** Drafts (messages labelled DRAFT) of every office user, subject decoded. */
  gmailDrafts: Array<{ user: string; id: string; subject: string }>;
};

async function admin<T>(sandboxUrl: string, path: string): Promise<T> {
  const res = await fetch(`${sandboxUrl}/_sandbox${path}`, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`sandbox admin GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function sheetGrids(sandboxUrl: string, spreadsheetId: string): Promise<Map<string, SheetGrid>> {
  const ss = await admin<{ sheets: Array<{ properties: { title: string }; values: unknown[][] }> }>(sandboxUrl, `/sheets/${encodeURIComponent(spreadsheetId)}`);
  return new Map(ss.sheets.map((s) => [s.properties.title, { rows: s.values.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v)))) }]));
}

export async function readWorkspace(sandboxUrl: string, ids: WorkspaceIds): Promise<WorkspaceView> {
  const { spaces } = await admin<{ spaces: StoredSpace[] }>(sandboxUrl, '/chat/spaces');
  const chatMessages: ChatMessage[] = [];
  for (const s of spaces) {
    const id = s.space.name.slice('spaces/'.length);
    chatMessages.push(...(await admin<{ messages: ChatMessage[] }>(sandboxUrl, `/chat/spaces/${encodeURIComponent(id)}/messages`)).messages);
  }
  const { files } = await admin<{ files: DriveFile[] }>(sandboxUrl, '/drive/files');
  const ledger = await sheetGrids(sandboxUrl, ids.ledgerSpreadsheetId);
  const schedule = ids.scheduleSpreadsheetId === ids.ledgerSpreadsheetId ? ledger : await sheetGrids(sandboxUrl, ids.scheduleSpreadsheetId);
  const grid = (m: Map<string, SheetGrid>, name: string): SheetGrid => m.get(name) ?? { rows: [] };
  const { events } = await admin<{ events: CalendarEvent[] }>(sandboxUrl, `/calendar/${encodeURIComponent(ids.calendarId)}/events`);
  const gmailDrafts: WorkspaceView['gmailDrafts'] = [];
  for (const { email } of SANDBOX_USERS) {
    const { messages } = await admin<{ messages: Array<{ id: string; labelIds?: string[]; subject?: string }> }>(sandboxUrl, `/gmail/${encodeURIComponent(email)}/messages`);
    for (const m of messages) if (m.labelIds?.includes('DRAFT')) gmailDrafts.push({ user: email, id: m.id, subject: m.subject ?? '' });
  }
  return {
    chatMessages,
    gmailDrafts,
    driveFiles: files,
    sheets: { Ledger: grid(ledger, 'Ledger'), Intake: grid(ledger, 'Intake'), Schedule: grid(schedule, 'Schedule') },
    calendarEvents: events,
  };
}
