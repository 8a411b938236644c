/**
 * Keeps README.md's generated reference tables equal to the code they describe:
 * - the configuration reference, from VARIABLES and PATTERN_VARIABLES in service/config.ts
 *   (every variable, its local and production default, an example);
 * - the Chat slash commands to enter in the Chat API configuration, from addon/chat/commands.ts
 *   through scripts/chat-config.ts (ids must match what the handler dispatches on).
 *
 * Each table lives between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` in README.md.
 *   npx tsx scripts/config-reference.ts          rewrite the tables in place
 *   npx tsx scripts/config-reference.ts --check  exit 1 if README.md is out of date (CI, tests)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PATTERN_VARIABLES, VARIABLES, type VariableDoc } from '../service/config.js';

import { cell, chatCommandsTable } from './chat-config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const README = join(ROOT, 'README.md');

const code = (text: string) => (text === '' ? '(empty)' : `\`${text.replace(/\|/g, '\\|')}\``);

function defaults(spec: VariableDoc): [string, string] {
  const local = spec.only === 'production' ? '—' : spec.localDefault === undefined ? 'required' : code(spec.localDefault);
  const production =
    spec.only === 'local' ? '— (local only; refused in production)' : spec.productionDefault === undefined ? '**required**' : code(spec.productionDefault);
  return [local, production];
}

export function configReferenceTable(): string {
  const rows = [
    '| Variable | What it is | Local default | Production default | Example |',
    '|---|---|---|---|---|',
  ];
  for (const [name, spec] of Object.entries(VARIABLES) as [string, VariableDoc][]) {
    const [local, production] = defaults(spec);
    rows.push(`| \`${name}\` | ${cell(spec.doc)}${spec.secret ? ' (secret)' : ''} | ${local} | ${production} | ${code(spec.example)} |`);
  }
  for (const [name, spec] of Object.entries(PATTERN_VARIABLES) as [string, VariableDoc][]) {
    rows.push(`| \`${name}\` | ${cell(spec.doc)} Secret: mount it from Secret Manager (deploy.config.json \`secrets\`). | (unset) | required per portal with a login | ${cell(spec.example)} |`);
  }
  return rows.join('\n');
}

export const GENERATED: Record<string, () => string> = {
  'config-reference': configReferenceTable,
  'chat-commands': chatCommandsTable,
};

/** README text with every generated block rewritten; throws if a block's markers are missing. */
export function regenerate(readme: string): string {
  let text = readme;
  for (const [name, render] of Object.entries(GENERATED)) {
    const begin = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} block`);
    text = `${text.slice(0, from + begin.length)}\n${render()}\n${text.slice(to)}`;
  }
  return text;
}

function main(): number {
  const check = process.argv.includes('--check');
  const current = readFileSync(README, 'utf8');
  let next: string;
  try {
    next = regenerate(current);
  } catch (err) {
    console.error(`config-reference: ${(err as Error).message}`);
    return 1;
  }
  if (check) {
    if (next !== current) {
      console.error('config-reference: README.md is out of date with service/config.ts or addon/chat/commands.ts; run `npx tsx scripts/config-reference.ts` and commit README.md');
      return 1;
    }
    console.log('config-reference: README.md is up to date');
    return 0;
  }
  if (next !== current) writeFileSync(README, next);
  console.log(next !== current ? 'config-reference: README.md updated' : 'config-reference: README.md already up to date');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
