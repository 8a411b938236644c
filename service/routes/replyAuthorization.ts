/**
 * Reply targets are authorized, not trusted. The worker writes with the service's own
 * credentials, which reach every space the Chat app is in and every file shared with it, so
 * before a job is recorded each place it will write on its requester's behalf is checked
 * against who the requester is:
 *
 * - `reply.chat.space`: a team space the operator configured (TASUKI_CHAT_SPACE,
 *   TASUKI_TEAM_SPACES), or a space the requester is a member of, asked of Chat with the app's
 *   credentials: `spaces.members.get` for `spaces/{space}/members/{email}` (the e-mail is an
 *   alias Google accepts for the member id). JOINED is a yes; 404 NOT_FOUND is Chat's answer
 *   for anyone who is not a member; 403 means the app itself is not in the space. A direct
 *   message space has the app and one person as its members, so only that person passes: DMs
 *   are only ever the requester's own. `reply.chat.thread` must be a thread of that space.
 * - `reply.sheet.spreadsheetId` and schedule.sync's `spreadsheetId`: only the configured ledger
 *   and schedule spreadsheets. schedule.sync's `calendarId`: only the configured calendar.
 * - Gmail: not a request field at all. Drafts and attachment reads use the mailbox of the job's
 *   `requestedBy` (the verified token's e-mail), so they only ever happen in the requester's own
 *   mailbox (service/jobs/billingDocument.ts, projectCreate.ts).
 *
 * A refusal is a 403 `target_forbidden` naming the target, in the requester's language, before
 * anything is recorded or queued. When Chat cannot answer (429, 5xx, network) the request is a
 * 503 to try again: an unverified target is never accepted.
 *
 * Positive membership answers are remembered for a few minutes per (space, e-mail), so a busy
 * space does not cost a Chat call per job; negative answers are not, so someone just added to a
 * space can use it at once. Someone removed from a space may still get replies there for at most
 * that long.
 */
import type { chat_v1 } from '@googleapis/chat';
import type { EnqueueRequest } from '../../shared/api.js';
import type { Locale, Localized } from '../../shared/locale.js';
import type { Config } from '../config.js';
import { statusOf } from '../workspace/googleCall.js';
import { HttpError } from './httpErrors.js';

export const MEMBERSHIP_TTL_MS = 5 * 60_000;
const MAX_REMEMBERED = 5_000;

export const TARGET_FORBIDDEN = 'target_forbidden';

/** What the requester is told, naming the target. */
export const REFUSALS = {
  notMember: (space: string): Localized => ({
    ja: `返信先のスペース ${space} には送れません。返信先にできるのは、あなたが参加しているスペースとチームのスペースだけです（ダイレクトメッセージはご自身のものだけ）。`,
    en: `tasuki cannot reply in ${space}: replies go only to spaces you are a member of and the team spaces (direct messages only to your own).`,
  }),
  appNotMember: (space: string): Localized => ({
    ja: `tasuki はスペース ${space} に参加していないため、そこへは返信できません。スペースに tasuki アプリを追加するか、別のスペースを選んでください。`,
    en: `tasuki is not a member of ${space}, so it cannot reply there. Add the tasuki app to the space, or choose another space.`,
  }),
  spreadsheet: (id: string): Localized => ({
    ja: `スプレッドシート ${id} には書き込めません。tasuki が書き込むのは設定済みの台帳とスケジュールのスプレッドシートだけです。`,
    en: `tasuki cannot write to spreadsheet ${id}: it writes only to the ledger and schedule spreadsheets it is configured with.`,
  }),
  calendar: (id: string): Localized => ({
    ja: `カレンダー ${id} には書き込めません。tasuki が書き込むのは設定済みの事務所カレンダーだけです。`,
    en: `tasuki cannot write to calendar ${id}: it writes only to the office calendar it is configured with.`,
  }),
  unverified: (space: string): Localized => ({
    ja: `スペース ${space} のメンバーかどうかを Chat に確認できませんでした。しばらくしてから、もう一度お試しください。`,
    en: `Chat could not confirm whether you are a member of ${space}. Please try again in a moment.`,
  }),
};

