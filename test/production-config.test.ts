/**
 * Production configuration rules, in-process over every variable (the process-level behaviour is
 * in production-start.test.ts): the complete configuration `npm run deploy` produces loads;
 * dropping any one required variable is refused naming that variable; portal credentials are
 * required exactly under the names the portal scraper reads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, portalCredentialVariables, VARIABLES, type VariableDoc } from '../service/config.js';
import { credentialVariables } from '../service/portal/portalScraper.js';
import { productionEnv } from './support/productionEnv.js';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
}

test('the configuration npm run deploy produces is a complete production configuration', () => {
  const config = loadConfig(productionEnv());
  assert.equal(config.mode, 'production');
  assert.equal(config.store, 'firestore');
  assert.equal(config.tasksEmulator, undefined);
  assert.equal(config.googleRootUrl, undefined);
  assert.equal(config.portals[0]?.id, 'acme');
});

test('each required production variable, when missing, is named', () => {
  const required = (Object.entries(VARIABLES) as [string, VariableDoc][]).filter(([, s]) => s.productionDefault === undefined && s.only !== 'local');
  assert.ok(required.length >= 10);
  for (const [name, spec] of required) {
    const env: Record<string, string | undefined> = productionEnv();
    delete env[name];
    const problems = problemsOf(env);
    assert.ok(
      problems.some((p) => p.startsWith(`${name} is missing; it is required in production`) && p.includes(spec.example)),
      `${name}: ${problems.join(' | ')}`,
    );
  }
});

test('local-only variables are refused in production, naming them', () => {
  for (const [name] of (Object.entries(VARIABLES) as [string, VariableDoc][]).filter(([, s]) => s.only === 'local')) {
    const problems = problemsOf({ ...productionEnv(), [name]: 'x' });
    assert.ok(problems.some((p) => p.startsWith(`${name} is set, but it is only allowed in local mode`)), `${name}: ${problems.join(' | ')}`);
  }
});

test('portal credentials: required in production under the names the scraper reads; not in local mode', () => {
  assert.deepEqual(portalCredentialVariables('acme-east'), credentialVariables('acme-east'));
  assert.deepEqual(portalCredentialVariables('acme-east'), { user: 'TASUKI_PORTAL_ACME_EAST_USER', password: 'TASUKI_PORTAL_ACME_EAST_PASSWORD' });
  const env: Record<string, string | undefined> = productionEnv();
  delete env.TASUKI_PORTAL_ACME_USER;
  assert.deepEqual(problemsOf(env), [
    'TASUKI_PORTAL_ACME_USER is missing; portal "acme" has a login, so its credentials must be set (mount them from Secret Manager)',
  ]);
  // A portal without a login needs no credentials.
  const portals = JSON.parse(productionEnv().TASUKI_PORTALS!) as Record<string, unknown>[];
  delete portals[0]!.login;
  assert.deepEqual(problemsOf({ ...env, TASUKI_PORTALS: JSON.stringify(portals) }), []);
  // Local mode does not insist (the local portal site is reached with the stack's own settings).
  assert.deepEqual(problemsOf({ TASUKI_PORTALS: productionEnv().TASUKI_PORTALS }), []);
});

test('TASUKI_PORTAL_ALLOW_LOOPBACK: refused in production naming it; off by default; on only when set in local mode', () => {
  assert.ok(problemsOf({ ...productionEnv(), TASUKI_PORTAL_ALLOW_LOOPBACK: 'true' }).includes(
    'TASUKI_PORTAL_ALLOW_LOOPBACK is set, but it is only allowed in local mode; remove it in production',
  ));
  assert.equal(loadConfig(productionEnv()).portalAllowLoopback, false);
  assert.equal(loadConfig({}).portalAllowLoopback, false);
  assert.equal(loadConfig({ TASUKI_PORTAL_ALLOW_LOOPBACK: 'true' }).portalAllowLoopback, true);
  assert.ok(problemsOf({ TASUKI_PORTAL_ALLOW_LOOPBACK: 'yes' }).some((p) => p.startsWith('TASUKI_PORTAL_ALLOW_LOOPBACK is invalid')));
});
