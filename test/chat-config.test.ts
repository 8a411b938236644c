/**
 * `npm run chat-config` prints the Chat API configuration from addon/chat/commands.ts: every
 * command with its id, name, both descriptions, "Open a dialog" and private-answer flags, the
 * add-on connection (Apps Script deployment), and nothing else. Run as the operator runs it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CHAT_COMMANDS, type ChatCommand } from '../addon/chat/commands.js';
import { APP_DESCRIPTION, chatAppSettings, type ChatAppSettings } from '../scripts/chat-config.js';
import { REPO_ROOT } from './support/runDeploy.js';

const run = promisify(execFile);
const script = join(REPO_ROOT, 'scripts', 'chat-config.ts');

test('--json lists exactly the commands of commands.ts, with ids, names, descriptions and flags', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--json'], { cwd: REPO_ROOT, timeout: 30_000 });
  const settings = JSON.parse(stdout) as ChatAppSettings;
  assert.deepEqual(settings, chatAppSettings());
  const commands = CHAT_COMMANDS as readonly ChatCommand[];
  assert.equal(settings.commands.length, commands.length);
  for (const c of commands) {
    const s = settings.commands.find((x) => x.commandId === c.id);
    assert.ok(s, `command ${c.id} missing`);
    assert.equal(s.name, c.name);
    assert.ok(s.description.includes(c.description.ja) && s.description.includes(c.description.en), s.description);
    assert.equal(s.opensDialog, c.opensDialog === true, `${c.name} opens a dialog`);
    assert.equal(s.answersPrivately, c.answersPrivately === true, `${c.name} private`);
    assert.equal(s.commandType, 'Slash command');
  }
  assert.equal(new Set(settings.commands.map((c) => c.commandId)).size, commands.length, 'ids are unique');
  assert.ok(settings.commands.every((c) => c.commandId >= 1 && c.commandId <= 1000), 'ids within the console range 1–1000');
  assert.equal(settings.buildAsWorkspaceAddOn, true);
  assert.equal(settings.connection.kind, 'Apps Script');
  assert.ok(APP_DESCRIPTION.length <= 40, 'the app description fits the 40-character field');
  // /new opens the dialog; the personal answers are private.
  assert.equal(settings.commands.find((c) => c.name === '/new')?.opensDialog, true);
  for (const name of ['/jobs', '/status', '/search']) assert.equal(settings.commands.find((c) => c.name === name)?.answersPrivately, true, name);
});

test('the text output names the console fields and one row per command', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, timeout: 30_000 });
  for (const field of ['Build this Chat app as a Google Workspace add-on: checked', 'App name:     tasuki', 'Enable interactive features: on', 'Join spaces and group conversations', 'Connection settings: Apps Script; Deployment ID', 'Add a command', 'Log errors to Logging']) {
    assert.ok(stdout.includes(field), `missing ${field}`);
  }
  for (const c of CHAT_COMMANDS as readonly ChatCommand[]) {
    const row = stdout.split('\n').find((l) => new RegExp(`^ {4}${c.id} +${c.name.replace('/', '\\/')} `).test(l));
    assert.ok(row, `no row for ${c.id} ${c.name}`);
    assert.match(row, new RegExp(` ${c.opensDialog ? 'yes' : 'no'} +${c.answersPrivately ? 'yes' : 'no'} +`));
    assert.ok(row.endsWith(`${c.description.ja} / ${c.description.en}`), row);
  }
  const bad = await run(process.execPath, ['--import', 'tsx', script, '--bogus'], { cwd: REPO_ROOT, timeout: 30_000 }).catch((e: { code: number; stderr: string }) => e);
  assert.equal((bad as { code: number }).code, 2);
});
