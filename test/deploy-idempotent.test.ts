/**
 * A real (not dry) `npm run deploy` against a stand-in gcloud holding a project's state
 * (test/support/fake-gcloud.mjs; in-process through deploy()'s gcloud seam for speed, and once
 * as a spawned executable through the CLI): the first run creates everything in order, a second run over
 * the unchanged project changes nothing (the Firestore composite indexes included: created once
 * each, then found by the list check), drift is repaired with an update rather than a create,
 * the service gets TASUKI_SERVICE_URL (corrected if stale) and no secret value, and a missing Secret Manager secret
 * stops the run with instructions.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { deploy } from '../scripts/deploy.js';
import type { PreflightAnswer } from '../scripts/preflight.js';
import { FIRESTORE_COMPOSITE_INDEXES } from '../service/store/firestoreIndexes.js';
import { fakeGcloud, type FakeGcloudState } from './support/fake-gcloud.mjs';
import { exampleDeployConfig, REPO_ROOT, runDeploy, writeDeployConfig } from './support/runDeploy.js';

const dir = mkdtempSync(join(tmpdir(), 'tasuki-deploy-idem-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type State = {
  mutations: string[];
  queues: Record<string, { retryConfig: { maxAttempts: number } }>;
  deployedEnv?: Record<string, string>;
  indexes: { name: string; fields: { fieldPath: string; order: string }[] }[];
  services: Record<string, { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } }>;
};

// The image's source, frozen for the test (the repository's own files change under parallel work).
const source = join(dir, 'source');
mkdirSync(join(source, 'service'), { recursive: true });
writeFileSync(join(source, 'Dockerfile'), 'FROM scratch\n');
writeFileSync(join(source, 'service', 'server.ts'), 'export {};\n');

/** Runs scripts/deploy.ts in-process against `state` (mutated like a project would be). */
/** What the deployed service's POST /preflight answers in these tests (set per test). */
let preflightAnswer: PreflightAnswer = { ok: true, checks: [{ id: 'store', what: 'Read the job store', ok: true, detail: 'reachable' }] };
const preflightAsked: Array<{ url: string; token: string }> = [];

