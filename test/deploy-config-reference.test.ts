/**
 * README.md's generated reference tables (scripts/config-reference.ts) match the code: the
 * configuration reference lists every variable of service/config.ts with its defaults and example,
 * the Chat slash-command table lists every command id of addon/chat/commands.ts, and `--check`
 * fails (naming the fix) when the README drifts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CHAT_COMMANDS } from '../addon/chat/commands.js';
import { chatCommandsTable } from '../scripts/chat-config.js';
import { configReferenceTable, README, regenerate } from '../scripts/config-reference.js';
import { PATTERN_VARIABLES, VARIABLES } from '../service/config.js';
import { REPO_ROOT } from './support/runDeploy.js';

const run = promisify(execFile);

test('README.md is up to date (config-reference --check passes)', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'config-reference.ts'), '--check'], { cwd: REPO_ROOT });
  assert.match(stdout, /README\.md is up to date/);
});

test('the configuration table has every variable, with production requirements marked', () => {
  const table = configReferenceTable();
  for (const name of [...Object.keys(VARIABLES), ...Object.keys(PATTERN_VARIABLES)]) {
    assert.ok(table.includes(`| \`${name}\` |`), `${name} missing from the reference`);
  }
  const row = (name: string) => table.split('\n').find((l) => l.startsWith(`| \`${name}\` |`))!;
  assert.match(row('TASUKI_SERVICE_URL'), /\| \*\*required\*\* \|/);
  assert.match(row('TASUKI_TASKS_EMULATOR'), /local only; refused in production/);
  assert.match(row('TASUKI_STORE'), /\| `sqlite` \| `firestore` \|/);
  assert.ok(readFileSync(README, 'utf8').includes(table), 'the README holds the current table');
});

test('the Chat command table lists every command id and name the add-on dispatches on', () => {
  const table = chatCommandsTable();
  for (const c of CHAT_COMMANDS) assert.ok(table.includes(`| ${c.id} | Slash command | \`${c.name}\` |`), `command ${c.id} ${c.name}`);
  assert.ok(readFileSync(README, 'utf8').includes(table));
});

test('--check fails on a drifted README; regenerate repairs it and needs its markers', () => {
  const current = readFileSync(README, 'utf8');
  const drifted = current.replace(/\| `TASUKI_SERVICE_URL` \|[^\n]*\n/, '');
  assert.notEqual(drifted, current);
  assert.equal(regenerate(drifted), current);
  assert.throws(() => regenerate('# no markers\n'), /README\.md has no <!-- generated:config-reference --> … <!-- \/generated:config-reference --> block/);
});
