/**
 * The Chat app's slash commands: the one list that the handler dispatches on and that the Chat
 * API configuration in the Cloud console must match (command id ↔ name ↔ description ↔ "Open a
 * dialog"). `npm run chat-config` (scripts/chat-config.ts) prints it as the settings to enter
 * there, and README's table is generated from it.
 *
 * Ids are what Google sends (`appCommandMetadata.appCommandId`, a number, and
 * `message.slashCommand.commandId`, a string); never renumber a released command.
 */
import type { Localized } from '../../shared/locale.js';

export type ChatCommand = {
  id: number;
  name: string;
  usage: string;
  description: Localized;
  /** Configure "opens a dialog" for this command in the Chat API configuration. */
  opensDialog?: boolean;
  /**
   * The answer concerns only the person who typed it, so it is meant for them alone
   * (`privateMessageViewer`) in a multi-person space, as Google recommends; job announcements
   * stay public. Not a console setting: printed by `npm run chat-config` so the operator knows.
   */
  answersPrivately?: boolean;
};

export const CHAT_COMMANDS = [
  { id: 1, name: '/new', usage: '/new', description: { ja: '新しい案件を作成 (ダイアログ)', en: 'Create a new project (dialog)' }, opensDialog: true },
  { id: 2, name: '/jobs', usage: '/jobs', description: { ja: '自分の最近のジョブ', en: 'Your recent jobs' }, answersPrivately: true },
  { id: 3, name: '/status', usage: '/status <job id>', description: { ja: 'ジョブの状態を表示', en: "Show a job's status" }, answersPrivately: true },
  { id: 4, name: '/retry', usage: '/retry <job id>', description: { ja: '失敗したジョブを再実行', en: 'Retry a failed job' } },
  { id: 5, name: '/cancel', usage: '/cancel <job id>', description: { ja: 'ジョブを取消', en: 'Cancel a job' } },
  { id: 6, name: '/invoice', usage: '/invoice <P-2026-014>', description: { ja: '請求書を作成', en: 'Make an invoice' } },
  { id: 7, name: '/estimate', usage: '/estimate <P-2026-014>', description: { ja: '見積書を作成', en: 'Make an estimate' } },
  { id: 8, name: '/scrape', usage: '/scrape <portal>', description: { ja: 'クライアントポータルから取り込み', en: "Import new orders from a client's portal" } },
  { id: 9, name: '/summary', usage: '/summary [client]', description: { ja: '台帳の集計 (クライアント別・月別)', en: 'Ledger summary by client and month' } },
  { id: 10, name: '/search', usage: '/search <words>', description: { ja: '過去の案件を検索', en: 'Search past projects' }, answersPrivately: true },
  { id: 11, name: '/help', usage: '/help', description: { ja: 'コマンド一覧', en: 'List the commands' } },
] as const satisfies readonly ChatCommand[];

export type CommandName = (typeof CHAT_COMMANDS)[number]['name'];

export function commandById(id: number | string | undefined): ChatCommand | undefined {
  if (id === undefined || id === null || id === '') return undefined;
  const n = Number(id);
  return CHAT_COMMANDS.find((c) => c.id === n);
}