async function deployInProcess(configPath: string, state: FakeGcloudState, seenEnv: Record<string, string> = {}, args: string[] = []) {
  let stdout = '';
  let stderr = '';
  const saved = { ...process.env };
  Object.assign(process.env, seenEnv);
  try {
    const code = await deploy(['--config', configPath, '--source', source, ...args], {
      preflight: async (url, token) => {
        preflightAsked.push({ url, token });
        return preflightAnswer;
      },
      out: (l) => (stdout += `${l}\n`),
      err: (l) => (stderr += `${l}\n`),
      gcloud: (args) => {
        const r = fakeGcloud(state, args);
        return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
      },
    });
    return { code, stdout, stderr, output: stdout + stderr };
  } finally {
    for (const k of Object.keys(seenEnv)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

function newProjectFile(secrets: string[]): string {
  const path = join(dir, `state-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ secrets }));
  return path;
}

const SENTINEL = 'S3NTINEL-secret-value-91b2';

test('first run creates everything in order; a second run changes nothing; drift is repaired', async () => {
  const project: FakeGcloudState = { secrets: ['tasuki-portal-acme-user', 'tasuki-portal-acme-password'] };
  const state = project as unknown as State;
  const config = writeDeployConfig(exampleDeployConfig(), dir);
  // A secret value in the operator's environment must never reach gcloud or the output.
  const env = { TASUKI_PORTAL_ACME_PASSWORD: SENTINEL };

  const first = await deployInProcess(config, project, env);
  assert.equal(first.code, 0, first.output);
  const created = [...state.mutations];
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
    at(/^firestore indexes composite create /),
    at(/^tasks queues create tasuki-jobs /),
    at(/^run deploy tasuki /),
    at(/^run services add-iam-policy-binding tasuki .*roles\/run\.invoker/),
    at(/^scheduler jobs create http tasuki-sweep /),
  ];
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'mutations ran in plan order');
  assert.match(first.stdout, /Done: \d+ command\(s\) changed the project/);

  // Each composite index the job store needs was created exactly once, on the new database,
  // after it and before the service; the project now holds exactly those.
  const indexCreates = created.filter((m) => m.startsWith('firestore indexes composite create '));
  assert.equal(indexCreates.length, FIRESTORE_COMPOSITE_INDEXES.length, indexCreates.join('\n'));
  assert.equal(new Set(indexCreates).size, indexCreates.length, 'an index was created twice');
  assert.ok(created.indexOf(indexCreates.at(-1)!) < at(/^run deploy tasuki /));
  const heldFields = (fields: { fieldPath: string; order: string }[]) =>
    fields.filter((f) => f.fieldPath !== '__name__').map((f) => `${f.fieldPath} ${f.order.toLowerCase()}`).join(', ');
  assert.deepEqual(
    state.indexes.map((i) => `${/collectionGroups\/([^/]+)\//.exec(i.name)?.[1]}: ${heldFields(i.fields)}`).sort(),
    FIRESTORE_COMPOSITE_INDEXES.map((i) => `${i.collectionGroup}: ${heldFields(i.fields)}`).sort(),
  );
  assert.ok(state.indexes.some((i) => i.name.includes('/databases/(default)/collectionGroups/jobs/') && heldFields(i.fields) === 'requestedBy ascending, createdAt descending, id descending'));

  // The service was deployed with a complete production environment and its own URL.
  assert.equal(state.deployedEnv?.TASUKI_MODE, 'production');
  assert.equal(state.deployedEnv?.TASUKI_SERVICE_URL, 'https://tasuki-123456789012.asia-northeast1.run.app');
  assert.ok(!JSON.stringify(state).includes(SENTINEL), 'no secret value reached gcloud');
  assert.ok(!first.output.includes(SENTINEL), 'no secret value printed');
  // The deterministic URL is one of the service's URLs, so no second update was needed.
  assert.ok(!created.some((m) => m.startsWith('run services update')), created.join('\n'));
  assert.match(first.stdout, /Service URL: +https:\/\/tasuki-x7y8z9-an\.a\.run\.app/);

  const second = await deployInProcess(config, project, env);
  assert.equal(second.code, 0, second.output);
  assert.deepEqual(state.mutations, created, 'the second run changed something');
  assert.equal(state.indexes.length, FIRESTORE_COMPOSITE_INDEXES.length, 'the second run created an index');
  assert.match(second.stdout, /everything was already up to date; nothing changed/);

  // Drift: someone lowered the queue's maxAttempts by hand → one update, nothing else.
  state.queues['tasuki-jobs']!.retryConfig.maxAttempts = 3;
  const third = await deployInProcess(config, project, env);
  assert.equal(third.code, 0, third.output);
  const added = state.mutations.slice(created.length);
  assert.equal(added.length, 1, added.join('\n'));
  assert.match(added[0]!, /^tasks queues update tasuki-jobs .*--max-attempts=8/);

  // A changed setting redeploys the service (and only that).
  const changed = exampleDeployConfig();
  changed.run.maxInstances = 5;
  const changedPath = writeDeployConfig(changed, dir);
  const before = state.mutations.length;
  const fourth = await deployInProcess(changedPath, project, env);
  assert.equal(fourth.code, 0, fourth.output);
  const redeploy = state.mutations.slice(before);
  assert.deepEqual(redeploy.map((m) => m.split(' --')[0]), ['run deploy tasuki']);
  assert.match(redeploy[0]!, /--max-instances=5/);

  // A revision whose TASUKI_SERVICE_URL is not one of the service's URLs gets status.url.
  const container = state.services.tasuki!.spec.template.spec.containers[0]!;
  container.env = container.env.map((e) => (e.name === 'TASUKI_SERVICE_URL' ? { ...e, value: 'https://stale.example' } : e));
  const staleFrom = state.mutations.length;
  const fifth = await deployInProcess(changedPath, project, env);
  assert.equal(fifth.code, 0, fifth.output);
  // …and the Scheduler jobs follow it (their URI and OIDC audience are the service URL).
  assert.deepEqual(
    state.mutations.slice(staleFrom).map((m) => `${m.split(' --')[0]} ${/--update-env-vars=\S+|--oidc-token-audience=\S+/.exec(m)?.[0]}`),
    [
      'run services update tasuki --update-env-vars=TASUKI_SERVICE_URL=https://tasuki-x7y8z9-an.a.run.app',
      'scheduler jobs update http tasuki-sweep --oidc-token-audience=https://tasuki-x7y8z9-an.a.run.app',
      'scheduler jobs update http tasuki-schedule-scrape-acme --oidc-token-audience=https://tasuki-x7y8z9-an.a.run.app',
      'scheduler jobs update http tasuki-schedule-sync-schedule --oidc-token-audience=https://tasuki-x7y8z9-an.a.run.app',
    ],
  );

  // An index deleted by hand is created again, and only that one.
  const dropped = state.indexes.find((i) => heldFields(i.fields) === 'status ascending, createdAt descending, id descending')!;
  state.indexes = state.indexes.filter((i) => i !== dropped);
  const droppedFrom = state.mutations.length;
  const sixth = await deployInProcess(changedPath, project, env);
  assert.equal(sixth.code, 0, sixth.output);
  const recreated = state.mutations.slice(droppedFrom);
  assert.equal(recreated.length, 1, recreated.join('\n'));
  assert.match(recreated[0]!, /^firestore indexes composite create --collection-group=jobs --query-scope=COLLECTION --field-config=field-path=status,order=ascending --field-config=field-path=createdAt,order=descending --field-config=field-path=id,order=descending /);
  assert.equal(state.indexes.length, FIRESTORE_COMPOSITE_INDEXES.length);
});

test('Scheduler jobs: created once with the invoker\'s OIDC token; a changed schedule is updated, a removed one deleted; an old allUsers binding is removed', async () => {
  const project: FakeGcloudState = { secrets: ['tasuki-portal-acme-user', 'tasuki-portal-acme-password'] };
  const state = project as unknown as State & { schedulerJobs: Record<string, { schedule: string; timeZone: string; httpTarget: { uri: string; oidcToken: { serviceAccountEmail: string; audience: string } } }>; policies: Record<string, { bindings: { role: string; members: string[] }[] }> };
  const config = exampleDeployConfig();
  const first = await deployInProcess(writeDeployConfig(config, dir), project);
  assert.equal(first.code, 0, first.output);
  const jobs = state.schedulerJobs;
  const prefix = 'projects/my-office-tasuki/locations/asia-northeast1/jobs/';
  assert.deepEqual(Object.keys(jobs).sort(), ['tasuki-schedule-scrape-acme', 'tasuki-schedule-sync-schedule', 'tasuki-sweep'].map((id) => prefix + id));
  const scrape = jobs[`${prefix}tasuki-schedule-scrape-acme`]!;
  assert.equal(scrape.schedule, '0 8 * * MON-FRI');
  assert.equal(scrape.timeZone, 'Asia/Tokyo');
  assert.equal(scrape.httpTarget.uri, 'https://tasuki-123456789012.asia-northeast1.run.app/schedules/scrape-acme/run');
  assert.deepEqual(scrape.httpTarget.oidcToken, { serviceAccountEmail: 'tasuki-invoker@my-office-tasuki.iam.gserviceaccount.com', audience: 'https://tasuki-123456789012.asia-northeast1.run.app' });
  assert.equal(state.deployedEnv?.TASUKI_SCHEDULE_USER, 'office@example.co.jp');
  assert.deepEqual(JSON.parse(state.deployedEnv!.TASUKI_SCHEDULES!).map((s: { id: string }) => s.id), ['scrape-acme', 'sync-schedule']);

  const again = await deployInProcess(writeDeployConfig(config, dir), project);
  assert.match(again.stdout, /nothing changed/);

  // Someone made the service public the old way: the next deploy takes allUsers away again.
  state.policies['run:tasuki']!.bindings.push({ role: 'roles/run.invoker', members: ['allUsers'] });
  let from = state.mutations.length;
  assert.equal((await deployInProcess(writeDeployConfig(config, dir), project)).code, 0);
  assert.deepEqual(state.mutations.slice(from).map((m) => m.split(' --project')[0]), ['run services remove-iam-policy-binding tasuki --region=asia-northeast1 --member=allUsers --role=roles/run.invoker']);
  assert.ok(!JSON.stringify(state.policies['run:tasuki']).includes('allUsers'));

  // The scrape moves to 09:00; the schedule sync is dropped from the file.
  config.schedules[0].cron = '0 9 * * MON-FRI';
  config.schedules.splice(1, 1);
  from = state.mutations.length;
  assert.equal((await deployInProcess(writeDeployConfig(config, dir), project)).code, 0);
  const changed = state.mutations.slice(from).map((m) => m.split(' --')[0]);
  assert.deepEqual(changed, ['run deploy tasuki', 'scheduler jobs update http tasuki-schedule-scrape-acme', 'scheduler jobs delete tasuki-schedule-sync-schedule']);
  assert.equal(jobs[`${prefix}tasuki-schedule-scrape-acme`]!.schedule, '0 9 * * MON-FRI');
  assert.equal(jobs[`${prefix}tasuki-schedule-sync-schedule`], undefined);
  assert.ok(jobs[`${prefix}tasuki-sweep`], 'the sweep stays');
});

test('every deploy ends with the preflight as the invoker; --check runs only it; its failures fail the command with their fixes', async () => {
  const project: FakeGcloudState = { secrets: ['tasuki-portal-acme-user', 'tasuki-portal-acme-password'] };
  const config = writeDeployConfig(exampleDeployConfig(), dir);
  preflightAsked.length = 0;
  const first = await deployInProcess(config, project);
  assert.equal(first.code, 0, first.output);
  assert.equal(preflightAsked.length, 1);
  assert.equal(preflightAsked[0]!.url, 'https://tasuki-123456789012.asia-northeast1.run.app');
  const claims = JSON.parse(Buffer.from(preflightAsked[0]!.token.split('.')[1]!, 'base64url').toString());
  assert.deepEqual(claims, { aud: 'https://tasuki-123456789012.asia-northeast1.run.app', email: 'tasuki-invoker@my-office-tasuki.iam.gserviceaccount.com' });
  assert.match(first.stdout, /Preflight: https:\/\/tasuki-123456789012\.asia-northeast1\.run\.app\/preflight, as tasuki-invoker@/);
  assert.match(first.stdout, /✓ Read the job store — reachable\nAll 1 checks passed\./);

  const mutations = (project.mutations ?? []).length;
  preflightAnswer = { ok: false, checks: [{ id: 'chat-space', what: 'Post and delete a message in the team space', ok: false, detail: '403: not a member', fix: 'add the tasuki Chat app to spaces/AAAA' }] };
  try {
    const check = await deployInProcess(config, project, {}, ['--check']);
    assert.equal(check.code, 1);
    assert.equal((project.mutations ?? []).length, mutations, '--check changes nothing');
    assert.match(check.stderr, /✗ Post and delete a message in the team space\n {4}Google said: 403: not a member\n {4}fix: add the tasuki Chat app/);
    const again = await deployInProcess(config, project);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /the deployment is done, but the preflight found problems/);
    assert.equal((await deployInProcess(config, project, {}, ['--no-check'])).code, 0);
  } finally {
    preflightAnswer = { ok: true, checks: [{ id: 'store', what: 'Read the job store', ok: true, detail: 'reachable' }] };
  }
  (project as Record<string, unknown>).noTokenCreator = true;
  const denied = await deployInProcess(config, project, {}, ['--check']);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /cannot mint an ID token of tasuki-invoker@.*\n {2}gcloud iam service-accounts add-iam-policy-binding tasuki-invoker@my-office-tasuki\.iam\.gserviceaccount\.com --member=user:\$\(gcloud config get-value account\) --role=roles\/iam\.serviceAccountTokenCreator/);
});

test('a project the account cannot see stops the run before anything changes', async () => {
  const project: FakeGcloudState = { secrets: [], projectMissing: true };
  const run = await deployInProcess(writeDeployConfig(exampleDeployConfig(), dir), project);
  assert.equal(run.code, 1, run.output);
  assert.match(run.stderr, /cannot read project my-office-tasuki \(ERROR: \(gcloud\) The project \[my-office-tasuki\] does not exist/);
  assert.deepEqual(project.mutations, []);
});

test('through the CLI with gcloud as a real executable: a missing secret stops the run before the deploy', async () => {
  const gcloud = join(dir, 'gcloud');
  writeFileSync(gcloud, `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'test', 'support', 'fake-gcloud.mjs')}" "$@"\n`);
  chmodSync(gcloud, 0o755);
  const statePath = newProjectFile(['tasuki-portal-acme-user']);
  const config = writeDeployConfig(exampleDeployConfig(), dir);
  const run = await runDeploy(['--config', config, '--gcloud', gcloud, '--source', source], { FAKE_GCLOUD_STATE: statePath });
  assert.equal(run.code, 1, run.output);
  assert.match(run.stdout, /Deploying tasuki to project my-office-tasuki as operator@example\.co\.jp/);
  assert.match(run.stderr, /Secret Manager secret "tasuki-portal-acme-password" is missing or unreadable/);
  assert.match(run.stderr, /gcloud secrets create tasuki-portal-acme-password --data-file=-/);
  const mutations = (JSON.parse(readFileSync(statePath, 'utf8')) as State).mutations;
  assert.ok(mutations.some((m) => m.startsWith('services enable')), 'earlier steps ran');
  assert.ok(!mutations.some((m) => m.startsWith('run deploy')), 'the service was not deployed');
});
