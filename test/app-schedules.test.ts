// POST /schedules/:id/run end to end: the real app, SQLite store and Cloud Tasks emulator. One
// firing delivered twice makes one job (and one task); another time makes another; only the
// invoker's OIDC token is accepted; the job runs as TASUKI_SCHEDULE_USER and answers in the team
// space; with the queue down the firing answers 503 and the retry for the same time queues it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CloudTasksClient } from '@google-cloud/tasks';
import request from 'supertest';
import { startTasksEmulator, type TasksEmulator } from '../local/tasks-emulator/emulator.js';
import { queuePath } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import { firingTime } from '../service/routes/schedules.js';
import { LocalScheduler } from '../local/scheduler.js';
import { clientFor } from './support/tasks-harness.js';
import { USER, startSpine, type Spine } from './support/spine.js';

const SCHEDULE_USER = 'office@example.co.jp';
const SCHEDULES = [
  { id: 'morning-echo', cron: '0 8 * * MON-FRI', kind: 'system.echo', input: { message: 'おはよう' } },
  { id: 'every-minute', cron: '* * * * *', kind: 'system.echo', input: { message: 'tick' } },
  { id: 'english-echo', cron: '30 7 * * *', timeZone: 'Europe/London', kind: 'system.echo', input: { message: 'morning' }, locale: 'en', reply: { chat: { space: 'spaces/AAAAother' } } },
];

let s: Spine;
let tasks: CloudTasksClient;
let restarted: TasksEmulator | undefined;

before(async () => {
  s = await startSpine({ env: { TASUKI_SCHEDULES: JSON.stringify(SCHEDULES), TASUKI_SCHEDULE_USER: SCHEDULE_USER, TASUKI_CHAT_SPACE: 'spaces/AAAAteam' } });
  tasks = clientFor(s.emulator.port);
});

after(async () => {
  await tasks.close();
  await restarted?.close();
  await s.close();
});

async function fire(id: string, scheduleTime?: string, token?: string) {
  const req = request(s.url).post(`/schedules/${id}/run`).set('authorization', `Bearer ${token ?? (await s.taskToken())}`);
  if (scheduleTime !== undefined) req.set('X-CloudScheduler-ScheduleTime', scheduleTime);
  return req.send();
}

async function pendingTasks(): Promise<string[]> {
  const [list] = await tasks.listTasks({ parent: queuePath(s.config) });
  return list.map((t) => t.name ?? '');
}

test('the same firing delivered twice makes one job and one task; it runs as the schedule user in the team space', async () => {
  await tasks.pauseQueue({ name: queuePath(s.config) });
  let first: request.Response;
  try {
    first = await fire('morning-echo', '2026-12-07T23:00:00Z');
    const second = await fire('morning-echo', '2026-12-07T23:00:00.000Z');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(first.body.created, true);
    assert.equal(second.body.created, false, 'a redelivered firing finds the first job');
    assert.equal(second.body.job.id, first.body.job.id);
    assert.equal(first.body.scheduledFor, '2026-12-07T23:00:00.000Z');
    const taskName = s.deps.queue.taskNameFor(first.body.job.id as string, 1);
    const mine = (await pendingTasks()).filter((n) => n === taskName);
    assert.equal(mine.length, 1, 'one task for the firing');
  } finally {
    await tasks.resumeQueue({ name: queuePath(s.config) });
  }
  const job = await s.waitForJob(first.body.job.id, (j) => j.status === 'succeeded');
  assert.equal(job.requestedBy, SCHEDULE_USER);
  assert.equal(job.kind, 'system.echo');
  assert.deepEqual(job.reply, { chat: { space: 'spaces/AAAAteam' } });
  assert.equal(job.locale, 'ja');
  assert.equal(job.idempotencyKey, 'schedule:morning-echo:2026-12-07T23:00:00.000Z');
  assert.equal(s.reply.finishedFor(job.id).length, 1, 'reported once');
  const all = await s.store.listJobs({ requestedBy: SCHEDULE_USER, limit: 50 });
  assert.equal(all.filter((j) => j.idempotencyKey === job.idempotencyKey).length, 1);
});

test('another scheduled time makes another job; a schedule keeps its own reply target and locale', async () => {
  const a = await fire('english-echo', '2026-12-08T07:30:00Z');
  const b = await fire('english-echo', '2026-12-09T07:30:00Z');
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.notEqual(a.body.job.id, b.body.job.id);
  assert.equal(a.body.job.locale, 'en');
  assert.deepEqual(a.body.job.reply, { chat: { space: 'spaces/AAAAother' } });
  await s.waitForJob(b.body.job.id, (j) => j.status === 'succeeded');
});

