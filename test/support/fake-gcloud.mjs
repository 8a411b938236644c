#!/usr/bin/env node
/**
 * A stand-in for the Google Cloud CLI, for the deploy script's tests: just the gcloud commands
 * `npm run deploy` uses, over a project state kept in the JSON file named by FAKE_GCLOUD_STATE.
 * Reads answer like gcloud (describe fails when absent, --format=json shapes as the APIs return
 * them); every mutating command is appended to state.mutations so a test can see what changed.
 * Plain JavaScript so that each invocation is a bare `node` start (the deploy script spawns it
 * dozens of times); tests that drive scripts/deploy.ts in-process call `fakeGcloud` directly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

class GcloudError extends Error {}

/** Runs one gcloud command against `state` (mutated in place); answers like the CLI would. */
export function fakeGcloud(state, args) {
  state.apis ??= [];
  state.accounts ??= [];
  state.policies ??= {};
  state.secrets ??= [];
  state.databases ??= [];
  state.indexes ??= [];
  state.queues ??= {};
  state.services ??= {};
  state.schedulerJobs ??= {};
  state.mutations ??= [];
  state.projectNumber ??= '123456789012';
  let stdout = '';
  try {
    run();
    return { status: 0, stdout, stderr: '' };
  } catch (err) {
    if (err instanceof GcloudError) return { status: 1, stdout, stderr: err.message };
    throw err;
  }

  function run() {
    const flags = {};
    const positional = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
        else if (args[i + 1] !== undefined && !args[i + 1].startsWith('--') && ['project', 'region', 'location'].includes(a.slice(2))) flags[a.slice(2)] = args[++i];
        else flags[a.slice(2)] = true;
      } else positional.push(a);
    }
    const cmd = positional.join(' ');
    const has = (prefix) => cmd === prefix || cmd.startsWith(`${prefix} `);
    const arg = (prefix) => cmd.slice(prefix.length + 1).split(' ');

    function out(value) {
      stdout += typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`;
    }
    function fail(message) {
      throw new GcloudError(`ERROR: (gcloud) ${message}\n`);
    }
    function mutate() {
      state.mutations.push(args.join(' '));
    }
    function policy(resource) {
      return (state.policies[resource] ??= { bindings: [], etag: 'BwX' });
    }
    function bind(resource) {
      const p = policy(resource);
      let b = p.bindings.find((x) => x.role === flags.role);
      if (!b) p.bindings.push((b = { role: flags.role, members: [] }));
      if (!b.members.includes(flags.member)) b.members.push(flags.member);
      mutate();
      out(p);
    }
    const seconds = (v) => `${Number.parseFloat(v)}s`;

    if (has('auth list')) out('operator@example.co.jp');
    else if (has('auth print-identity-token')) {
      if (state.noTokenCreator) fail(`PERMISSION_DENIED: Permission 'iam.serviceAccounts.getOpenIdToken' denied on resource (or it may not exist).`);
      out(`fake-id-token.${Buffer.from(JSON.stringify({ aud: flags.audiences, email: flags['impersonate-service-account'] })).toString('base64url')}`);
    }
    else if (has('projects describe')) {
      if (state.projectMissing) fail(`The project [${arg('projects describe')[0]}] does not exist or you do not have permission.`);
      out(state.projectNumber);
    }
    else if (has('services list')) out(state.apis.join('\n'));
    else if (has('services enable')) {
      for (const api of arg('services enable')) if (!state.apis.includes(api)) state.apis.push(api);
      mutate();
    } else if (has('iam service-accounts describe')) {
      const email = arg('iam service-accounts describe')[0];
      if (!state.accounts.includes(email)) fail(`NOT_FOUND: Unknown service account ${email}`);
      out(email);
    } else if (has('iam service-accounts create')) {
      const email = `${arg('iam service-accounts create')[0]}@${flags.project}.iam.gserviceaccount.com`;
      if (state.accounts.includes(email)) fail(`ALREADY_EXISTS: ${email}`);
      state.accounts.push(email);
      mutate();
    } else if (has('iam service-accounts get-iam-policy')) out(policy(`sa:${arg('iam service-accounts get-iam-policy')[0]}`));
    else if (has('iam service-accounts add-iam-policy-binding')) bind(`sa:${arg('iam service-accounts add-iam-policy-binding')[0]}`);
    else if (has('projects get-iam-policy')) out(policy(`project:${arg('projects get-iam-policy')[0]}`));
    else if (has('projects add-iam-policy-binding')) bind(`project:${arg('projects add-iam-policy-binding')[0]}`);
    else if (has('secrets get-iam-policy')) {
      const name = arg('secrets get-iam-policy')[0];
      if (!state.secrets.includes(name)) fail(`NOT_FOUND: Secret [projects/${state.projectNumber}/secrets/${name}] not found or has no versions.`);
      out(policy(`secret:${name}`));
    } else if (has('secrets add-iam-policy-binding')) bind(`secret:${arg('secrets add-iam-policy-binding')[0]}`);
    else if (has('firestore databases describe')) {
      const db = state.databases.find((d) => d.name === flags.database);
      if (!db) fail(`NOT_FOUND: database ${flags.database} does not exist`);
      out(db);
    } else if (has('firestore databases create')) {
      if (state.databases.some((d) => d.name === flags.database)) fail('ALREADY_EXISTS');
      state.databases.push({ name: flags.database, locationId: flags.location, type: flags.type === 'firestore-native' ? 'FIRESTORE_NATIVE' : flags.type });
      mutate();
    } else if (has('firestore indexes composite list')) {
      const database = flags.database ?? '(default)';
      if (!state.databases.some((d) => d.name === database)) fail(`NOT_FOUND: database ${database} does not exist`);
      out(state.indexes.filter((i) => i.name.includes(`/databases/${database}/`)));
    } else if (has('firestore indexes composite create')) {
      const database = flags.database ?? '(default)';
      if (!state.databases.some((d) => d.name === database)) fail(`NOT_FOUND: database ${database} does not exist`);
      // --field-config repeats (one per field), so read every occurrence, in order.
      const fields = args.filter((a) => a.startsWith('--field-config=')).map((a) => {
        const kv = Object.fromEntries(a.slice('--field-config='.length).split(',').map((pair) => pair.split('=')));
        if (!kv['field-path'] || !['ascending', 'descending'].includes(kv.order)) fail(`argument --field-config: bad value ${a}`);
        return { fieldPath: kv['field-path'], order: kv.order.toUpperCase() };
      });
      if (!fields.length) fail('argument --field-config: Must be specified.');
      const last = fields[fields.length - 1];
      // Like Firestore: every composite index ends in __name__, in the direction of its last field.
      if (last.fieldPath !== '__name__') fields.push({ fieldPath: '__name__', order: last.order });
      const queryScope = String(flags['query-scope'] ?? 'collection').toUpperCase().replace(/-/g, '_');
      const prefix = `projects/${flags.project}/databases/${database}/collectionGroups/${flags['collection-group']}/indexes/`;
      const same = (i) => i.name.startsWith(prefix) && i.queryScope === queryScope && JSON.stringify(i.fields) === JSON.stringify(fields);
      if (state.indexes.some(same)) fail('ALREADY_EXISTS: index already exists');
      state.indexes.push({ name: `${prefix}CICAgOi3${state.indexes.length + 1}`, queryScope, fields, state: flags.async ? 'CREATING' : 'READY' });
      mutate();
    } else if (has('tasks queues describe')) {
      const q = state.queues[arg('tasks queues describe')[0]];
      if (!q) fail('NOT_FOUND: Requested entity was not found.');
      out(q);
    } else if (has('tasks queues create') || has('tasks queues update')) {
      const id = arg(has('tasks queues create') ? 'tasks queues create' : 'tasks queues update')[0];
      if (has('tasks queues create') && state.queues[id]) fail('ALREADY_EXISTS');
      state.queues[id] = {
        name: `projects/${flags.project}/locations/${flags.location}/queues/${id}`,
        rateLimits: {
          maxBurstSize: 100,
          maxConcurrentDispatches: Number(flags['max-concurrent-dispatches']),
          maxDispatchesPerSecond: Number(flags['max-dispatches-per-second']),
        },
        retryConfig: {
          maxAttempts: Number(flags['max-attempts']),
          maxBackoff: seconds(flags['max-backoff']),
          maxDoublings: Number(flags['max-doublings']),
          minBackoff: seconds(flags['min-backoff']),
          ...(Number.parseFloat(flags['max-retry-duration']) ? { maxRetryDuration: seconds(flags['max-retry-duration']) } : {}),
        },
        state: 'RUNNING',
      };
      mutate();
    } else if (has('run services describe')) {
      const s = state.services[arg('run services describe')[0]];
      if (!s) fail('Cannot find service');
      out(s);
    } else if (has('run deploy')) {
      const name = arg('run deploy')[0];
      const env = Object.fromEntries(
        readFileSync(flags['env-vars-file'], 'utf8').trim().split('\n').map((line) => {
          const at = line.indexOf(': ');
          return [line.slice(0, at), JSON.parse(line.slice(at + 2))];
        }),
      );
      const [label, digest] = String(flags['update-labels']).split('=');
      const previous = state.services[name];
      state.services[name] = {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: {
          name,
          labels: { ...(previous?.metadata.labels ?? {}), [label]: digest },
          annotations: {
            'run.googleapis.com/urls': JSON.stringify([
              `https://${name}-${state.projectNumber}.${flags.region}.run.app`,
              `https://${name}-x7y8z9-an.a.run.app`,
            ]),
          },
        },
        spec: { template: { spec: { containers: [{ env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }], serviceAccountName: flags['service-account'], timeoutSeconds: Number(flags.timeout) } } },
        status: { url: `https://${name}-x7y8z9-an.a.run.app` },
      };
      state.deployedEnv = env;
      mutate();
    } else if (has('run services update')) {
      const s = state.services[arg('run services update')[0]];
      if (!s) fail('Cannot find service');
      const [k, ...v] = String(flags['update-env-vars']).split('=');
      const env = s.spec.template.spec.containers[0].env.filter((e) => e.name !== k);
      env.push({ name: k, value: v.join('=') });
      s.spec.template.spec.containers[0].env = env;
      mutate();
    } else if (has('run services get-iam-policy')) {
      if (!state.services[arg('run services get-iam-policy')[0]]) fail('Cannot find service');
      out(policy(`run:${arg('run services get-iam-policy')[0]}`));
    } else if (has('run services add-iam-policy-binding')) bind(`run:${arg('run services add-iam-policy-binding')[0]}`);
    else if (has('run services remove-iam-policy-binding')) {
      const p = policy(`run:${arg('run services remove-iam-policy-binding')[0]}`);
      const b = p.bindings.find((x) => x.role === flags.role && x.members.includes(flags.member));
      if (!b) fail(`Policy binding with the specified principal, role, and condition not found!`);
      b.members = b.members.filter((m) => m !== flags.member);
      p.bindings = p.bindings.filter((x) => x.members.length);
      mutate();
      out(p);
    } else if (has('scheduler jobs list')) {
      out(Object.values(state.schedulerJobs).filter((j) => j.name.includes(`/locations/${flags.location}/`)));
    } else if (has('scheduler jobs create http') || has('scheduler jobs update http')) {
      const creating = has('scheduler jobs create http');
      const id = arg(creating ? 'scheduler jobs create http' : 'scheduler jobs update http')[0];
      const name = `projects/${flags.project}/locations/${flags.location}/jobs/${id}`;
      const existing = state.schedulerJobs[name];
      if (creating && existing) fail(`ALREADY_EXISTS: Job ${name} already exists.`);
      if (!creating && !existing) fail(`NOT_FOUND: Job not found.`);
      if (creating && (!flags.schedule || !flags.uri)) fail('argument --schedule --uri: Must be specified.');
      const prev = existing ?? {};
      state.schedulerJobs[name] = {
        name,
        description: flags.description ?? prev.description,
        schedule: flags.schedule ?? prev.schedule,
        timeZone: flags['time-zone'] ?? prev.timeZone ?? 'Etc/UTC',
        attemptDeadline: flags['attempt-deadline'] ?? prev.attemptDeadline ?? '180s',
        retryConfig: { ...(prev.retryConfig ?? { maxBackoffDuration: '3600s', maxDoublings: 5, maxRetryDuration: '0s', minBackoffDuration: '5s' }), ...(flags['max-retry-attempts'] !== undefined ? { retryCount: Number(flags['max-retry-attempts']) } : {}) },
        httpTarget: {
          uri: flags.uri ?? prev.httpTarget?.uri,
          httpMethod: String(flags['http-method'] ?? prev.httpTarget?.httpMethod ?? 'POST').toUpperCase(),
          headers: { 'User-Agent': 'Google-Cloud-Scheduler' },
          oidcToken: { serviceAccountEmail: flags['oidc-service-account-email'] ?? prev.httpTarget?.oidcToken?.serviceAccountEmail, audience: flags['oidc-token-audience'] ?? prev.httpTarget?.oidcToken?.audience },
        },
        state: 'ENABLED',
        userUpdateTime: '2026-12-03T00:00:00Z',
      };
      mutate();
    } else if (has('scheduler jobs delete')) {
      const name = `projects/${flags.project}/locations/${flags.location}/jobs/${arg('scheduler jobs delete')[0]}`;
      if (!state.schedulerJobs[name]) fail('NOT_FOUND: Job not found.');
      delete state.schedulerJobs[name];
      mutate();
    }
    else fail(`fake gcloud does not know: ${args.join(' ')}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const statePath = process.env.FAKE_GCLOUD_STATE;
  if (!statePath) {
    process.stderr.write('FAKE_GCLOUD_STATE is not set\n');
    process.exit(2);
  }
  const state = JSON.parse(readFileSync(statePath, 'utf8'));
  const result = fakeGcloud(state, process.argv.slice(2));
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.status;
}
