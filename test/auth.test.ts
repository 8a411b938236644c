// Token verification on both doors: /v1/jobs* (the add-on's Google ID token) and /tasks/run
// (Cloud Tasks' OIDC token), through the real app, the real jose verifier and a JWKS fetched
// over HTTP. Also: production trust never includes the local issuer, even holding its keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import request from 'supertest';
import http from 'node:http';
import { forgedTokens, type ForgedToken } from '../local/abuse/forgedTokens.js';
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
  await forge();
});

after(async () => {
  await s.close();
});

let forged: ForgedToken[];
async function forge(): Promise<void> {
  forged = await forgedTokens({
    issuer: s.issuer,
    stranger,
    issuerId: LOCAL_ISSUER_ID,
    scriptClientId: s.config.scriptClientId,
    serviceUrl: s.config.serviceUrl,
    invokerServiceAccount: s.config.invokerServiceAccount,
    user: USER,
  });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('/v1/jobs', () => {
  test('rejects every forged token with 401/403 and a specific code, recording nothing', async () => {
    const cases = forged.filter((c) => c.door === 'jobs');
    assert.ok(cases.length >= 15);
    for (const c of cases) {
      const post = request(s.url).post('/v1/jobs').send({ kind: 'system.echo', input: { message: c.name } });
      const res = await (c.authorization ? post.set('authorization', c.authorization) : post);
      assert.equal(res.status, c.status, c.name);
      assert.equal(res.body.error.code, c.code, c.name);
      assert.ok(res.body.error.message.length > 0);
      if (c.status === 401) assert.match(res.get('www-authenticate') ?? '', /^Bearer /);
      const list = request(s.url).get('/v1/jobs?mine=1');
      const listed = await (c.authorization ? list.set('authorization', c.authorization) : list);
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
  test('rejects every forged token with 401/403 and a specific code', async () => {
    const cases = forged.filter((c) => c.door === 'tasks');
    assert.ok(cases.length >= 14);
    for (const c of cases) {
      const post = request(s.url).post('/tasks/run').send({ jobId: 'j-0', generation: 1 });
      const res = await (c.authorization ? post.set('authorization', c.authorization) : post);
      assert.equal(res.status, c.status, c.name);
      assert.equal(res.body.error.code, c.code, c.name);
    }
  });

  test('with a valid token: a malformed payload is 400 naming the field; an unknown job is asked again (503), and dropped with 200 on its final attempt', async () => {
    const auth = `Bearer ${await s.taskToken()}`;
    const bad = await request(s.url).post('/tasks/run').set('authorization', auth).send({ jobId: '', generation: 'one' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.issues.map((i: { path: string }) => i.path).sort(), ['generation', 'jobId']);
    // A task may arrive a moment before its record (the job API creates both at once).
    const early = await request(s.url).post('/tasks/run').set('authorization', auth).send({ jobId: 'j-unknown', generation: 1 });
    assert.equal(early.status, 503);
    assert.equal(early.body.error.code, 'job_not_found_yet');
    const last = await request(s.url).post('/tasks/run').set('authorization', auth).set('x-cloudtasks-taskretrycount', '999').send({ jobId: 'j-unknown', generation: 1 });
    assert.equal(last.status, 200);
    assert.equal(last.body.ignored, 'job_not_found');
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
