// The shared contracts: enqueue validation names the bad field; config names the bad variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnqueueRequest, describeIssues } from '../shared/api.js';
import { localeFrom } from '../shared/locale.js';
import { ConfigError, loadConfig } from '../service/config.js';
import { MINIMAL_PRODUCTION_ENV } from './support/productionEnv.js';

test('enqueue request: input is validated by the kind schema and issues carry dotted paths', () => {
  const r = EnqueueRequest.safeParse({
    kind: 'project.create',
    input: { source: 'gmail', client: { name: '' }, title: '看板デザイン', due: '12/20' },
  });
  assert.equal(r.success, false);
  const paths = describeIssues(r.error!).map((i) => i.path);
  assert.deepEqual(paths.sort(), ['input.client.name', 'input.due']);
});

test('enqueue request: unknown kind and unknown top-level keys are rejected', () => {
  const r = EnqueueRequest.safeParse({ kind: 'nope', input: {}, extra: 1 });
  assert.equal(r.success, false);
  const paths = describeIssues(r.error!).map((i) => i.path);
  assert.ok(paths.includes('kind'));
});

test('locale: ja variants map to ja, everything else to en', () => {
  assert.equal(localeFrom('ja'), 'ja');
  assert.equal(localeFrom('ja_JP'), 'ja');
  assert.equal(localeFrom('en-GB'), 'en');
  assert.equal(localeFrom(undefined), 'en');
  assert.equal(localeFrom('jav'), 'en');
});

test('config: local needs nothing; production names every missing variable', () => {
  const local = loadConfig({});
  assert.equal(local.mode, 'local');
  assert.equal(local.store, 'sqlite');
  assert.throws(
    () => loadConfig({ TASUKI_MODE: 'production' }),
    (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('TASUKI_SERVICE_URL is missing')),
  );
});

test('config: production refuses local stand-ins and contradictions', () => {
  const base = MINIMAL_PRODUCTION_ENV;
  assert.equal(loadConfig(base).store, 'firestore');
  assert.throws(() => loadConfig({ ...base, TASUKI_GOOGLE_ROOT_URL: 'http://127.0.0.1:8090' }), /TASUKI_GOOGLE_ROOT_URL is set, but it is only allowed in local mode/);
  assert.throws(() => loadConfig({ ...base, TASUKI_STORE: 'sqlite' }), /TASUKI_STORE must be firestore/);
  assert.throws(() => loadConfig({ ...base, PORT: 'eighty' }), /PORT is invalid/);
});