test('only the invoker may fire; unknown schedules and bad times are refused', async () => {
  const user = await fire('morning-echo', '2026-12-07T23:00:00Z', await s.userToken(USER));
  assert.equal(user.status, 401, 'a user token has the wrong audience');
  const other = await fire('morning-echo', '2026-12-07T23:00:00Z', await s.taskToken({ email: 'intruder@tasuki-local.iam.gserviceaccount.com' }));
  assert.equal(other.status, 403);
  assert.equal(other.body.error.code, 'wrong_service_account');
  const none = await request(s.url).post('/schedules/morning-echo/run').send();
  assert.equal(none.status, 401);
  const unknown = await fire('nightly', '2026-12-07T23:00:00Z');
  assert.equal(unknown.status, 404);
  const bad = await fire('morning-echo', 'tomorrow morning');
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /not an RFC 3339 time/);
});

test('the local scheduler fires on the cron with the schedule time; a retried firing makes no second job', async () => {
  // A clock 0.3 s before the next minute: the every-minute schedule fires almost at once.
  const real = Date.now();
  const target = Math.ceil(real / 60_000) * 60_000 + 60_000;
  const offset = target - 300 - real;
  const scheduler = new LocalScheduler({ config: { ...s.config, schedules: s.config.schedules.filter((x) => x.id === 'every-minute') }, issuer: s.issuer, now: () => new Date(Date.now() + offset) });
  assert.equal(scheduler.list()[0]?.nextRun, new Date(target).toISOString());
  scheduler.start();
  try {
    let last;
    for (const until = Date.now() + 10_000; !last && Date.now() < until; await new Promise((r) => setTimeout(r, 50))) last = scheduler.list()[0]?.last;
    assert.equal(last?.status, 200, JSON.stringify(last));
    assert.equal(last?.scheduledFor, new Date(target).toISOString());
    assert.equal(last?.manual, false);
    assert.equal(last?.created, true);
    const job = await s.waitForJob(last!.jobId!, (j) => j.status === 'succeeded');
    assert.equal(job.idempotencyKey, `schedule:every-minute:${new Date(target).toISOString()}`);
    // Cloud Scheduler may deliver a firing again: same header, same job.
    const again = await fire('every-minute', new Date(target).toISOString());
    assert.equal(again.body.job.id, job.id);
    assert.equal(again.body.created, false);
  } finally {
    scheduler.close();
  }
});

test('a manual run (no schedule time) counts as the current minute', () => {
  const now = new Date('2026-12-07T23:04:41.512Z');
  assert.equal(firingTime(undefined, now).toISOString(), '2026-12-07T23:04:00.000Z');
  assert.equal(firingTime('', now).toISOString(), '2026-12-07T23:04:00.000Z');
  assert.equal(firingTime('2026-12-08T08:00:00+09:00', now).toISOString(), '2026-12-07T23:00:00.000Z');
});

test('queue down: 503 with Retry-After, the job waits without a task; the retry for the same time queues it (last: stops the emulator)', async () => {
  await s.emulator.close();
  const down = await fire('morning-echo', '2026-12-14T23:00:00Z');
  assert.equal(down.status, 503);
  assert.equal(down.body.error.code, 'queue_unavailable');
  assert.ok(down.get('retry-after'));
  const [recorded] = (await s.store.listJobs({ requestedBy: SCHEDULE_USER, limit: 50 })).filter((j) => j.idempotencyKey === 'schedule:morning-echo:2026-12-14T23:00:00.000Z');
  assert.equal(recorded?.status, 'queued');
  assert.equal(await s.deps.queue.exists(s.deps.queue.taskNameFor(recorded!.id, recorded!.generation)).catch(() => false), false, 'no task');

  restarted = await startTasksEmulator({ dataDir: s.dataDir, issuer: s.issuer, port: s.emulator.port, logger: createLogger({ level: 'silent' }), timeScale: 0.2 });
  let again = await fire('morning-echo', '2026-12-14T23:00:00Z');
  for (const until = Date.now() + 15_000; again.status === 503 && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 200));
    again = await fire('morning-echo', '2026-12-14T23:00:00Z');
  }
  assert.equal(again.status, 200);
  assert.equal(again.body.created, false);
  assert.equal(again.body.job.id, recorded?.id);
  await s.waitForJob(recorded!.id, (j) => j.status === 'succeeded');
});
