// Token verification on both doors: /v1/jobs* (the add-on's Google ID token) and /tasks/run
// (Cloud Tasks' OIDC token), through the real app, the real jose verifier and a JWKS fetched
// over HTTP. Also: production trust never includes the local issuer, even holding its keys.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import request from 'supertest';
import http from 'node:http';
import { LOCAL_ISSUER, LocalIssuer } from '../local/issuer.js';
import { GOOGLE_ISSUERS, LOCAL_ISSUER_ID, tokenTrust } from '../service/auth/trust.js';
import { AuthFailure, verifyBearer } from '../service/auth/tokenVerifier.js';
import { loadConfig } from '../service/config.js';
import { USER, closeServer, listen, startSpine, tempDir, type Spine } from './support/spine.js';
import { createApp } from '../service/app.js';
import { buildDeps } from '../service/deps.js';
import { createLogger } from '../service/logger.js';
import { MINIMAL_PRODUCTION_ENV } from './support/productionEnv.js';

let s: Spine;
let stranger: LocalIssuer;

before(async () => {
  s = await startSpine();
  stranger = LocalIssuer.open(tempDir('tasuki-stranger-'));
});

after(async () => {
  await s.close();
});

/** A valid token with its payload swapped: the signature no longer matches. */
function tamper(token: string, change: Record<string, unknown>): string {
  const [h, p, sig] = token.split('.') as [string, string, string];
  const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), ...change };
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
}

type Case = { name: string; auth: () => Promise<string | undefined>; status: number; code: string };

