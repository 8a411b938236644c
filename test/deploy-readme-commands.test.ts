/**
 * Every command README.md tells an operator to run exists: `npm run <script>` is a package.json
 * script whose tsx entry file exists, `npx <tool>` is an installed binary (and, for clasp, a
 * command clasp 3 knows), `npx tsx <file>` / `bash <file>` name files in the repository, and
 * `npm run deploy|push -- <flags>` use flags those scripts accept.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from './support/runDeploy.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const run = promisify(execFile);

test('every `npm run` script named in README.md exists, and so do the files it runs', () => {
  const names = new Set([...readme.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]!));
  assert.ok(names.has('deploy') && names.has('push'));
  for (const name of names) {
    const script = pkg.scripts[name];
    assert.ok(script, `README names \`npm run ${name}\`, which package.json does not define`);
    for (const m of script.matchAll(/tsx ([\w./-]+\.ts)/g)) {
      assert.ok(existsSync(join(REPO_ROOT, m[1]!)), `\`npm run ${name}\` runs ${m[1]}, which does not exist`);
    }
  }
});

test('files README.md runs directly exist', () => {
  const files = [...readme.matchAll(/(?:npx tsx|bash) ((?:\.ci|scripts|local|test)\/[\w./-]+)/g)].map((m) => m[1]!);
  assert.ok(files.length > 0);
  for (const file of files) assert.ok(existsSync(join(REPO_ROOT, file)), `README runs ${file}, which does not exist`);
});

test('npx tools and clasp commands named in README.md are installed and known', async () => {
  const tools = new Set([...readme.matchAll(/npx ([a-z][\w-]*)/g)].map((m) => m[1]!));
  for (const tool of tools) assert.ok(existsSync(join(REPO_ROOT, 'node_modules', '.bin', tool)), `npx ${tool} is not installed`);
  const claspCommands = new Set([...readme.matchAll(/npx clasp (?:-P \S+ )?([a-z][a-z-]*)/g)].map((m) => m[1]!));
  const { stdout } = await run(join(REPO_ROOT, 'node_modules', '.bin', 'clasp'), ['--help'], { cwd: REPO_ROOT });
  for (const command of claspCommands) assert.match(stdout, new RegExp(`^\\s+${command}[|\\s]`, 'm'), `clasp has no command ${command}`);
});

test('flags passed to npm run deploy / npm run push in README.md are accepted', () => {
  const sources: Record<string, string> = {
    deploy: readFileSync(join(REPO_ROOT, 'scripts', 'deploy.ts'), 'utf8'),
    push: readFileSync(join(REPO_ROOT, 'scripts', 'push-addon.ts'), 'utf8'),
  };
  let seen = 0;
  for (const m of readme.matchAll(/npm run (deploy|push) -- ((?:--[a-z-]+(?: <[^>]+>)? ?)+)/g)) {
    for (const flag of m[2]!.match(/--[a-z-]+/g) ?? []) {
      seen++;
      assert.ok(sources[m[1]!]!.includes(`'${flag}'`), `npm run ${m[1]} does not accept ${flag}`);
    }
  }
  assert.ok(seen >= 3);
});
