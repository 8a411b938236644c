/**
 * The emulator's OIDC tokens (local/tasks-emulator/oidcTokens.ts), with a real LocalIssuer and a
 * controlled clock: one token per (audience, account) while it has more than five minutes left,
 * a new one after that, separate tokens for separate audiences or accounts, concurrent requests
 * sharing one mint, and every token verifiable with the issuer's JWKS for its audience.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { LOCAL_ISSUER, LocalIssuer } from '../local/issuer.js';
import { OidcTokens, REFRESH_BEFORE_EXPIRY_S } from '../local/tasks-emulator/oidcTokens.js';

const dir = mkdtempSync(join(tmpdir(), 'tasuki-oidc-tokens-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const issuer = LocalIssuer.open(dir);

function counting() {
  let mints = 0;
  return {
    get mints() {
      return mints;
    },
    mintIdToken: (claims: Parameters<LocalIssuer['mintIdToken']>[0]) => {
      mints++;
      return issuer.mintIdToken(claims);
    },
  };
}

test('reused per audience and account until five minutes before expiry, then replaced', async () => {
  let now = Math.floor(Date.now() / 1000);
  const minting = counting();
  const tokens = new OidcTokens(minting, () => now);
  const a = await tokens.get('https://svc.example', 'invoker@p.iam.gserviceaccount.com');
  assert.equal(await tokens.get('https://svc.example', 'invoker@p.iam.gserviceaccount.com'), a);
  assert.equal(minting.mints, 1);

  const otherAud = await tokens.get('https://other.example', 'invoker@p.iam.gserviceaccount.com');
  const otherEmail = await tokens.get('https://svc.example', 'someone@p.iam.gserviceaccount.com');
  assert.notEqual(otherAud, a);
  assert.notEqual(otherEmail, a);
  assert.equal(minting.mints, 3);

  const { payload } = await jwtVerify(a, createLocalJWKSet(await issuer.jwks()), { issuer: LOCAL_ISSUER, audience: 'https://svc.example' });
  assert.equal(payload.email, 'invoker@p.iam.gserviceaccount.com');
  const lifetime = payload.exp! - payload.iat!;

  now += lifetime - REFRESH_BEFORE_EXPIRY_S - 1; // still more than five minutes left
  assert.equal(await tokens.get('https://svc.example', 'invoker@p.iam.gserviceaccount.com'), a);
  now += 1; // five minutes left: replaced
  const b = await tokens.get('https://svc.example', 'invoker@p.iam.gserviceaccount.com');
  assert.notEqual(b, a);
  assert.equal(minting.mints, 4);
});

test('concurrent requests share one mint; a failed mint is not kept', async () => {
  const minting = counting();
  const tokens = new OidcTokens(minting);
  const all = await Promise.all(Array.from({ length: 5 }, () => tokens.get('https://svc.example', 'i@p.iam.gserviceaccount.com')));
  assert.equal(new Set(all).size, 1);
  assert.equal(minting.mints, 1);

  let fail = true;
  const flaky = new OidcTokens({ mintIdToken: (c) => (fail ? Promise.reject(new Error('no key')) : issuer.mintIdToken(c)) });
  await assert.rejects(flaky.get('https://svc.example', 'i@p.iam.gserviceaccount.com'), /no key/);
  fail = false;
  assert.ok(await flaky.get('https://svc.example', 'i@p.iam.gserviceaccount.com'));
});
