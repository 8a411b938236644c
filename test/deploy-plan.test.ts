/**
 * `npm run deploy -- --dry-run` over deploy.config.example.json: the plan is complete (every API,
 * account, role, the database and the job store's composite indexes, the queue with tasuki's settings, the Cloud Run deploy with its
 * flags, the invoker binding), ordered, runs nothing, and never shows a secret value; bad
 * configurations are refused naming the field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TASUKI_QUEUE_SETTINGS } from '../service/queue/queueSettings.js';
import { FIRESTORE_COMPOSITE_INDEXES } from '../service/store/firestoreIndexes.js';
import { DeployConfigError, parseDeployConfig } from '../scripts/deploy/deployConfig.js';
import { buildPlan } from '../scripts/deploy/plan.js';
import { exampleDeployConfig, runDeploy, writeDeployConfig } from './support/runDeploy.js';

const PROJECT = 'my-office-tasuki';
const RUNTIME = `tasuki-runtime@${PROJECT}.iam.gserviceaccount.com`;
const INVOKER = `tasuki-invoker@${PROJECT}.iam.gserviceaccount.com`;
const SENTINEL = 'S3NTINEL-do-not-print-7f3a9c';

const dir = mkdtempSync(join(tmpdir(), 'tasuki-deploy-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The commands of a dry-run plan (non-comment lines), in order. */
function commands(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('gcloud '));
}

function indexOf(cmds: string[], needle: RegExp): number {
  const i = cmds.findIndex((c) => needle.test(c));
  assert.notEqual(i, -1, `the plan has no command matching ${needle}:\n${cmds.join('\n')}`);
  return i;
}

