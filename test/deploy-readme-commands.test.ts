/**
 * Every command README.md tells an operator to run exists: `npm run <script>` is a package.json
 * script whose tsx entry file exists, `npx <tool>` is an installed binary (and, for clasp, a
 * command clasp 3 knows), `npx tsx <file>` / `bash <file>` name files in the repository, and
 * `npm run deploy|push -- <flags>` use flags those scripts accept. The ordered setup table names
 * every IAM grant the deploy plan makes, and Troubleshooting has a row, with its fix, for each
 * way a real Workspace domain stops a deployment (issue 14).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readDeployConfig } from '../scripts/deploy/deployConfig.js';
import { buildPlan, RUNTIME_PROJECT_ROLES } from '../scripts/deploy/plan.js';
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

/** The rows of a README table that starts after `heading` (until the first blank line after it). */
function tableAfter(heading: string): string[] {
  const start = readme.indexOf(heading);
  assert.ok(start >= 0, `README has no "${heading}"`);
  const rows: string[] = [];
  for (const line of readme.slice(start).split('\n').slice(1)) {
    if (line.startsWith('|')) rows.push(line);
    else if (rows.length) break;
  }
  assert.ok(rows.length > 2, `no table after "${heading}"`);
  return rows.slice(2);
}

test('the ordered setup table names every IAM grant the deploy plan makes, and the preflight grant', () => {
  const setup = tableAfter('**The whole setup in the order you do it.**').join('\n');
  // The example, and the example switched to freee (whose token secret the service also writes).
  const example = readDeployConfig(join(REPO_ROOT, 'deploy.config.example.json'));
  const withFreee = {
    ...example,
    env: { ...example.env, TASUKI_BILLING_PROVIDER: 'freee', TASUKI_FREEE_CLIENT_ID: '123456', TASUKI_FREEE_TOKEN_SECRET_ID: 'tasuki-freee-token' },
    secrets: { ...example.secrets, TASUKI_FREEE_CLIENT_SECRET: 'tasuki-freee-client-secret' },
  };
  const dry = [example, withFreee]
    .flatMap((config) => buildPlan(config, { envFile: '/tmp/env.yaml', sourceDigest: 'x' }).steps)
    .flatMap((s) => s.apply(undefined, {}))
    .map((c) => c.join(' '));
  const granted = new Set(dry.flatMap((c) => [...c.matchAll(/--role=(roles\/[\w.]+)/g)].map((m) => m[1]!)));
  for (const role of [...RUNTIME_PROJECT_ROLES, 'roles/iam.serviceAccountUser', 'roles/secretmanager.secretAccessor', 'roles/secretmanager.secretVersionManager', 'roles/run.invoker']) {
    assert.ok(granted.has(role), `the plan no longer grants ${role}; update this test and the README`);
  }
  for (const role of [...granted, 'roles/iam.serviceAccountTokenCreator']) assert.ok(setup.includes(`\`${role}\``), `the setup table does not name ${role}`);
  assert.ok(dry.some((c) => c.includes('--no-invoker-iam-check')) && setup.includes('--no-invoker-iam-check'));
  // Its steps are numbered 1, 2, 3… and point at sections that exist.
  const numbers = tableAfter('**The whole setup in the order you do it.**').map((r) => Number(r.split('|')[1]));
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
});

test('Troubleshooting has a row for each real-Workspace-domain failure, with Google\'s own words', () => {
  const rows = tableAfter('### Troubleshooting');
  const row = (what: RegExp) => rows.find((r) => what.test(r));
  for (const [failure, symptom, fix] of [
    ['Domain restricted sharing', /iam\.allowedPolicyMemberDomains/, /--no-invoker-iam-check/],
    ['no Drive quota for service accounts', /storageQuotaExceeded.*Service Accounts do not have storage quota/, /shared drive.*Content manager/],
    ['external sharing off', /sharing outside your organization/, /Deploy step 5\.1/],
    ['Chat app configured the classic way', /chat\.appCommandPayload/, /npm run chat-config/],
    ['schedules not firing', /scheduled jobs never appear/, /roles\/cloudscheduler\.serviceAgent/],
  ] as const) {
    const found = row(symptom);
    assert.ok(found, `no Troubleshooting row for ${failure}`);
    assert.match(found, fix, `the ${failure} row does not give its fix`);
  }
});
