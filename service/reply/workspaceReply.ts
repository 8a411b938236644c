/**
 * The reply port on Google Workspace (the sandbox locally, Google in production, through the
 * GoogleClients port):
 * - Chat: ONE message per job in `job.reply.chat.space`, upserted with
 *   `spaces.messages.patch(name = <space>/messages/client-<jobId>, allowMissing = true,
 *   updateMask = 'text,cards_v2')`: the first write creates it, later ones replace it, and a
 *   retried write after a crash is harmless. The card is shared/cards/jobCard.ts in the job's
 *   language. Writes per space are throttled (WriteThrottle): progress is skipped when too soon,
 *   the final card waits its turn for up to 2 s, and when the space is busier than that it fails
 *   retryably (`reply_rate_limited` + Retry-After) so the outbox delivers it later.
 *   A private job (`reply.chat.viewer`, e.g. /search in a shared space) is shown to that user
 *   only: Chat takes privateMessageViewer only when a message is created, so its first write is
 *   `messages.create(messageId = client-<jobId>, privateMessageViewer)` (a 409 from a racing
 *   write means it exists) and later writes patch it without allowMissing.
 * - Sheets: a one-line status (jobStatusText, in the office's sheet language TASUKI_SHEET_LOCALE,
 *   not the asker's: a shared column reads in one language) and the job id into `job.reply.sheet`'s row, in
 *   tasuki's own columns (shared/sheetLayouts.ts tasukiStatusColumns: Ledger and Intake →
 *   "tasuki 状態" + "tasuki ジョブ", Schedule → its sync column, any other sheet → the Ledger's
 *   pair), found by header and appended at the right when a sheet lacks them
 *   (workspace/tasukiColumns.ts). The office's own Status column is never written here.
 *
 * Both targets are attempted; if either write fails the call throws a ReplyFailure after trying
 * the other: permanent when every failure is Google refusing for good (400/401/403/404: the space
 * is gone, the app is no longer in it, the sheet was deleted), retryable otherwise (429, 5xx,
 * network), carrying Google's Retry-After.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { jobChatMessage, jobStatusText } from '../../shared/cards/jobCard.js';
import type { DisplayContext } from '../../shared/cards/jobDisplay.js';
import type { JobRecord } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';
import { tasukiStatusColumns } from '../../shared/sheetLayouts.js';
import type { GoogleClients } from '../google/clients.js';
import type { Logger } from '../logger.js';
import { googleMessage, retryAfterOf, statusOf } from '../workspace/googleCall.js';
import { locateTasukiColumns, quoteSheet, type TasukiColumnLetters } from '../workspace/tasukiColumns.js';
import { ReplyFailure, type ReplyPort } from './replyPort.js';
import { writeChatMessage } from '../workspace/chatMessages.js';
import { ThrottleBusy, WriteThrottle } from './writeThrottle.js';

/** `client-<jobId>`: job ids are lowercase letters, digits and hyphens, ≤ 41 characters, so this fits Chat's 63. */
export function clientMessageId(jobId: string): string {
  return `client-${jobId}`.slice(0, 63);
}

const PERMANENT_STATUSES = new Set([400, 401, 403, 404]);

/** One ReplyFailure for the failed writes: retryable if any of them may succeed later. */
function replyFailureOf(errors: unknown[]): ReplyFailure {
  const busy = errors.find((err): err is ThrottleBusy => err instanceof ThrottleBusy);
  if (busy) return new ReplyFailure({ permanent: false, code: 'reply_rate_limited', message: busy.message, retryAfterSeconds: busy.retryAfterSeconds, cause: busy });
  const retryable = errors.find((err) => !PERMANENT_STATUSES.has(statusOf(err)));
  const err = retryable ?? errors[0];
  const status = statusOf(err);
  const code = retryable !== undefined ? (status === 429 ? 'reply_rate_limited' : 'reply_unavailable') : status === 404 ? 'reply_target_gone' : status === 400 ? 'reply_rejected' : 'reply_not_permitted';
  return new ReplyFailure({ permanent: retryable === undefined, code, message: `${status || 'network error'} ${googleMessage(err)}`, retryAfterSeconds: retryAfterOf(err), cause: err });
}

export class WorkspaceReply implements ReplyPort {
  private readonly google: () => Promise<GoogleClients>;
  private readonly log: Logger;
  private readonly throttle: WriteThrottle;
  private readonly columnCache = new Map<string, Promise<TasukiColumnLetters>>();
  /** What the card needs beyond the job: the queue's attempt limit, the office's time zone. */
  private readonly display: DisplayContext;
  /** Longest wait for a final write's turn in its space (default 2 s). */
  private readonly finalWaitMs: number;
  /** The language of sheet cells (the office's); unset, the job's own. */
  private readonly sheetLocale: Locale | undefined;

  constructor(opts: { google: () => Promise<GoogleClients>; log: Logger; throttle?: WriteThrottle; display?: DisplayContext; finalWaitMs?: number; sheetLocale?: Locale }) {
    this.google = opts.google;
    this.log = opts.log;
    this.throttle = opts.throttle ?? new WriteThrottle();
    this.display = opts.display ?? {};
    this.finalWaitMs = opts.finalWaitMs ?? 2000;
    this.sheetLocale = opts.sheetLocale;
  }

