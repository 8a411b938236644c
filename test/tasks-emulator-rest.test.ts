// The emulator's REST transport (local/tasks-emulator/restServer.ts): Cloud Tasks v2's HTTP/JSON
// mapping on the same port as gRPC (listener.ts). What goes in over REST is read back over gRPC
// with the official client, and the reverse, so both transports share one state and one meaning.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PARENT, startEmulator, type EmulatorHandle } from './support/tasks-harness.js';

let h: EmulatorHandle;
let base: string;

before(async () => {
  h = await startEmulator();
  base = `http://${h.emulator.address}/v2`;
});

after(async () => {
  await h.dispose();
});

async function rest(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const res = await fetch(`${base}/${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

test('queues: created over REST with Durations as "Ns", read back over gRPC; PATCH with a lowerCamel updateMask; :pause and :resume', async () => {
  const name = `${PARENT}/queues/rest-q`;
  const created = await rest('POST', `${PARENT}/queues`, { name, retryConfig: { maxAttempts: 4, minBackoff: '0.5s', maxBackoff: '30s' }, rateLimits: { maxConcurrentDispatches: 7 } });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  assert.equal(created.json.retryConfig.minBackoff, '0.5s');
  const [q] = await h.client.getQueue({ name });
  assert.equal(q.retryConfig?.maxAttempts, 4);
  assert.equal(Number(q.retryConfig?.minBackoff?.nanos), 500_000_000);
  assert.equal(q.rateLimits?.maxConcurrentDispatches, 7);

  const patched = await rest('PATCH', `${name}?updateMask=rateLimits.maxConcurrentDispatches`, { rateLimits: { maxConcurrentDispatches: 3, maxDispatchesPerSecond: 99 } });
  assert.equal(patched.status, 200, JSON.stringify(patched.json));
  const [p] = await h.client.getQueue({ name });
  assert.equal(p.rateLimits?.maxConcurrentDispatches, 3);
  assert.notEqual(p.rateLimits?.maxDispatchesPerSecond, 99, 'fields outside the mask stay');

  assert.equal((await rest('POST', `${name}:pause`, {})).json.state, 'PAUSED');
  assert.equal((await rest('POST', `${name}:resume`, {})).json.state, 'RUNNING');
});

test('tasks: body as base64, scheduleTime as RFC 3339, dispatchDeadline as "Ns"; BASIC omits the body, FULL has it; delete', async () => {
  const queue = `${PARENT}/queues/rest-t`;
  await rest('POST', `${PARENT}/queues`, { name: queue });
  await rest('POST', `${queue}:pause`, {});
  const at = new Date(Date.now() + 3_600_000);
  at.setMilliseconds(250);
  const body = Buffer.from('{"jobId":"j-1","generation":1}').toString('base64');
  const name = `${queue}/tasks/rest-task-1`;
  const created = await rest('POST', `${queue}/tasks`, {
    task: { name, scheduleTime: at.toISOString(), dispatchDeadline: '120s', httpRequest: { url: 'http://127.0.0.1:9/tasks/run', httpMethod: 'POST', headers: { 'Content-Type': 'application/json' }, body, oidcToken: { serviceAccountEmail: 'invoker@p.iam.gserviceaccount.com', audience: 'http://127.0.0.1:9' } } },
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  assert.equal(created.json.name, name);
  assert.equal(created.json.dispatchDeadline, '120s');
  assert.equal(created.json.scheduleTime, at.toISOString().replace('.250Z', '.25Z'));
  assert.equal(created.json.httpRequest.body, undefined, 'BASIC view');
  assert.equal(created.json.httpRequest.headers['Content-Type'], 'application/json');

  const [viaGrpc] = await h.client.getTask({ name, responseView: 'FULL' });
  assert.equal(Buffer.from(viaGrpc.httpRequest!.body as Uint8Array).toString('utf8'), '{"jobId":"j-1","generation":1}');
  assert.equal(Number(viaGrpc.scheduleTime?.seconds), Math.floor(at.getTime() / 1000));

  const full = await rest('GET', `${name}?responseView=FULL`);
  assert.equal(full.json.httpRequest.body, body);

  const again = await rest('POST', `${queue}/tasks`, { task: { name, httpRequest: { url: 'http://127.0.0.1:9/x' } } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 409);
  assert.equal(again.json.error.status, 'ALREADY_EXISTS');
  assert.match(again.json.error.message, /rest-task-1/);

  const deleted = await rest('DELETE', name);
  assert.deepEqual([deleted.status, deleted.json], [200, {}]);
  const missing = await rest('GET', name);
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.status, 'NOT_FOUND');
});

test('bad requests are Google JSON errors naming what is wrong', async () => {
  const queue = `${PARENT}/queues/rest-t`;
  const badDuration = await rest('POST', `${queue}/tasks`, { task: { dispatchDeadline: '2 minutes', httpRequest: { url: 'http://127.0.0.1:9/x' } } });
  assert.equal(badDuration.status, 400);
  assert.equal(badDuration.json.error.status, 'INVALID_ARGUMENT');
  assert.match(badDuration.json.error.message, /dispatchDeadline/);
  const noUrl = await rest('POST', `${queue}/tasks`, { task: { httpRequest: { url: 'ftp://x' } } });
  assert.equal(noUrl.status, 400);
  assert.match(noUrl.json.error.message, /http_request\.url/);
  const unknown = await rest('GET', `${PARENT}/nothing-here`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.status, 'NOT_FOUND');
  const res = await fetch(`${base}/${queue}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"task":' });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: { status: string } }).error.status, 'INVALID_ARGUMENT');
});
