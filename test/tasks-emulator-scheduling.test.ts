// The emulator's due-time scheduling (min-heaps of waiting tasks and queue wake-ups instead of
// SQL scans) and its group commit (an acknowledged CreateTask survives a crash).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { spawnEmulatorProcess } from '../local/tasks-emulator/emulatorProcess.js';
import { MinHeap } from '../local/tasks-emulator/minHeap.js';
import { TaskIndex } from '../local/tasks-emulator/taskIndex.js';
import { clientFor, PARENT, startEmulator, startTarget, tempDir } from './support/tasks-harness.js';

const seconds = (s: number) => ({ seconds: Math.floor(s), nanos: Math.round((s - Math.floor(s)) * 1e9) });

test('MinHeap pops in comparator order', () => {
  const heap = new MinHeap<number>((a, b) => a < b);
  const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
  for (const v of values) heap.push(v);
  const out: number[] = [];
  for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
  assert.deepEqual(out, [...values].sort((a, b) => a - b));
  assert.equal(heap.size, 0);
});

test('TaskIndex: earliest waiting task first (ties by seq); dispatched, retried, removed and recreated tasks are never offered stale', () => {
  const ix = new TaskIndex();
  ix.put('q', 'b', 2, 100, true);
  ix.put('q', 'a', 1, 100, true);
  ix.put('q', 'c', 3, 50, true);
  ix.put('q', 'inflight', 4, 10, false);
  ix.put('other', 'x', 5, 1, true);
  assert.equal(ix.first('q')?.name, 'c');
  ix.dispatched('c');
  assert.equal(ix.first('q')?.name, 'a', 'a and b share a time: creation order decides');
  ix.dispatched('a');
  ix.waitUntil('a', 200); // retried later
  assert.deepEqual(ix.first('q'), { name: 'b', seq: 2, scheduleTimeMs: 100 });
  ix.remove('b');
  ix.put('q', 'b', 9, 300, true); // the same name, a new task
  assert.deepEqual(ix.first('q'), { name: 'a', seq: 1, scheduleTimeMs: 200 });
  ix.dispatched('a');
  ix.forget('b', 2); // an outcome for the old task must not touch the new one
  assert.deepEqual(ix.first('q'), { name: 'b', seq: 9, scheduleTimeMs: 300 });
  assert.ok(ix.has('inflight'));
  ix.removeQueue('q');
  assert.equal(ix.first('q'), undefined);
  assert.equal(ix.has('inflight'), false);
  assert.equal(ix.first('other')?.name, 'x');
});

test('many queues: each task is delivered at its schedule time, in schedule order per queue, and a paused queue waits for resume', async () => {
  const h = await startEmulator();
  const t = await startTarget();
  try {
    const queues = [1, 2, 3].map((i) => `${PARENT}/queues/sched${i}`);
    for (const name of queues) await h.client.createQueue({ parent: PARENT, queue: { name } });
    await h.client.pauseQueue({ name: queues[2]! });
    const base = Date.now() + 300;
    // Created out of order, spread over the three queues.
    const plan = [
      { q: 0, id: 'late', at: base + 400 },
      { q: 1, id: 'mid', at: base + 200 },
      { q: 0, id: 'early', at: base },
      { q: 2, id: 'paused', at: base },
      { q: 1, id: 'first', at: base - 200 },
    ];
    for (const p of plan) {
      await h.client.createTask({ parent: queues[p.q]!, task: { name: `${queues[p.q]}/tasks/${p.id}`, httpRequest: { url: `${t.url}/${p.id}` }, scheduleTime: seconds(p.at / 1000) } });
    }
    const four = await t.waitFor(4);
    assert.deepEqual(four.map((r) => r.url), ['/first', '/early', '/mid', '/late']);
    for (const r of four) {
      const at = plan.find((p) => `/${p.id}` === r.url)!.at;
      assert.ok(r.at >= at - 1, `${r.url} delivered ${at - r.at} ms early`);
      assert.ok(r.at - at < 250, `${r.url} delivered ${r.at - at} ms late`);
    }
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(t.requests.length, 4, 'the paused queue dispatched');
    await h.client.resumeQueue({ name: queues[2]! });
    const all = await t.waitFor(5);
    assert.equal(all[4]!.url, '/paused');
  } finally {
    await t.close();
    await h.dispose();
  }
});

test('group commit: every CreateTask acknowledged before a crash (SIGKILL) is there after the restart', async () => {
  const dataDir = tempDir();
  // A commit window far longer than the test: only an answer that waits for its commit is safe.
  const emu = await spawnEmulatorProcess(dataDir, { args: ['--commit-window', '60000'] });
  const t = await startTarget();
  let h: Awaited<ReturnType<typeof startEmulator>> | undefined;
  try {
    const client = clientFor(emu.port);
    const q = `${PARENT}/queues/crash`;
    await client.createQueue({ parent: PARENT, queue: { name: q } });
    await client.pauseQueue({ name: q });
    const create = (i: number) => client.createTask({ parent: q, task: { name: `${q}/tasks/t${i}`, httpRequest: { url: `${t.url}/t${i}` } } });
    // Created concurrently, so several share a commit; then one alone, and the crash follows its answer at once.
    await Promise.all(Array.from({ length: 29 }, (_, i) => create(i)));
    await create(29);
    const exited = once(emu.child, 'exit');
    emu.child.kill('SIGKILL');
    await exited;
    await client.close();

    h = await startEmulator({ dataDir });
    await h.client.resumeQueue({ name: q });
    const reqs = await t.waitFor(30);
    assert.deepEqual(new Set(reqs.map((r) => r.url)), new Set(Array.from({ length: 30 }, (_, i) => `/t${i}`)));
  } finally {
    if (emu.child.exitCode === null && emu.child.signalCode === null) emu.child.kill('SIGKILL');
    await t.close();
    await h?.dispose();
  }
});
