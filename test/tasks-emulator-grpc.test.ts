/**
 * The emulator's gRPC transport (local/tasks-emulator/grpcServer.ts, on node:http2) with grpc-js
 * clients: statuses and non-ASCII details arrive intact, methods it does not serve are
 * UNIMPLEMENTED, compressed requests are read, a request over 4 MB is RESOURCE_EXHAUSTED, many
 * calls on one connection at once are each answered, and close() ends the server while a client
 * channel is still open.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { grpc } from 'google-gax';
import { loadCloudTasksService } from '../local/tasks-emulator/cloudTasksProto.js';
import { PARENT, startEmulator, type EmulatorHandle } from './support/tasks-harness.js';

let h: EmulatorHandle;
before(async () => {
  h = await startEmulator();
});
after(async () => {
  await h.dispose();
});

const service = loadCloudTasksService();

/** A unary call through a bare grpc-js client, with channel options of the test's choosing. */
function rawCall(options: Record<string, unknown>, method: string, request: unknown): Promise<unknown> {
  const def = service[method]!;
  const client = new grpc.Client(`127.0.0.1:${h.emulator.port}`, grpc.credentials.createInsecure(), options);
  return new Promise<unknown>((resolve, reject) => {
    client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, (err, res) => (err ? reject(err) : resolve(res)));
  }).finally(() => client.close());
}

function grpcError(code: number, details?: RegExp | string) {
  return (err: unknown) => {
    const e = err as { code: number; details: string };
    assert.equal(e.code, code, `status ${e.code}: ${e.details}`);
    if (typeof details === 'string') assert.equal(e.details, details);
    else if (details) assert.match(e.details, details);
    return true;
  };
}

test('statuses and their details (non-ASCII included) arrive intact; unserved methods are UNIMPLEMENTED', { timeout: 30_000 }, async () => {
  await assert.rejects(
    h.client.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/bad_id` } }),
    grpcError(grpc.status.INVALID_ARGUMENT, `queue.name "${PARENT}/queues/bad_id": the queue id "bad_id" must be 1–100 letters, digits or hyphens`),
  );
  await assert.rejects(h.client.getQueue({ name: `${PARENT}/queues/nowhere` }), grpcError(grpc.status.NOT_FOUND, /nowhere does not exist/));
  await assert.rejects(h.client.getIamPolicy({ resource: `${PARENT}/queues/q` }), grpcError(grpc.status.UNIMPLEMENTED, /GetIamPolicy/));
});

test('compressed requests are read (gzip and deflate)', { timeout: 30_000 }, async () => {
  for (const [algorithm, id] of [[1, 'deflated'], [2, 'gzipped']] as const) {
    const name = `${PARENT}/queues/${id}`;
    const queue = (await rawCall({ 'grpc.default_compression_algorithm': algorithm }, 'CreateQueue', { parent: PARENT, queue: { name } })) as { name: string };
    assert.equal(queue.name, name);
  }
  const [listed] = await h.client.listQueues({ parent: PARENT });
  assert.ok(['deflated', 'gzipped'].every((id) => listed.some((q) => q.name === `${PARENT}/queues/${id}`)));
});

test('a request over 4 MB is RESOURCE_EXHAUSTED; calls at once on one connection are each answered', { timeout: 30_000 }, async () => {
  const queue = `${PARENT}/queues/many`;
  await h.client.createQueue({ parent: PARENT, queue: { name: queue } });
  await h.client.pauseQueue({ name: queue });
  const big = Buffer.alloc(4 * 1024 * 1024 + 10, 1);
  await assert.rejects(
    h.client.createTask({ parent: queue, task: { httpRequest: { url: 'http://127.0.0.1:9/x', body: big } } }),
    grpcError(grpc.status.RESOURCE_EXHAUSTED, /larger than max/),
  );
  const created = await Promise.all(
    Array.from({ length: 200 }, (_, i) => h.client.createTask({ parent: queue, task: { name: `${queue}/tasks/t${i}`, httpRequest: { url: 'http://127.0.0.1:9/x' } } })),
  );
  assert.deepEqual(created.map(([t]) => t.name), Array.from({ length: 200 }, (_, i) => `${queue}/tasks/t${i}`));
  const [tasks] = await h.client.listTasks({ parent: queue });
  assert.equal(tasks.length, 200);
});

test('close() ends the server while a client channel is still open', { timeout: 30_000 }, async () => {
  const other = await startEmulator();
  try {
    await other.client.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/q` } });
    const t0 = Date.now();
    await other.emulator.close(); // the client is still connected
    assert.ok(Date.now() - t0 < 3000, `closed in ${Date.now() - t0} ms`);
    // CreateQueue is not retried by the client (GetQueue would be, until its deadline).
    await assert.rejects(other.client.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/r` } }), grpcError(grpc.status.UNAVAILABLE));
  } finally {
    await other.dispose();
  }
});