function refuse(locale: Locale, text: Localized, path: string, detail: string): HttpError {
  return new HttpError(403, TARGET_FORBIDDEN, text[locale], [{ path, message: detail }]);
}

export class ReplyAuthorization {
  private readonly members = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly opts: {
      config: Pick<Config, 'chatSpace' | 'teamSpaces' | 'ledgerSpreadsheetId' | 'scheduleSpreadsheetId' | 'calendarId'>;
      /** The Chat client acting as the app (chat.bot). */
      chat: () => Promise<chat_v1.Chat>;
      now?: () => number;
    },
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Throws the HttpError to answer unless every target of `request` is `user`'s to use. */
  async authorize(user: string, request: Pick<EnqueueRequest, 'kind' | 'input' | 'reply'>, locale: Locale): Promise<void> {
    const { config } = this.opts;
    const sheets = [config.ledgerSpreadsheetId, config.scheduleSpreadsheetId];
    const sheet = request.reply?.sheet?.spreadsheetId;
    if (sheet !== undefined && !sheets.includes(sheet)) {
      throw refuse(locale, REFUSALS.spreadsheet(sheet), 'reply.sheet.spreadsheetId', 'not one of the configured spreadsheets');
    }
    if (request.kind === 'schedule.sync') {
      const input = (request.input ?? {}) as { spreadsheetId?: string; calendarId?: string };
      if (input.spreadsheetId !== undefined && !sheets.includes(input.spreadsheetId)) {
        throw refuse(locale, REFUSALS.spreadsheet(input.spreadsheetId), 'input.spreadsheetId', 'not one of the configured spreadsheets');
      }
      if (input.calendarId !== undefined && input.calendarId !== config.calendarId) {
        throw refuse(locale, REFUSALS.calendar(input.calendarId), 'input.calendarId', 'not the configured calendar');
      }
    }
    const chat = request.reply?.chat;
    if (!chat) return;
    if (chat.thread && !chat.thread.startsWith(`${chat.space}/threads/`)) {
      throw new HttpError(400, 'invalid_request', `reply.chat.thread ${chat.thread} is not a thread of ${chat.space}`, [{ path: 'reply.chat.thread', message: `must be a thread of ${chat.space}` }]);
    }
    await this.authorizeSpace(user, chat.space, locale);
  }

  private async authorizeSpace(user: string, space: string, locale: Locale): Promise<void> {
    const { config } = this.opts;
    if (space === config.chatSpace || config.teamSpaces.includes(space)) return;
    const key = `${space}\n${user}`;
    const until = this.members.get(key);
    if (until !== undefined && until > this.now()) return;
    this.members.delete(key);
    let state: string | null | undefined;
    try {
      const chat = await this.opts.chat();
      state = (await chat.spaces.members.get({ name: `${space}/members/${user}` })).data.state;
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) throw refuse(locale, REFUSALS.notMember(space), 'reply.chat.space', `${user} is not a member of ${space}`);
      if (status === 403) throw refuse(locale, REFUSALS.appNotMember(space), 'reply.chat.space', `the Chat app is not a member of ${space}`);
      throw new HttpError(503, 'target_unverified', REFUSALS.unverified(space)[locale], [{ path: 'reply.chat.space', message: `membership could not be checked (${status || (err as Error).message})` }], { 'Retry-After': '5' });
    }
    // INVITED or NOT_A_MEMBER memberships are not membership.
    if (state !== 'JOINED') throw refuse(locale, REFUSALS.notMember(space), 'reply.chat.space', `${user}'s membership of ${space} is ${state ?? 'unknown'}`);
    if (this.members.size >= MAX_REMEMBERED) this.members.delete(this.members.keys().next().value!);
    this.members.set(key, this.now() + MEMBERSHIP_TTL_MS);
  }
}