test('dry run of the example configuration: complete, ordered plan; runs nothing', async () => {
  // A gcloud that cannot run proves the dry run runs nothing, not even the read-only checks.
  const run = await runDeploy(['--config', 'deploy.config.example.json', '--dry-run', '--gcloud', '/nonexistent/gcloud']);
  assert.equal(run.code, 0, run.output);
  const cmds = commands(run.stdout);

  const apis = indexOf(cmds, /^gcloud services enable /);
  for (const api of ['run', 'cloudtasks', 'firestore', 'chat', 'drive', 'sheets', 'docs', 'gmail', 'calendar-json', 'secretmanager', 'iamcredentials', 'cloudbuild', 'artifactregistry', 'cloudscheduler']) {
    assert.match(cmds[apis]!, new RegExp(` ${api.replace('-', '\\-')}\\.googleapis\\.com `), `API ${api}`);
  }
  const saRuntime = indexOf(cmds, /^gcloud iam service-accounts create tasuki-runtime /);
  const saInvoker = indexOf(cmds, /^gcloud iam service-accounts create tasuki-invoker /);
  const roles = ['roles/datastore.user', 'roles/cloudtasks.enqueuer', 'roles/logging.logWriter'].map((role) =>
    indexOf(cmds, new RegExp(`^gcloud projects add-iam-policy-binding ${PROJECT} --member=serviceAccount:${RUNTIME} --role=${role.replace('.', '\\.')} `)),
  );
  const actAs = indexOf(cmds, new RegExp(`^gcloud iam service-accounts add-iam-policy-binding ${INVOKER} --member=serviceAccount:${RUNTIME} --role=roles/iam\\.serviceAccountUser`));
  const secretUser = indexOf(cmds, new RegExp(`^gcloud secrets add-iam-policy-binding tasuki-portal-acme-user --member=serviceAccount:${RUNTIME} --role=roles/secretmanager\\.secretAccessor`));
  const secretPassword = indexOf(cmds, /^gcloud secrets add-iam-policy-binding tasuki-portal-acme-password /);
  const firestore = indexOf(cmds, /^gcloud firestore databases create '--database=\(default\)' --location=asia-northeast1 --type=firestore-native /);
  // Every composite index the job store lists (one create each, on the configured database),
  // among them the one GET /v1/jobs?mine=1&status=… needs.
  const indexCmds = cmds.filter((c) => c.startsWith('gcloud firestore indexes composite create '));
  assert.equal(indexCmds.length, FIRESTORE_COMPOSITE_INDEXES.length, indexCmds.join('\n'));
  const fieldConfigs = (fields: string[]) => fields.map((f) => ` --field-config=field-path=${f.replace(' ', ',order=')}`).join('');
  for (const index of FIRESTORE_COMPOSITE_INDEXES) {
    const configs = fieldConfigs(index.fields.map((f) => `${f.fieldPath} ${f.order}`));
    assert.ok(
      indexCmds.some((c) => c.includes(` --collection-group=${index.collectionGroup} `) && c.includes(`${configs} '--database=(default)' --project ${PROJECT} --async`)),
      `no create for index ${JSON.stringify(index)}:\n${indexCmds.join('\n')}`,
    );
  }
  const mineByStatus = indexOf(cmds, new RegExp(
    `^gcloud firestore indexes composite create --collection-group=jobs --query-scope=COLLECTION${
      fieldConfigs(['requestedBy ascending', 'status ascending', 'createdAt descending', 'id descending'])
    } '--database=\\(default\\)' `,
  ));
  const indexes = indexCmds.map((c) => cmds.indexOf(c));
  const queue = indexOf(cmds, /^gcloud tasks queues create tasuki-jobs --location=asia-northeast1 /);
  const deploy = indexOf(cmds, /^gcloud run deploy tasuki /);
  const invoker = indexOf(cmds, new RegExp(`^gcloud run services add-iam-policy-binding tasuki --region=asia-northeast1 --member=serviceAccount:${INVOKER} --role=roles/run\\.invoker`));

  // APIs before accounts before IAM before Firestore/queue before deploy; run.invoker needs the service.
  assert.ok(apis < Math.min(saRuntime, saInvoker));
  assert.ok(Math.max(saRuntime, saInvoker) < Math.min(...roles, actAs, secretUser, secretPassword));
  assert.ok(Math.max(...roles, actAs, secretUser, secretPassword) < Math.min(firestore, queue));
  assert.ok(Math.max(firestore, queue) < deploy);
  // The indexes need the database and must exist before the service's first filtered list.
  assert.ok(indexes.includes(mineByStatus));
  assert.ok(firestore < Math.min(...indexes) && Math.max(...indexes) < deploy, 'indexes after the database, before the deploy');
  assert.ok(deploy < invoker);

  // The queue carries the settings the queue adapter exports (one source of truth).
  const s = TASUKI_QUEUE_SETTINGS;
  for (const flag of [
    '--max-attempts=8', `--min-backoff=${s.minBackoffSeconds}s`, `--max-backoff=${s.maxBackoffSeconds}s`,
    `--max-doublings=${s.maxDoublings}`, `--max-dispatches-per-second=${s.maxDispatchesPerSecond}`,
    `--max-concurrent-dispatches=${s.maxConcurrentDispatches}`,
  ]) assert.ok(cmds[queue]!.includes(` ${flag} `), `queue flag ${flag} in ${cmds[queue]}`);

  const d = cmds[deploy]!;
  for (const flag of ['--source=.', `--service-account=${RUNTIME}`, '--no-invoker-iam-check', '--concurrency=10', '--min-instances=0', '--max-instances=3', '--region=asia-northeast1']) {
    assert.ok(d.includes(` ${flag} `), `deploy flag ${flag} in ${d}`);
  }
  const timeout = Number(/--timeout=(\d+)/.exec(d)?.[1]);
  assert.ok(timeout >= 600, `Cloud Run timeout ${timeout} must be at least the 600 s dispatch deadline`);
  assert.match(d, /--set-secrets=TASUKI_PORTAL_ACME_USER=tasuki-portal-acme-user:latest,TASUKI_PORTAL_ACME_PASSWORD=tasuki-portal-acme-password:latest /);
  assert.match(d, /--env-vars-file=\S+ /);

  // The environment the service gets is shown, complete and in production mode.
  for (const line of [
    'TASUKI_MODE: "production"', `TASUKI_INVOKER_SA: "${INVOKER}"`, 'TASUKI_STORE: "firestore"', 'TASUKI_QUEUE_MAX_ATTEMPTS: "8"',
    'TASUKI_DISPATCH_DEADLINE_SECONDS: "600"', 'TASUKI_SERVICE_URL: "https://tasuki-<PROJECT_NUMBER>.asia-northeast1.run.app"',
    'TASUKI_CHAT_SPACE: "spaces/AAAAbCdEfGh"',
  ]) assert.ok(run.stdout.includes(`#   ${line}`), `env file shows ${line}`);

  // Public without allUsers, and the plan says which organization policy that meets.
  assert.ok(!cmds.some((c) => /allUsers|--allow-unauthenticated/.test(c)), 'no allUsers binding anywhere in the plan');
  assert.match(run.stdout, /# note: public without allUsers: --no-invoker-iam-check .*"Domain restricted sharing" organization policy \(iam\.allowedPolicyMemberDomains \/ iam\.managed\.allowedPolicyMembers\)/);

  // Cloud Scheduler: the reconciler's sweep every minute and one job per configured schedule, in
  // the office's time zone, each POSTing with the invoker's OIDC token (audience: the service URL),
  // after the service exists.
  const url = 'https://tasuki-<PROJECT_NUMBER>.asia-northeast1.run.app';
  const scheduler = (id: string) => indexOf(cmds, new RegExp(`^gcloud scheduler jobs create http ${id} --location=asia-northeast1 `));
  const jobs = { sweep: scheduler('tasuki-sweep'), scrape: scheduler('tasuki-schedule-scrape-acme'), sync: scheduler('tasuki-schedule-sync-schedule') };
  for (const [name, i] of Object.entries(jobs)) {
    const c = cmds[i]!;
    assert.ok(i > invoker, `${name} after the service and its invoker binding`);
    assert.ok(c.includes(` --http-method=POST --oidc-service-account-email=${INVOKER} '--oidc-token-audience=${url}' `), c);
  }
  assert.ok(cmds[jobs.sweep]!.includes(` '--schedule=* * * * *' --time-zone=Etc/UTC '--uri=${url}/tasks/sweep' `), cmds[jobs.sweep]);
  assert.ok(cmds[jobs.scrape]!.includes(` '--schedule=0 8 * * MON-FRI' --time-zone=Asia/Tokyo '--uri=${url}/schedules/scrape-acme/run' `), cmds[jobs.scrape]);
  assert.ok(cmds[jobs.sync]!.includes(` '--schedule=30 7 * * *' --time-zone=Asia/Tokyo '--uri=${url}/schedules/sync-schedule/run' `), cmds[jobs.sync]);
  assert.ok(run.stdout.includes(`#   TASUKI_SCHEDULE_USER: "office@example.co.jp"`));
  assert.match(run.stdout, /#   TASUKI_SCHEDULES: ".*scrape-acme.*sync-schedule.*"/);

  // What the add-on needs is printed at the end.
  assert.match(run.stdout, /urlFetchWhitelist: https:\/\/tasuki-<PROJECT_NUMBER>\.asia-northeast1\.run\.app\//);
  assert.match(run.stdout, /TASUKI_SERVICE_URL=https:\/\/\S+ npm run push/);
});

test('run.publicAccess "allUsers" deploys with --allow-unauthenticated, and says where that fails', async () => {
  const config = exampleDeployConfig();
  config.run.publicAccess = 'allUsers';
  const run = await runDeploy(['--config', writeDeployConfig(config, dir), '--dry-run']);
  assert.equal(run.code, 0, run.output);
  const deploy = commands(run.stdout).find((c) => c.startsWith('gcloud run deploy '))!;
  assert.match(deploy, / --allow-unauthenticated /);
  assert.doesNotMatch(deploy, /--no-invoker-iam-check/);
  assert.match(run.stdout, /# note: public through an allUsers run\.invoker binding .*refused where the "Domain restricted sharing" organization policy/);
});

test('the example\'s placeholder values are warned about, field by field; a filled-in file gets no warning', async () => {
  const example = await runDeploy(['--config', 'deploy.config.example.json', '--dry-run']);
  assert.equal(example.code, 0, 'a warning, not a refusal');
  for (const field of ['project', 'scriptClientId', 'access.domains.0', 'workspace.chatSpace', 'workspace.projectsFolderId', 'workspace.calendarId', 'scheduleUser', 'env.TASUKI_PORTALS.0.url', 'env.TASUKI_PORTALS.0.login.url']) {
    assert.match(example.stderr, new RegExp(`deploy: warning: ${field.replace(/\./g, '\\.')} still holds the example's placeholder`), field);
  }
  const mine = exampleDeployConfig();
  mine.project = 'atelier-tasuki-prod';
  mine.scriptClientId = '987654321098-zyxwvutsrqponmlkjihgfedcba987654.apps.googleusercontent.com';
  mine.access.domains = ['atelier.example.jp'];
  mine.scheduleUser = 'office@atelier.example.jp';
  for (const key of Object.keys(mine.workspace)) mine.workspace[key] = key === 'chatSpace' ? 'spaces/AAAArealSpace' : `${mine.workspace[key]}-real`;
  mine.env.TASUKI_PORTALS[0].url = 'https://orders.acme.co.jp/list';
  mine.env.TASUKI_PORTALS[0].login.url = 'https://orders.acme.co.jp/login';
  const filled = await runDeploy(['--config', writeDeployConfig(mine, dir), '--dry-run']);
  assert.equal(filled.code, 0, filled.output);
  assert.doesNotMatch(filled.stderr, /warning/);
});

test('no secret value ever appears in the plan, whatever the environment holds', async () => {
  const config = exampleDeployConfig();
  const path = writeDeployConfig(config, dir);
  const run = await runDeploy(['--config', path, '--dry-run'], {
    TASUKI_PORTAL_ACME_USER: SENTINEL,
    TASUKI_PORTAL_ACME_PASSWORD: SENTINEL,
    CLOUDSDK_AUTH_ACCESS_TOKEN: SENTINEL,
    TASUKI_SCRIPT_CLIENT_ID: SENTINEL,
  });
  assert.equal(run.code, 0, run.output);
  assert.ok(!run.output.includes(SENTINEL), 'a secret value leaked into the plan');
  assert.match(run.stdout, /TASUKI_PORTAL_ACME_PASSWORD=tasuki-portal-acme-password:latest/);
});

test('a secret value written under env is refused, named, and not echoed', async () => {
  const config = exampleDeployConfig();
  config.env.TASUKI_PORTAL_ACME_PASSWORD = SENTINEL;
  delete config.secrets.TASUKI_PORTAL_ACME_PASSWORD;
  const run = await runDeploy(['--config', writeDeployConfig(config, dir), '--dry-run']);
  assert.equal(run.code, 1, run.output);
  assert.match(run.stderr, /env\.TASUKI_PORTAL_ACME_PASSWORD: looks like a secret; store it in Secret Manager/);
  assert.ok(!run.output.includes(SENTINEL));
});

test('a portal with a login needs both credential secrets', async () => {
  const config = exampleDeployConfig();
  delete config.secrets.TASUKI_PORTAL_ACME_USER;
  const run = await runDeploy(['--config', writeDeployConfig(config, dir), '--dry-run']);
  assert.equal(run.code, 1, run.output);
  assert.match(run.stderr, /TASUKI_PORTAL_ACME_USER is missing; portal "acme" has a login/);
});

test('provider freee: the client secret mounted, the token secret created if missing and granted read and new versions', async () => {
  const config = exampleDeployConfig();
  Object.assign(config.env, { TASUKI_BILLING_PROVIDER: 'freee', TASUKI_FREEE_CLIENT_ID: 'abc123', TASUKI_FREEE_TOKEN_SECRET_ID: 'tasuki-freee-token' });
  config.secrets.TASUKI_FREEE_CLIENT_SECRET = 'tasuki-freee-client-secret';
  const run = await runDeploy(['--config', writeDeployConfig(config, dir), '--dry-run']);
  assert.equal(run.code, 0, run.output);
  const cmds = commands(run.stdout);
  indexOf(cmds, new RegExp(`^gcloud secrets add-iam-policy-binding tasuki-freee-client-secret --member=serviceAccount:${RUNTIME} --role=roles/secretmanager\\.secretAccessor`));
  const create = indexOf(cmds, /^gcloud secrets create tasuki-freee-token --replication-policy=automatic --project my-office-tasuki$/);
  const read = indexOf(cmds, new RegExp(`^gcloud secrets add-iam-policy-binding tasuki-freee-token --member=serviceAccount:${RUNTIME} --role=roles/secretmanager\\.secretAccessor`));
  const versions = indexOf(cmds, new RegExp(`^gcloud secrets add-iam-policy-binding tasuki-freee-token --member=serviceAccount:${RUNTIME} --role=roles/secretmanager\\.secretVersionManager`));
  assert.ok(create < read && read < versions && versions < indexOf(cmds, /^gcloud run deploy /));
  assert.match(run.stdout, /--set-secrets=[^ ]*TASUKI_FREEE_CLIENT_SECRET=tasuki-freee-client-secret:latest/);
  assert.match(run.stdout, /npm run freee:connect/);

  // Against a project where the secret exists and the roles are held, nothing is left to do.
  const step = buildPlan(parseDeployConfig(config), { envFile: '/tmp/env.yaml', sourceDigest: 'x' }).steps.find((st) => st.title.startsWith('Secret tasuki-freee-token'))!;
  const policy = { bindings: ['roles/secretmanager.secretAccessor', 'roles/secretmanager.secretVersionManager'].map((role) => ({ role, members: [`serviceAccount:${RUNTIME}`] })) };
  assert.deepEqual(step.apply({ ok: true, stdout: JSON.stringify(policy), stderr: '' }, {}), []);
  assert.equal(step.apply({ ok: false, stdout: '', stderr: 'NOT_FOUND' }, {})[0]!.join(' '), 'gcloud secrets create tasuki-freee-token --replication-policy=automatic --project my-office-tasuki');

  // The built-in provider plans no freee secret.
  assert.doesNotMatch((await runDeploy(['--config', 'deploy.config.example.json', '--dry-run'])).stdout, /freee/);
});

test('bad or incomplete configurations are refused naming the field', async () => {
  const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
    ['workspace id missing', (c) => delete c.workspace.calendarId, /workspace\.calendarId/],
    ['bad project id', (c) => (c.project = 'My_Project'), /project: must be a Google Cloud project id/],
    ['bad chat space', (c) => (c.workspace.chatSpace = 'general'), /TASUKI_CHAT_SPACE is invalid: must look like spaces\//],
    ['unknown variable', (c) => (c.env.TASUKI_NOPE = 'x'), /env\.TASUKI_NOPE: not a tasuki variable/],
    ['local-only variable', (c) => (c.env.TASUKI_TASKS_EMULATOR = '127.0.0.1:8123'), /env\.TASUKI_TASKS_EMULATOR: only allowed in local mode/],
    ['derived variable', (c) => (c.env.TASUKI_SERVICE_URL = 'https://x.example'), /env\.TASUKI_SERVICE_URL: set by the deploy script/],
    ['nobody allowed', (c) => (c.access = { domains: [], emails: [] }), /access: name at least one Workspace domain/],
    ['deadline too long', (c) => (c.dispatchDeadlineSeconds = 3600), /dispatchDeadlineSeconds/],
    ['bad cron', (c) => (c.schedules[0].cron = '0 8 L * *'), /TASUKI_SCHEDULES is invalid: 0\.cron: "0 8 L \* \*"/],
    ['schedule of an unknown portal', (c) => (c.schedules[0].input.portal = 'ghost'), /schedule "scrape-acme" scrapes portal "ghost"/],
    ['schedule user not allowed', (c) => (c.scheduleUser = 'bot@elsewhere.example'), /TASUKI_SCHEDULE_USER bot@elsewhere\.example is not an allowed user/],
    ['schedules without a user', (c) => delete c.scheduleUser, /TASUKI_SCHEDULE_USER is missing/],
    ['bad public access', (c) => (c.run.publicAccess = 'everyone'), /run\.publicAccess/],
  ];
  // In-process (the CLI wraps exactly these two calls; it is run end to end above).
  for (const [name, change, expected] of cases) {
    const config = exampleDeployConfig();
    change(config);
    assert.throws(
      () => buildPlan(parseDeployConfig(config), { envFile: '/tmp/env.yaml', sourceDigest: 'x' }),
      (err: unknown) => err instanceof DeployConfigError && expected.test(err.message),
      name,
    );
  }
  const missing = await runDeploy(['--config', '/nonexistent/deploy.config.json', '--dry-run']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /copy deploy\.config\.example\.json to deploy\.config\.json/);
  const usage = await runDeploy(['--bogus']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown argument --bogus/);
});
