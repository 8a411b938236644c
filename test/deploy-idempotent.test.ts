/**
 * A real (not dry) `npm run deploy` against a stand-in gcloud holding a project's state
 * (test/support/fake-gcloud.mjs): the first run creates everything in order, a second run over
 * the unchanged project changes nothing, drift is repaired with an update rather than a create,
 * the service gets TASUKI_SERVICE_URL (corrected if stale) and no secret value, and a missing Secret Manager secret
 * stops the run with instructions.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exampleDeployConfig, REPO_ROOT, runDeploy, writeDeployConfig } from './support/runDeploy.js';

const dir = mkdtempSync(join(tmpdir(), 'tasuki-deploy-idem-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const gcloud = join(dir, 'gcloud');
writeFileSync(gcloud, `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'test', 'support', 'fake-gcloud.mjs')}" "$@"\n`);
chmodSync(gcloud, 0o755);

type State = {
  mutations: string[];
  queues: Record<string, { retryConfig: { maxAttempts: number } }>;
  deployedEnv?: Record<string, string>;
  services: Record<string, { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } }>;
};

function newProject(secrets: string[]): string {
  const path = join(dir, `state-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ secrets }));
  return path;
}
// The image's source, frozen for the test (the repository's own files change under parallel work).
const source = join(dir, 'source');
mkdirSync(join(source, 'service'), { recursive: true });
writeFileSync(join(source, 'Dockerfile'), 'FROM scratch\n');
writeFileSync(join(source, 'service', 'server.ts'), 'export {};\n');
const deploy = (config: string, env: Record<string, string>) => runDeploy(['--config', config, '--gcloud', gcloud, '--source', source], env);

const readState = (path: string): State => JSON.parse(readFileSync(path, 'utf8'));
const SENTINEL = 'S3NTINEL-secret-value-91b2';

test('first run creates everything in order; a second run changes nothing; drift is updated', async () => {
  const statePath = newProject(['tasuki-portal-acme-user', 'tasuki-portal-acme-password']);
  const config = writeDeployConfig(exampleDeployConfig(), dir);
  const env = { FAKE_GCLOUD_STATE: statePath, TASUKI_PORTAL_ACME_PASSWORD: SENTINEL };

  const first = await deploy(config, env);
  assert.equal(first.code, 0, first.output);
  const created = readState(statePath).mutations;
  const at = (re: RegExp) => {
    const i = created.findIndex((m) => re.test(m));
    assert.notEqual(i, -1, `no mutation matching ${re}:\n${created.join('\n')}`);
    return i;
  };
  const order = [
    at(/^services enable /),
    at(/^iam service-accounts create tasuki-runtime /),
    at(/^projects add-iam-policy-binding .*roles\/datastore\.user/),
    at(/^secrets add-iam-policy-binding tasuki-portal-acme-password /),
    at(/^firestore databases create /),
    at(/^tasks queues create tasuki-jobs /),
    at(/^run deploy tasuki /),
    at(/^run services add-iam-policy-binding tasuki .*roles\/run\.invoker/),
  ];
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'mutations ran in plan order');
  assert.match(first.stdout, /Done: \d+ command\(s\) changed the project/);

  // The service was deployed with a complete production environment and its own URL.
  const state = readState(statePath);
  assert.equal(state.deployedEnv?.TASUKI_MODE, 'production');
  assert.equal(state.deployedEnv?.TASUKI_SERVICE_URL, 'https://tasuki-123456789012.asia-northeast1.run.app');
  assert.ok(!JSON.stringify(state).includes(SENTINEL), 'no secret value reached gcloud');
  assert.ok(!first.output.includes(SENTINEL), 'no secret value printed');
  // The deterministic URL is one of the service's URLs, so no second update was needed.
  assert.ok(!created.some((m) => m.startsWith('run services update')), created.join('\n'));
  assert.match(first.stdout, /Service URL: +https:\/\/tasuki-x7y8z9-an\.a\.run\.app/);

  const second = await deploy(config, env);
  assert.equal(second.code, 0, second.output);
  assert.deepEqual(readState(statePath).mutations, created, 'the second run changed something');
  assert.match(second.stdout, /everything was already up to date; nothing changed/);

  // Drift: someone lowered the queue's maxAttempts by hand → one update, nothing else.
  const drifted = readState(statePath);
  drifted.queues['tasuki-jobs']!.retryConfig.maxAttempts = 3;
  writeFileSync(statePath, JSON.stringify(drifted));
  const third = await deploy(config, env);
  assert.equal(third.code, 0, third.output);
  const added = readState(statePath).mutations.slice(created.length);
  assert.equal(added.length, 1, added.join('\n'));
  assert.match(added[0]!, /^tasks queues update tasuki-jobs .*--max-attempts=8/);

  // A changed setting redeploys the service (and only that).
  const changed = exampleDeployConfig();
  changed.run.maxInstances = 5;
  const fourth = await deploy(writeDeployConfig(changed, mkdtempSync(join(dir, 'c-'))), env);
  assert.equal(fourth.code, 0, fourth.output);
  const redeploy = readState(statePath).mutations.slice(created.length + 1);
  assert.deepEqual(redeploy.map((m) => m.split(' --')[0]), ['run deploy tasuki']);
  assert.match(redeploy[0]!, /--max-instances=5/);

  // A revision whose TASUKI_SERVICE_URL is not one of the service's URLs gets status.url.
  const stale = readState(statePath);
  const container = stale.services.tasuki!.spec.template.spec.containers[0]!;
  container.env = container.env.map((e) => (e.name === 'TASUKI_SERVICE_URL' ? { ...e, value: 'https://stale.example' } : e));
  writeFileSync(statePath, JSON.stringify(stale));
  const fifth = await deploy(writeDeployConfig(changed, mkdtempSync(join(dir, 'd-'))), env);
  assert.equal(fifth.code, 0, fifth.output);
  assert.deepEqual(
    readState(statePath).mutations.slice(stale.mutations.length).map((m) => `${m.split(' --')[0]} ${/--update-env-vars=\S+/.exec(m)?.[0]}`),
    ['run services update tasuki --update-env-vars=TASUKI_SERVICE_URL=https://tasuki-x7y8z9-an.a.run.app'],
  );
});

test('a missing Secret Manager secret stops the run before the service is deployed', async () => {
  const statePath = newProject(['tasuki-portal-acme-user']);
  const run = await deploy(writeDeployConfig(exampleDeployConfig(), mkdtempSync(join(dir, 's-'))), { FAKE_GCLOUD_STATE: statePath });
  assert.equal(run.code, 1, run.output);
  assert.match(run.stderr, /Secret Manager secret "tasuki-portal-acme-password" is missing or unreadable/);
  assert.match(run.stderr, /gcloud secrets create tasuki-portal-acme-password --data-file=-/);
  assert.ok(!readState(statePath).mutations.some((m) => m.startsWith('run deploy')));
});
