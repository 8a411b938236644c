// The JobContext a handler gets (RunContext) over a real SQLite store: memoized steps persisted
// before the next one starts (the last one with the outcome, or within the event-loop turn),
// reserved names, the signal (cancel poll, dispatch deadline), lease loss.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { loadConfig } from '../service/config.js';
import type { GoogleClients } from '../service/google/clients.js';
import { createLogger } from '../service/logger.js';
import type { ReplyPort } from '../service/reply/replyPort.js';
import { createStore } from '../service/store/createStore.js';
import type { Store } from '../service/store/store.js';
import { classifyFailure } from '../service/worker/classifyFailure.js';
import { JobFailure } from '../service/jobFailure.js';
import { mutateJob } from '../service/worker/jobMutation.js';
import { JobAborted, LeaseLost, RunContext } from '../service/worker/runContext.js';
import type { JobRecord } from '../shared/job.js';
import { USER, tempDir } from './support/spine.js';

const log = createLogger({ level: 'silent' });
let dir: string;
let store: Store;
const config = () => loadConfig({ TASUKI_DATA_DIR: dir, LOG_LEVEL: 'silent' });
const replies: string[] = [];
const reply: ReplyPort = {
  async progress(job) {
    replies.push(`progress ${job.progress?.done}/${job.progress?.total}`);
  },
  async finished() {},
};

before(async () => {
  dir = tempDir('tasuki-context-');
  store = createStore(config(), log);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function runningJob(holder = 'task-a#0'): Promise<JobRecord> {
  const at = new Date().toISOString();
  const { job } = await store.createJob({
    id: `j-ctx-${++n}`, kind: 'system.echo', input: { message: 'x' }, status: 'running', requestedBy: USER, locale: 'en',
    generation: 1, attempts: 1, steps: {}, cancelRequested: false, createdAt: at, updatedAt: at, version: 0,
    lease: { holder, until: new Date(Date.now() + 60_000).toISOString() },
  });
  return job;
}

/** A RunContext; `startedMsAgo` shifts its clock at construction (the run's start) into the past. */
function context(job: JobRecord, opts: { holder?: string; deadlineInMs?: number; startedMsAgo?: number } = {}): RunContext<unknown> {
  let shift = opts.startedMsAgo ?? 0;
  const ctx = new RunContext({
    job, input: job.input, holder: opts.holder ?? 'task-a#0', store, reply, google: {} as GoogleClients, config: config(), log,
    now: () => new Date(Date.now() - shift), deadlineAt: Date.now() + (opts.deadlineInMs ?? 60_000), cancelPollMs: 20, leaseMs: 30_000,
  });
  shift = 0;
  return ctx;
}

/**
 * Lets the event loop turn (a step's deferred write goes out) and the store answer: an immediate
 * queued now runs after the one the step queued, whatever phase the loop is in (a bare timer may
 * fire first on a loaded machine).
 */
const aTurn = () => new Promise((resolve) => setImmediate(() => setTimeout(resolve, 20)));

test('a step runs once: its output is stored within the turn it returns in, and a new context gets it back', async () => {
  const job = await runningJob();
  let calls = 0;
  const ctx = context(job);
  const out = await ctx.step('make-folder', async () => {
    calls++;
    return { folderId: 'f1', at: new Date(0), skip: undefined };
  });
  assert.deepEqual(out, { folderId: 'f1', at: '1970-01-01T00:00:00.000Z' }, 'the stored (JSON) form is returned');
  assert.deepEqual(ctx.job.steps['make-folder']?.output, out, 'the run sees it at once');
  await aTurn();
  const stored = await store.getJob(job.id);
  assert.deepEqual(stored?.steps['make-folder']?.output, out);

  const redelivered = context(stored!);
  const again = await redelivered.step('make-folder', async () => {
    calls++;
    return { folderId: 'f2' };
  });
  assert.deepEqual(again, out);
  assert.equal(calls, 1);
  await assert.rejects(redelivered.step('$reported', async () => 1), /reserved/);
});

test('progress is forwarded to the reply port and stored on the job in the background', async () => {
  const job = await runningJob();
  job.reply = { chat: { space: 'spaces/AAAA' } };
  await store.updateJob(job.id, job.version, { ...job, version: job.version + 1 });
  const ctx = context((await store.getJob(job.id))!, { startedMsAgo: 5_000 });
  await ctx.progress(3, 7, 'copying');
  assert.ok(replies.includes('progress 3/7'));
  await aTurn();
  assert.deepEqual((await store.getJob(job.id))?.progress && [3, 7], [3, 7]);
  ctx.dispose();
});

test('progress never waits for a write: it rides along with the next write, or goes out alone a second after the last one', async () => {
  const job = await runningJob();
  const ctx = context(job);
  await ctx.progress(1, 3, 'one');
  await ctx.progress(2, 3, 'two');
  assert.equal((await store.getJob(job.id))?.progress, undefined, 'nothing written yet');
  assert.equal(ctx.job.progress?.done, 2, 'but the run sees it');
  await ctx.step('next', async () => 'x');
  await aTurn();
  const carried = await store.getJob(job.id);
  assert.equal(carried?.progress?.label, 'two', 'the step write carried it');
  assert.equal(carried?.version, 1, 'one write for both');
  await ctx.progress(3, 3, 'three');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await store.getJob(job.id))?.progress?.label, 'two', 'within a second of the last write: not yet');
  await new Promise((r) => setTimeout(r, 1000));
  const alone = await store.getJob(job.id);
  assert.deepEqual([alone?.progress?.label, alone?.version], ['three', 2], 'then written on its own');
  ctx.dispose();
});