function userCases(): Case[] {
  return [
    { name: 'missing', auth: async () => undefined, status: 401, code: 'missing_token' },
    { name: 'not bearer', auth: async () => 'Basic dXNlcjpwYXNz', status: 401, code: 'malformed_token' },
    { name: 'not a JWT', auth: async () => 'Bearer abc.def.ghi', status: 401, code: 'malformed_token' },
    { name: 'forged (other keys)', auth: async () => `Bearer ${await stranger.mintIdToken({ aud: s.config.scriptClientId, email: USER })}`, status: 401, code: 'invalid_signature' },
    { name: 'tampered payload', auth: async () => `Bearer ${tamper(await s.userToken('ken@other.example'), { email: USER })}`, status: 401, code: 'invalid_signature' },
    { name: 'expired', auth: async () => `Bearer ${await s.userToken(USER, { ttlSeconds: -120 })}`, status: 401, code: 'token_expired' },
    { name: 'wrong audience', auth: async () => `Bearer ${await s.userToken(USER, { aud: 'another-script.apps.googleusercontent.com' })}`, status: 401, code: 'wrong_audience' },
    { name: 'task token at the user door', auth: async () => `Bearer ${await s.taskToken()}`, status: 401, code: 'wrong_audience' },
    { name: 'unverified e-mail', auth: async () => `Bearer ${await s.userToken(USER, { emailVerified: false })}`, status: 403, code: 'email_not_verified' },
    { name: 'domain not allowed', auth: async () => `Bearer ${await s.userToken('mallory@evil.example')}`, status: 403, code: 'email_not_allowed' },
    { name: 'HS256 signed with the public key', auth: async () => `Bearer ${await hs256WithPublicKey(s.config.scriptClientId)}`, status: 401, code: 'malformed_token' },
    { name: 'alg none', auth: async () => `Bearer ${unsigned(s.config.scriptClientId)}`, status: 401, code: 'malformed_token' },
    { name: "another key under the issuer's kid", auth: async () => `Bearer ${await wrongKid(s.config.scriptClientId)}`, status: 401, code: 'invalid_signature' },
    { name: 'iat in the future', auth: async () => `Bearer ${await s.issuer.mintIdToken({ aud: s.config.scriptClientId, email: USER, issuedAt: nowSeconds() + 600 })}`, status: 401, code: 'invalid_token' },
    { name: 'older than an hour, exp still ahead', auth: async () => `Bearer ${await s.issuer.mintIdToken({ aud: s.config.scriptClientId, email: USER, issuedAt: nowSeconds() - 7200, ttlSeconds: 3 * 3600 })}`, status: 401, code: 'token_expired' },
  ];
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A token for USER from the trusted issuer's name and kid, signed however the attack needs. */
async function claimingIssuer(aud: string, alg: 'HS256' | 'RS256', key: Parameters<SignJWT['sign']>[0]): Promise<string> {
  const [jwk] = (await s.issuer.jwks()).keys;
  return new SignJWT({ email: USER, email_verified: true })
    .setProtectedHeader({ alg, kid: jwk!.kid })
    .setIssuer(LOCAL_ISSUER_ID)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

/** The classic alg confusion: HS256 with the issuer's public key (PEM) as the HMAC secret. */
async function hs256WithPublicKey(aud: string): Promise<string> {
  const [jwk] = (await s.issuer.jwks()).keys;
  const pem = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return claimingIssuer(aud, 'HS256', new TextEncoder().encode(String(pem)));
}

function unsigned(aud: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = nowSeconds();
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: LOCAL_ISSUER_ID, aud, email: USER, email_verified: true, iat: now, exp: now + 300 })}.x`;
}

/** A stranger's key signing a token that names the trusted issuer's key id. */
async function wrongKid(aud: string): Promise<string> {
  return claimingIssuer(aud, 'RS256', (await generateKeyPair('RS256')).privateKey);
}

describe('/v1/jobs', () => {
  test('rejects every bad token with 401/403 and a specific code, recording nothing', async () => {
    for (const c of userCases()) {
      const auth = await c.auth();
      const post = request(s.url).post('/v1/jobs').send({ kind: 'system.echo', input: { message: c.name } });
      const res = await (auth ? post.set('authorization', auth) : post);
      assert.equal(res.status, c.status, c.name);
      assert.equal(res.body.error.code, c.code, c.name);
      assert.ok(res.body.error.message.length > 0);
      if (c.status === 401) assert.match(res.get('www-authenticate') ?? '', /^Bearer /);
      const list = request(s.url).get('/v1/jobs?mine=1');
      const listed = await (auth ? list.set('authorization', auth) : list);
      assert.equal(listed.status, c.status, `${c.name} (GET)`);
    }
    assert.deepEqual(await s.store.listJobs({}), [], 'nothing recorded');
  });

  test('clock skew: an iat a few seconds ahead is accepted', async () => {
    const token = await s.issuer.mintIdToken({ aud: s.config.scriptClientId, email: USER, issuedAt: nowSeconds() + 10 });
    const res = await request(s.url).get('/v1/jobs?mine=1').set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 200);
  });

  test('accepts allowed domains and allowed addresses; e-mail case does not matter', async () => {
    for (const email of [USER, 'AIKO@Example.co.jp', 'partner@example.com']) {
      const res = await request(s.url).get('/v1/jobs?mine=1').set('authorization', `Bearer ${await s.userToken(email)}`);
      assert.equal(res.status, 200, email);
    }
  });
});

describe('/tasks/run', () => {
  test('rejects every bad token with 401/403 and a specific code', async () => {
    const cases: Case[] = [
      { name: 'missing', auth: async () => undefined, status: 401, code: 'missing_token' },
      { name: 'forged (other keys)', auth: async () => `Bearer ${await stranger.mintIdToken({ aud: s.config.serviceUrl, email: s.config.invokerServiceAccount })}`, status: 401, code: 'invalid_signature' },
      { name: 'expired', auth: async () => `Bearer ${await s.issuer.mintIdToken({ aud: s.config.serviceUrl, email: s.config.invokerServiceAccount, ttlSeconds: -120 })}`, status: 401, code: 'token_expired' },
      { name: "the add-on's ID token", auth: async () => `Bearer ${await s.userToken(USER)}`, status: 401, code: 'wrong_audience' },
      { name: 'wrong audience', auth: async () => `Bearer ${await s.taskToken({ aud: 'https://elsewhere.example' })}`, status: 401, code: 'wrong_audience' },
      { name: 'wrong service account', auth: async () => `Bearer ${await s.taskToken({ email: 'intruder@tasuki-local.iam.gserviceaccount.com' })}`, status: 403, code: 'wrong_service_account' },
      { name: 'a user with the right audience', auth: async () => `Bearer ${await s.taskToken({ email: USER })}`, status: 403, code: 'wrong_service_account' },
      { name: 'iat in the future', auth: async () => `Bearer ${await s.issuer.mintIdToken({ aud: s.config.serviceUrl, email: s.config.invokerServiceAccount, issuedAt: nowSeconds() + 600 })}`, status: 401, code: 'invalid_token' },
      { name: 'older than an hour', auth: async () => `Bearer ${await s.issuer.mintIdToken({ aud: s.config.serviceUrl, email: s.config.invokerServiceAccount, issuedAt: nowSeconds() - 7200, ttlSeconds: 3 * 3600 })}`, status: 401, code: 'token_expired' },
      { name: 'HS256 signed with the public key', auth: async () => `Bearer ${await hs256WithPublicKey(s.config.serviceUrl)}`, status: 401, code: 'malformed_token' },
    ];
    for (const c of cases) {
      const auth = await c.auth();
      const post = request(s.url).post('/tasks/run').send({ jobId: 'j-0', generation: 1 });
      const res = await (auth ? post.set('authorization', auth) : post);
      assert.equal(res.status, c.status, c.name);
      assert.equal(res.body.error.code, c.code, c.name);
    }
  });

  test('with a valid token: a malformed payload is 400 naming the field; an unknown job is dropped with 200', async () => {
    const auth = `Bearer ${await s.taskToken()}`;
    const bad = await request(s.url).post('/tasks/run').set('authorization', auth).send({ jobId: '', generation: 'one' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.issues.map((i: { path: string }) => i.path).sort(), ['generation', 'jobId']);
    const unknown = await request(s.url).post('/tasks/run').set('authorization', auth).send({ jobId: 'j-unknown', generation: 1 });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.ignored, 'job_not_found');
  });
});

describe('trust', () => {
  const production = loadConfig(MINIMAL_PRODUCTION_ENV);

  test("the service's copy of the local issuer id matches local/issuer.ts", () => {
    assert.equal(LOCAL_ISSUER_ID, LOCAL_ISSUER);
  });

  test('production trusts Google only: a local token fails even when its keys are supplied', async () => {
    const keys = createLocalJWKSet(await s.issuer.jwks());
    const trust = tokenTrust(production, keys);
    assert.deepEqual(trust.issuers, GOOGLE_ISSUERS);
    const token = await s.issuer.mintIdToken({ aud: production.scriptClientId, email: USER });
    await assert.rejects(verifyBearer(`Bearer ${token}`, trust, production.scriptClientId), (err: unknown) => err instanceof AuthFailure && err.code === 'wrong_issuer');
  });

  test('local mode: a token from an unexpected issuer is refused as wrong_issuer', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const trust = tokenTrust(s.config, createLocalJWKSet({ keys: [jwk] }));
    const token = await new SignJWT({ email: USER, email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://accounts.google.com')
      .setAudience(s.config.scriptClientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await assert.rejects(verifyBearer(`Bearer ${token}`, trust, s.config.scriptClientId), (err: unknown) => err instanceof AuthFailure && err.code === 'wrong_issuer');
  });

  test('keys that cannot be fetched are a 503 to try again, not a bad token', async () => {
    const unreachable = loadConfig({ TASUKI_DATA_DIR: tempDir('tasuki-nojwks-'), TASUKI_GOOGLE_ROOT_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'silent' });
    const token = await s.issuer.mintIdToken({ aud: unreachable.scriptClientId, email: USER });
    await assert.rejects(verifyBearer(`Bearer ${token}`, tokenTrust(unreachable), unreachable.scriptClientId), (err: unknown) => err instanceof AuthFailure && err.status === 503 && err.code === 'auth_unavailable');
  });

  test('a key server answering 5xx or garbage is 503 auth_unavailable on /v1/jobs and /tasks/run; when it recovers, the same user gets in', async () => {
    let mode: 'down' | 'html' | 'up' = 'down';
    const jwks = JSON.stringify(await s.issuer.jwks());
    const server = http.createServer((_req, res) => {
      if (mode === 'down') res.writeHead(503).end('unavailable');
      else if (mode === 'html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    const url = await listen(server);
    try {
      const config = loadConfig({ TASUKI_DATA_DIR: tempDir('tasuki-jwks-down-'), TASUKI_GOOGLE_ROOT_URL: url, LOG_LEVEL: 'silent' });
      const deps = await buildDeps(config, createLogger({ level: 'silent' }), { store: s.store, queue: s.deps.queue, reply: s.reply });
      const app = createApp(deps);
      const user = await s.issuer.mintIdToken({ aud: config.scriptClientId, email: USER });
      const invoker = await s.issuer.mintIdToken({ aud: config.serviceUrl, email: config.invokerServiceAccount });
      for (const m of ['down', 'html'] as const) {
        mode = m;
        const enqueue = await request(app).post('/v1/jobs').set('authorization', `Bearer ${user}`).send({ kind: 'system.echo', input: { message: 'x' } });
        assert.equal(enqueue.status, 503, `${m}: ${JSON.stringify(enqueue.body)}`);
        assert.equal(enqueue.body.error.code, 'auth_unavailable');
        const run = await request(app).post('/tasks/run').set('authorization', `Bearer ${invoker}`).send({ jobId: 'j-none', generation: 1 });
        assert.equal(run.status, 503, `${m}: ${JSON.stringify(run.body)}`);
      }
      mode = 'up';
      // jose waits a cooldown (30 s) between key set fetches; a fresh app stands for the next minute.
      const recovered = createApp(await buildDeps(config, createLogger({ level: 'silent' }), { store: s.store, queue: s.deps.queue, reply: s.reply }));
      const list = await request(recovered).get('/v1/jobs').set('authorization', `Bearer ${user}`);
      assert.equal(list.status, 200, JSON.stringify(list.body));
    } finally {
      await closeServer(server);
    }
  });

  test('only RS256 is accepted (no alg confusion with HS256)', async () => {
    const secret = new TextEncoder().encode('x'.repeat(32));
    const token = await new SignJWT({ email: USER, email_verified: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(LOCAL_ISSUER_ID)
      .setAudience(s.config.scriptClientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    const res = await request(s.url).get('/v1/jobs').set('authorization', `Bearer ${token}`);
    assert.equal(res.status, 401);
  });
});
