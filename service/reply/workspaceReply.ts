/**
 * The reply port on Google Workspace (the sandbox locally, Google in production, through the
 * GoogleClients port):
 * - Chat: ONE message per job in `job.reply.chat.space`, upserted with
 *   `spaces.messages.patch(name = <space>/messages/client-<jobId>, allowMissing = true,
 *   updateMask = 'text,cards_v2')`: the first write creates it, later ones replace it, and a
 *   retried write after a crash is harmless. The card is shared/cards/jobCard.ts in the job's
 *   language. Writes per space are throttled (WriteThrottle): progress is skipped when too soon,
 *   the final card waits its turn.
 * - Sheets: a one-line status (jobStatusText) into `job.reply.sheet`'s row, in the sheet's status
 *   column: Ledger and Intake → their `status` column, Schedule → `syncStatus` (shared/sheetLayouts.ts);
 *   any other sheet → the first column whose row-1 header contains "Status" or "ステータス"
 *   (a sheet without one gets no status, and a warning in the log).
 *
 * Both targets are attempted; if either write fails the call throws after trying the other.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { jobChatMessage, jobStatusText } from '../../shared/cards/jobCard.js';
import type { JobRecord } from '../../shared/job.js';
import { INTAKE, LEDGER, SCHEDULE } from '../../shared/sheetLayouts.js';
import type { GoogleClients } from '../google/clients.js';
import type { Logger } from '../logger.js';
import type { ReplyPort } from './replyPort.js';
import { WriteThrottle } from './writeThrottle.js';

const KNOWN_STATUS_COLUMNS: Record<string, string> = {
  [LEDGER.sheetName]: LEDGER.letter.status,
  [INTAKE.sheetName]: INTAKE.letter.status,
  [SCHEDULE.sheetName]: SCHEDULE.letter.syncStatus,
};

const STATUS_HEADER = /status|ステータス/i;

/** `client-<jobId>`: job ids are lowercase letters, digits and hyphens, ≤ 41 characters, so this fits Chat's 63. */
export function clientMessageId(jobId: string): string {
  return `client-${jobId}`.slice(0, 63);
}

/** A1 column letters for a 0-based index (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

export class WorkspaceReply implements ReplyPort {
  private readonly google: () => Promise<GoogleClients>;
  private readonly log: Logger;
  private readonly throttle: WriteThrottle;
  private readonly statusColumns = new Map<string, Promise<string | null>>();

  constructor(opts: { google: () => Promise<GoogleClients>; log: Logger; throttle?: WriteThrottle }) {
    this.google = opts.google;
    this.log = opts.log;
    this.throttle = opts.throttle ?? new WriteThrottle();
  }

  async progress(job: JobRecord): Promise<void> {
    await this.write(job, false);
  }

  async finished(job: JobRecord): Promise<void> {
    await this.write(job, true);
  }

  private async write(job: JobRecord, final: boolean): Promise<void> {
    const chat = job.reply?.chat;
    const sheet = job.reply?.sheet;
    // Take both turns before starting either write, so no write's rejection waits unobserved.
    const chatTurn = chat ? await this.turn(`chat:${chat.space}`, final) : false;
    const sheetTurn = sheet ? await this.turn(`sheet:${sheet.spreadsheetId}`, final) : false;
    const writes: Array<Promise<void>> = [];
    if (chat && chatTurn) writes.push(this.writeChat(job, chat));
    if (sheet && sheetTurn) writes.push(this.writeSheet(job, sheet));
    const results = await Promise.allSettled(writes);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) throw failed[0]!.reason;
  }

  private async turn(key: string, final: boolean): Promise<boolean> {
    if (final) {
      await this.throttle.acquire(key);
      return true;
    }
    return this.throttle.tryAcquire(key);
  }

  private async writeChat(job: JobRecord, chat: NonNullable<NonNullable<JobRecord['reply']>['chat']>): Promise<void> {
    const { chat: api } = await this.google();
    await api.spaces.messages.patch({
      name: `${chat.space}/messages/${clientMessageId(job.id)}`,
      allowMissing: true,
      updateMask: 'text,cards_v2',
      requestBody: { ...jobChatMessage(job), ...(chat.thread ? { thread: { name: chat.thread } } : {}) },
    });
  }

  private async writeSheet(job: JobRecord, sheet: NonNullable<NonNullable<JobRecord['reply']>['sheet']>): Promise<void> {
    const { sheets } = await this.google();
    const column = await this.statusColumn(sheets, sheet.spreadsheetId, sheet.sheetName);
    if (!column) {
      this.log.warn({ jobId: job.id, spreadsheetId: sheet.spreadsheetId, sheetName: sheet.sheetName }, 'sheet has no status column; status not written');
      return;
    }
    await sheets.spreadsheets.values.update({
      spreadsheetId: sheet.spreadsheetId,
      range: `${quoteSheet(sheet.sheetName)}!${column}${sheet.row}`,
      valueInputOption: 'RAW',
      requestBody: { values: [[jobStatusText(job)]] },
    });
  }

  private statusColumn(sheets: sheets_v4.Sheets, spreadsheetId: string, sheetName: string): Promise<string | null> {
    const known = KNOWN_STATUS_COLUMNS[sheetName];
    if (known) return Promise.resolve(known);
    const key = `${spreadsheetId}\n${sheetName}`;
    let column = this.statusColumns.get(key);
    if (!column) {
      column = sheets.spreadsheets.values.get({ spreadsheetId, range: `${quoteSheet(sheetName)}!1:1` }).then((res) => {
        const headers = res.data.values?.[0] ?? [];
        const index = headers.findIndex((h) => STATUS_HEADER.test(String(h)));
        return index >= 0 ? columnLetter(index) : null;
      });
      column.catch(() => this.statusColumns.delete(key));
      this.statusColumns.set(key, column);
    }
    return column;
  }
}
