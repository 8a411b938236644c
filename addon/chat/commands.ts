/**
 * The Chat app's slash commands: the one list that the handler dispatches on and that the Chat
 * API configuration in the Cloud console must match (command id ↔ name ↔ description ↔ "Open a
 * dialog"). `npm run chat-config` (scripts/chat-config.ts) prints it as the settings to enter
 * there, and README's table is generated from it.
 *
 * Ids are what Google sends (`appCommandMetadata.appCommandId`, a number, and
 * `message.slashCommand.commandId`, a string); never renumber a released command.
 *
 * Each command's words (description, argument name) are in the catalogue (shared/messages.ts
 * COMMAND_TEXTS); `usage` and `example` put them together for /help and usage answers.
 * `answersPrivately`: the answer concerns only the person who asked, so in a space with others
 * it is shown to them alone (Chat's privateMessageViewer).
 */
import type { Locale, Localized } from '../../shared/locale.js';
import { COMMAND_TEXTS } from '../../shared/messages.js';

type Words = keyof typeof COMMAND_TEXTS;

export type ChatCommand = {
  id: number;
  name: string;
  description: Localized;
  /** The argument, by name (`<…>` required, `[…]` optional). */
  arg?: { words: Words; optional?: boolean };
  /** What to type, in full. */
  example: string;
  /** Configure "opens a dialog" for this command in the Chat API configuration. */
  opensDialog?: boolean;
  /**
   * The answer concerns only the person who typed it, so it is meant for them alone
   * (`privateMessageViewer`) in a multi-person space, as Google recommends; job announcements
   * stay public. Not a console setting: printed by `npm run chat-config` so the operator knows.
   */
  answersPrivately?: boolean;
};

const c = COMMAND_TEXTS;

export const CHAT_COMMANDS = [
  { id: 1, name: '/new', description: c.new, example: '/new', opensDialog: true },
  { id: 2, name: '/jobs', description: c.jobs, example: '/jobs', answersPrivately: true },
  { id: 3, name: '/status', description: c.status, arg: { words: 'argJob' }, example: '/status P-2026-013', answersPrivately: true },
  { id: 4, name: '/retry', description: c.retry, arg: { words: 'argJob' }, example: '/retry 90a8f5c1' },
  { id: 5, name: '/cancel', description: c.cancel, arg: { words: 'argJob' }, example: '/cancel 90a8f5c1' },
  { id: 6, name: '/invoice', description: c.invoice, arg: { words: 'argProject' }, example: '/invoice P-2026-014' },
  { id: 7, name: '/estimate', description: c.estimate, arg: { words: 'argProject' }, example: '/estimate P-2026-014' },
  { id: 8, name: '/scrape', description: c.scrape, arg: { words: 'argPortal' }, example: '/scrape acme' },
  { id: 9, name: '/summary', description: c.summary, arg: { words: 'argClient', optional: true }, example: '/summary アクメ' },
  { id: 10, name: '/search', description: c.search, arg: { words: 'argWords' }, example: '/search 看板', answersPrivately: true },
  { id: 11, name: '/help', description: c.help, example: '/help' },
] as const satisfies readonly ChatCommand[];

export type CommandName = (typeof CHAT_COMMANDS)[number]['name'];

/** `/status <ジョブ番号または案件番号>` — plain text; escape it for a card's HTML subset. */
export function usage(command: ChatCommand, locale: Locale): string {
  if (!command.arg) return command.name;
  const word = COMMAND_TEXTS[command.arg.words][locale];
  return `${command.name} ${command.arg.optional ? `[${word}]` : `<${word}>`}`;
}

export function commandById(id: number | string | undefined): ChatCommand | undefined {
  if (id === undefined || id === null || id === '') return undefined;
  const n = Number(id);
  return CHAT_COMMANDS.find((c) => c.id === n);
}