test('a step is written before the next one acts; the last one waits for the outcome unless the handler turns the event loop', async () => {
  const job = await runningJob();
  const ctx = context(job);
  const seen: Array<string[]> = [];
  const storedSteps = async () => Object.keys((await store.getJob(job.id))?.steps ?? {}).sort();
  await ctx.step('a', async () => 1);
  await ctx.step('b', async () => {
    seen.push(await storedSteps());
    return 2;
  });
  await ctx.step('c', async () => {
    seen.push(await storedSteps());
    return 3;
  });
  // The handler returns here: nothing has turned the event loop since c finished.
  assert.deepEqual(await storedSteps(), ['a', 'b'], 'c is not written on its own');
  assert.deepEqual(seen, [['a'], ['a', 'b']], 'each step found the one before it recorded');
  assert.deepEqual(Object.keys(ctx.job.steps).sort(), ['a', 'b', 'c'], 'the outcome write gets all three from ctx.job');
  ctx.dispose();
  await aTurn();
  assert.deepEqual(await storedSteps(), ['a', 'b'], 'after dispose (the worker concludes) no separate write goes out');
  assert.equal((await store.getJob(job.id))?.version, 2, 'two step writes for three steps');

  // A handler that awaits other I/O after its last step: the step is written on its own, at once.
  const other = await runningJob();
  const ctx2 = context(other);
  await ctx2.step('only', async () => 'x');
  await aTurn();
  assert.deepEqual(Object.keys((await store.getJob(other.id))?.steps ?? {}), ['only']);
  ctx2.dispose();
});

test('a cancel request aborts the signal even while the handler is waiting, with reason canceled', async () => {
  const job = await runningJob();
  const ctx = context(job);
  ctx.start();
  try {
    await mutateJob(store, job.id, (j) => ({ ...j, cancelRequested: true }));
    const reason = await new Promise<unknown>((resolve) => ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason), { once: true }));
    assert.ok(reason instanceof JobAborted && reason.reason === 'canceled');
    await assert.rejects(ctx.step('next', async () => 1), JobAborted);
  } finally {
    ctx.dispose();
  }
});

test('the cancel poll reads the record only when the run has not written it within the poll period', async () => {
  const job = await runningJob();
  let reads = 0;
  const counting = new Proxy(store, {
    get(target, prop) {
      if (prop === 'getJob') return (id: string) => (reads++, target.getJob(id));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const ctx = new RunContext({
    job, input: job.input, holder: 'task-a#0', store: counting, reply, google: {} as GoogleClients, config: config(), log,
    now: () => new Date(), deadlineAt: Date.now() + 60_000, cancelPollMs: 300, leaseMs: 30_000,
  });
  ctx.start();
  try {
    for (let i = 0; i < 12; i++) await ctx.step(`s${i}`, () => new Promise((r) => setTimeout(() => r(i), 10)));
    assert.equal(reads, 0, 'a write every ~10 ms: no poll read');
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(reads >= 1, `idle for a second: polled (${reads} reads)`);
  } finally {
    ctx.dispose();
  }
});

test('the signal aborts before the dispatch deadline, with reason deadline', async () => {
  const job = await runningJob();
  const ctx = context(job, { deadlineInMs: 30 });
  ctx.start();
  try {
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    assert.equal(ctx.abortReason, 'deadline');
  } finally {
    ctx.dispose();
  }
});

test('when another delivery has taken the lease, the next write throws LeaseLost and a step write stops the run', async () => {
  const job = await runningJob('task-a#0');
  const ctx = context(job, { holder: 'task-a#0' });
  await mutateJob(store, job.id, (j) => ({ ...j, lease: { holder: 'task-a#1', until: new Date(Date.now() + 60_000).toISOString() } }));
  await assert.rejects(ctx.mutate((j) => j), LeaseLost);
  await ctx.step('late', async () => 1);
  await aTurn();
  assert.equal(ctx.abortReason, 'leaseLost', "the step's write found the lease gone and stopped the run");
  await assert.rejects(ctx.step('later', async () => 2), JobAborted);
  assert.equal((await store.getJob(job.id))?.steps.late, undefined, 'nothing written');
});

test('failures are classified: JobFailure as declared, Google 429/5xx retryable, 400/404 permanent, unknown retryable', () => {
  const declared = classifyFailure(new JobFailure({ code: 'no_template', retryable: false, userMessage: { ja: 'テンプレートがありません', en: 'No template' } }), 'ja');
  assert.deepEqual(declared, { error: { code: 'no_template', message: 'テンプレートがありません', retryable: false, userMessage: { ja: 'テンプレートがありません', en: 'No template' } } });
  const withDetail = classifyFailure(new JobFailure({ code: 'unknown_portal', retryable: false, message: 'TASUKI_PORTALS has no portal x', userMessage: { ja: 'ない', en: 'none' } }), 'en');
  assert.equal(withDetail.error.detail, 'TASUKI_PORTALS has no portal x', 'the technical account is kept for the administrator');
  const google = (status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`HTTP ${status}`), { response: { status, headers: new Headers(headers) } });
  assert.deepEqual(classifyFailure(google(429, { 'retry-after': '12' }), 'en'), {
    error: { code: 'google_429', message: 'Google API answered 429: HTTP 429', retryable: true, detail: 'HTTP 429' },
    retryAfterSeconds: 12,
  });
  assert.equal(classifyFailure(google(503), 'en').error.retryable, true);
  assert.equal(classifyFailure(google(404), 'en').error.retryable, false);
  assert.equal(classifyFailure(google(400), 'en').error.retryable, false);
  const internal = classifyFailure(new TypeError('x is undefined'), 'en').error;
  assert.deepEqual({ ...internal, detail: undefined }, { code: 'internal', message: 'x is undefined', retryable: true, detail: undefined });
  assert.match(internal.detail ?? '', /^TypeError: x is undefined/);
});
