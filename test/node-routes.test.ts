// POST /tasks/run and POST /v1/jobs are served on Node's own request and response, before Express
// (routes/taskRun.ts, routes/enqueueRoute.ts, routes/nodeHttp.ts): these check that they keep every
// other route's contract — token first, JSON only, the same body limit and error shape as the
// Express routes, and the same Cloud Logging request line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { createApp } from '../service/app.js';
import { createLogger } from '../service/logger.js';
import { BODY_LIMIT_BYTES } from '../service/routes/nodeHttp.js';
import { startSpine, type Spine } from './support/spine.js';

let s: Spine;
let auth: string;

before(async () => {
  s = await startSpine();
  auth = `Bearer ${await s.taskToken()}`;
});

after(async () => {
  await s.close();
});

test('a body over the limit is 413 body_too_large, whether or not it declares its length', async () => {
  const big = JSON.stringify({ jobId: 'j-x', generation: 1, pad: 'x'.repeat(BODY_LIMIT_BYTES) });
  const declared = await request(s.url).post('/tasks/run').set('authorization', auth).set('content-type', 'application/json').send(big);
  assert.equal(declared.status, 413);
  assert.equal(declared.body.error.code, 'body_too_large');
  // Chunked: no Content-Length, the limit is counted as the body arrives.
  const res = await fetch(`${s.url}/tasks/run`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } }),
    duplex: 'half',
  } as RequestInit);
  assert.equal(res.status, 413);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'body_too_large');
});

test('not JSON is 400: invalid_json for a broken body, invalid_request for another content type or none', async () => {
  const broken = await request(s.url).post('/tasks/run').set('authorization', auth).set('content-type', 'application/json').send('{"jobId":');
  assert.equal(broken.status, 400);
  assert.equal(broken.body.error.code, 'invalid_json');
  const text = await request(s.url).post('/tasks/run').set('authorization', auth).set('content-type', 'text/plain').send('{"jobId":"j-1","generation":1}');
  assert.equal(text.status, 400);
  assert.equal(text.body.error.code, 'invalid_request');
  const empty = await request(s.url).post('/tasks/run').set('authorization', auth).set('content-type', 'application/json');
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.code, 'invalid_request');
  assert.match(empty.get('content-type') ?? '', /^application\/json/);
});

test('the token is checked before the body: no token with a broken or huge body is 401, not 400 or 413', async () => {
  const broken = await request(s.url).post('/tasks/run').set('content-type', 'application/json').send('{"jobId":');
  assert.equal(broken.status, 401);
  assert.equal(broken.body.error.code, 'missing_token');
  assert.match(broken.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
  const huge = await request(s.url).post('/tasks/run').set('content-type', 'application/json').send(JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT_BYTES * 3) }));
  assert.equal(huge.status, 401);
});

test('other methods and paths under /tasks still go to Express (404 in the API error shape)', async () => {
  const get = await request(s.url).get('/tasks/run').set('authorization', auth);
  assert.equal(get.status, 404);
  assert.equal(get.body.error.code, 'not_found');
  const sibling = await request(s.url).post('/tasks/runner').set('authorization', auth).send({});
  assert.equal(sibling.status, 404);
});

test('each delivery writes one Cloud Logging request line, with its trace', async () => {
  const out = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  out.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const app = createApp({ ...s.deps, log: createLogger({ level: 'info', destination: out }) });
  const trace = '0123456789abcdef0123456789abcdef/42;o=1';
  const res = await request(app).post('/tasks/run?x=1').set('authorization', auth).set('x-cloud-trace-context', trace).send({ jobId: 'j-unknown', generation: 1 });
  assert.equal(res.status, 503);
  await new Promise((r) => setImmediate(r));
  const line = lines.find((l) => l.httpRequest !== undefined);
  assert.ok(line, JSON.stringify(lines));
  const http = line.httpRequest as Record<string, unknown>;
  assert.equal(http.requestMethod, 'POST');
  assert.equal(http.requestUrl, '/tasks/run?x=1');
  assert.equal(http.status, 503);
  assert.match(String(http.latency), /^\d+\.\d{6}s$/);
  assert.equal(line.message, 'POST /tasks/run 503');
  assert.equal(line.severity, 'ERROR');
  assert.equal(line['logging.googleapis.com/trace'], `projects/${s.config.project}/traces/0123456789abcdef0123456789abcdef`);
});

test('POST /v1/jobs: token before body, the same 400s as before, 413 over the limit, and one log line', async () => {
  const user = `Bearer ${await s.userToken()}`;
  const noToken = await request(s.url).post('/v1/jobs').set('content-type', 'application/json').send('{"kind":');
  assert.equal(noToken.status, 401);
  assert.equal(noToken.body.error.code, 'missing_token');
  const broken = await request(s.url).post('/v1/jobs').set('authorization', user).set('content-type', 'application/json').send('{"kind":');
  assert.equal(broken.status, 400);
  assert.equal(broken.body.error.code, 'invalid_json');
  for (const [type, body] of [['text/plain', 'hello'], ['application/json', '[1,2]'], ['application/json', '']] as const) {
    const res = await request(s.url).post('/v1/jobs').set('authorization', user).set('content-type', type).send(body);
    assert.equal(res.status, 400, `${type} ${body}`);
    assert.equal(res.body.error.code, 'invalid_request');
    assert.deepEqual(res.body.error.issues, [{ path: '(body)', message: 'expected a JSON object' }]);
  }
  const big = await request(s.url).post('/v1/jobs').set('authorization', user).send({ kind: 'system.echo', input: { message: 'x'.repeat(BODY_LIMIT_BYTES) } });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'body_too_large');

  const out = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  out.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const app = createApp({ ...s.deps, log: createLogger({ level: 'info', destination: out }) });
  const ok = await request(app).post('/v1/jobs').set('authorization', user).set('accept-language', 'en').send({ kind: 'system.echo', input: { message: 'node route' } });
  assert.equal(ok.status, 202, JSON.stringify(ok.body));
  assert.equal(ok.body.job.status, 'queued');
  assert.equal(ok.body.created, true);
  assert.match(JSON.stringify(ok.body.display.card), /Queued|Waiting|queued/i, 'the card in the language asked for');
  await new Promise((r) => setImmediate(r));
  const line = lines.find((l) => l.httpRequest !== undefined);
  assert.equal(line?.message, 'POST /v1/jobs 202');
  await s.waitForJob(ok.body.job.id, (j) => j.status === 'succeeded', 'the job enqueued through the node route');
});