  async progress(job: JobRecord, opts: { waitMs?: number } = {}): Promise<void> {
    if (opts.waitMs === undefined) await this.write(job, false);
    else await this.write(job, 'wait', opts.waitMs);
  }

  async finished(job: JobRecord, opts: { maxWaitMs?: number } = {}): Promise<void> {
    await this.write(job, true, opts.maxWaitMs);
  }

  /**
   * One write at a time per job in this instance. A progress write is fire-and-forget at the start
   * of a run; under load its request can reach Chat after the final one and put "running" back on
   * a finished job's card for good. So a progress write while another write of the job is in
   * flight is skipped, and a final write (or a progress that must be shown: `'wait'`) waits for
   * the one in flight before it starts.
   */
  private readonly writing = new Map<string, Promise<unknown>>();

  private async write(job: JobRecord, mode: boolean | 'wait', maxWaitMs = this.finalWaitMs): Promise<void> {
    const before = this.writing.get(job.id);
    if (before && mode === false) return;
    if (before && mode === 'wait') {
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([before.then(() => true, () => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), maxWaitMs)))]);
      clearTimeout(timer);
      if (!waited) return; // still writing: this state is already out of date by the time it would land
    } else if (before) await before.catch(() => undefined);
    if (this.writing.get(job.id) && mode === 'wait') return;
    const final = mode !== false;
    const mine = this.writeNow(job, final, maxWaitMs);
    this.writing.set(job.id, mine);
    try {
      await mine;
    } finally {
      if (this.writing.get(job.id) === mine) this.writing.delete(job.id);
    }
  }

  private async writeNow(job: JobRecord, final: boolean, maxWaitMs: number): Promise<void> {
    const chat = job.reply?.chat;
    const sheet = job.reply?.sheet;
    // Take both turns before starting either write, so no write's rejection waits unobserved.
    const failures: unknown[] = [];
    const chatTurn = chat ? await this.turn(`chat:${chat.space}`, final, maxWaitMs).catch((err: unknown) => (failures.push(err), false)) : false;
    const sheetTurn = sheet ? await this.turn(`sheet:${sheet.spreadsheetId}`, final, maxWaitMs).catch((err: unknown) => (failures.push(err), false)) : false;
    const writes: Array<Promise<void>> = [];
    if (chat && chatTurn) writes.push(this.writeChat(job, chat));
    if (sheet && sheetTurn) writes.push(this.writeSheet(job, sheet));
    const results = await Promise.allSettled(writes);
    for (const r of results) if (r.status === 'rejected') failures.push(r.reason as unknown);
    if (failures.length) throw replyFailureOf(failures);
  }

  /**
   * A progress write takes the target's slot only when it is free now. A final write (and a
   * progress that must be shown) waits for
   * its slot at most `finalWaitMs` (or what the caller allows): when the space is busier than that (many jobs ending in one
   * space at once), it fails retryably with the wait as Retry-After instead of holding the
   * delivery (and one of the queue's few dispatch slots) open — the outbox paces it.
   */
  private async turn(key: string, final: boolean, maxWaitMs: number): Promise<boolean> {
    if (final) {
      await this.throttle.acquire(key, maxWaitMs);
      return true;
    }
    return this.throttle.tryAcquire(key);
  }

  private async writeChat(job: JobRecord, chat: NonNullable<NonNullable<JobRecord['reply']>['chat']>): Promise<void> {
    const { chat: api } = await this.google();
    const body = { ...jobChatMessage(job, this.display), ...(chat.thread ? { thread: { name: chat.thread } } : {}) };
    await writeChatMessage(api, { space: chat.space, messageId: clientMessageId(job.id), body, updateMask: 'text,cards_v2', ...(chat.viewer ? { viewer: chat.viewer } : {}) });
  }

  private async writeSheet(job: JobRecord, sheet: NonNullable<NonNullable<JobRecord['reply']>['sheet']>): Promise<void> {
    const { sheets } = await this.google();
    const columns = await this.statusColumns(sheets, sheet.spreadsheetId, sheet.sheetName);
    const cell = (letter: string) => `${quoteSheet(sheet.sheetName)}!${letter}${sheet.row}`;
    await sheets.spreadsheets.values.batchUpdate({
      spreadsheetId: sheet.spreadsheetId,
      requestBody: {
        valueInputOption: 'RAW',
        data: [
          { range: cell(columns.status), values: [[jobStatusText(this.sheetLocale ? { ...job, locale: this.sheetLocale } : job, this.display)]] },
          ...(columns.job ? [{ range: cell(columns.job), values: [[job.id]] }] : []),
        ],
      },
    });
  }

  /** tasuki's columns in that sheet, looked up (and added when missing) once per process. */
  private statusColumns(sheets: sheets_v4.Sheets, spreadsheetId: string, sheetName: string): Promise<TasukiColumnLetters> {
    const key = `${spreadsheetId}\n${sheetName}`;
    let columns = this.columnCache.get(key);
    if (!columns) {
      columns = locateTasukiColumns(sheets, spreadsheetId, sheetName, tasukiStatusColumns(sheetName)).then((found) => {
        if (found.added.length) this.log.info({ spreadsheetId, sheetName, added: found.added }, "added tasuki's own columns to the sheet");
        return found;
      });
      columns.catch(() => this.columnCache.delete(key));
      this.columnCache.set(key, columns);
    }
    return columns;
  }
}
