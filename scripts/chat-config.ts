/**
 * `npm run chat-config [-- --json]`: the exact settings of the Google Chat API configuration page
 * (Cloud console ▸ APIs & Services ▸ Google Chat API ▸ Configuration) for tasuki's Chat app,
 * generated from addon/chat/commands.ts so the console cannot drift from the code the add-on
 * dispatches on: every command's ID, name, description (both languages), whether it opens a
 * dialog and whether its answer is private.
 *
 * tasuki's Chat app is built as a Google Workspace add-on (the same Apps Script deployment as the
 * Gmail and Sheets add-on), so its events arrive in the add-on shape (`chat.appCommandPayload`,
 * `chat.messagePayload`, …). A Chat app configured the classic way sends events with none of
 * those fields, and tasuki answers them with its "unknown event" card.
 *
 * `--json` prints the same settings as JSON (tests compare it with commands.ts). README.md's
 * command table is `chatCommandsTable()` (scripts/config-reference.ts keeps it current).
 */
import { pathToFileURL } from 'node:url';
import { CHAT_COMMANDS, usage, type ChatCommand } from '../addon/chat/commands.js';

export type ChatCommandSetting = {
  commandId: number;
  commandType: 'Slash command';
  name: string;
  description: string;
  usage: string;
  opensDialog: boolean;
  answersPrivately: boolean;
};

export type ChatAppSettings = {
  appName: string;
  description: string;
  buildAsWorkspaceAddOn: true;
  interactiveFeatures: true;
  functionality: string;
  connection: { kind: 'Apps Script'; deploymentId: string };
  commands: ChatCommandSetting[];
  visibility: string;
  logErrors: true;
};

/** The app description Chat shows under the name (at most 40 characters on the configuration page). */
export const APP_DESCRIPTION = 'Office jobs: projects, billing, portals';

/** One field for both languages: the console has a single Description per command. */
export function commandDescription(c: Pick<ChatCommand, 'description'>): string {
  return `${c.description.ja} / ${c.description.en}`;
}

export function chatAppSettings(): ChatAppSettings {
  const commands = (CHAT_COMMANDS as readonly ChatCommand[]).map((c) => ({
    commandId: c.id,
    commandType: 'Slash command' as const,
    name: c.name,
    description: commandDescription(c),
    usage: usage(c, 'en'),
    opensDialog: c.opensDialog === true,
    answersPrivately: c.answersPrivately === true,
  }));
  return {
    appName: 'tasuki',
    description: APP_DESCRIPTION,
    buildAsWorkspaceAddOn: true,
    interactiveFeatures: true,
    functionality: 'Join spaces and group conversations',
    connection: { kind: 'Apps Script', deploymentId: '<the Apps Script deployment ID: Head deployment ID while testing, the versioned deployment ID after>' },
    commands,
    visibility: 'the people and groups of your domain who use tasuki',
    logErrors: true,
  };
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export function chatConfigText(s: ChatAppSettings = chatAppSettings()): string {
  const pad = (text: string, width: number) => text + ' '.repeat(Math.max(1, width - [...text].length));
  const lines = [
    '# Google Chat API ▸ Configuration for tasuki (generated from addon/chat/commands.ts; enter exactly this)',
    '',
    'Build this Chat app as a Google Workspace add-on: checked (tasuki reads add-on events; a classic Chat app sends events tasuki cannot read)',
    '',
    'Application info',
    `  App name:     ${s.appName}`,
    '  Avatar URL:   an https URL of a square PNG or JPEG, 256 × 256 px or larger',
    `  Description:  ${s.description}`,
    '',
    'Interactive features',
    '  Enable interactive features: on',
    `  Functionality: ${s.functionality}`,
    `  Connection settings: ${s.connection.kind}; Deployment ID = ${s.connection.deploymentId}`,
    '  Commands: press "Add a command" once per row; Command type: Slash command; tick "Open a dialog" only where it says yes',
    `    ${pad('ID', 4)}${pad('Name', 11)}${pad('Open a dialog', 15)}${pad('Private answer', 16)}Description`,
    ...s.commands.map((c) => `    ${pad(String(c.commandId), 4)}${pad(c.name, 11)}${pad(yesNo(c.opensDialog), 15)}${pad(yesNo(c.answersPrivately), 16)}${c.description}`),
    '  ("Private answer": tasuki answers that command privately to the person who typed it; nothing to set.)',
    `  Visibility: ${s.visibility}`,
    '  Logs: Log errors to Logging: on',
    '',
    'Then: in the team space (TASUKI_CHAT_SPACE) ▸ Apps & integrations ▸ Add apps ▸ tasuki.',
  ];
  return `${lines.join('\n')}\n`;
}

// Markdown cells: escape the pipe, and angle brackets that would read as HTML tags.
export const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');

/** README.md's command table (between the generated:chat-commands markers). */
export function chatCommandsTable(s: ChatAppSettings = chatAppSettings()): string {
  const rows = ['| Command ID | Command type | Name | Description | Open a dialog | Private answer |', '|---|---|---|---|---|---|'];
  for (const c of s.commands) {
    rows.push(`| ${c.commandId} | ${c.commandType} | \`${c.name}\` | ${cell(c.description)} (usage: \`${c.usage.replace(/\|/g, '\\|')}\`) | ${yesNo(c.opensDialog)} | ${yesNo(c.answersPrivately)} |`);
  }
  return rows.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length) {
    process.stderr.write(`chat-config: unknown argument ${unknown[0]}\nusage: npm run chat-config [-- --json]\n`);
    process.exitCode = 2;
  } else {
    process.stdout.write(args.includes('--json') ? `${JSON.stringify(chatAppSettings(), null, 2)}\n` : chatConfigText());
  }
}
