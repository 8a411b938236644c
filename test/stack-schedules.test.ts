/**
 * The local stack runs the office's schedules (local/scheduler.ts, Cloud Scheduler's stand-in):
 * the console lists them with their next run in the office's time zone, and "run now" fires one
 * through the service's real, OIDC-authenticated endpoint, which makes the job; the job runs and
 * answers in the team space's Chat. Pressing "run now" twice within a minute makes one job.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ChatMessage } from '../local/sandbox/chatApi.js';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import type { JobRecord } from '../shared/job.js';
import { startInProcessStack, type InProcessStack } from '../local/inProcessStack.js';

let stack: InProcessStack;

before(async () => {
  stack = await startInProcessStack({ prefix: 'tasuki-stack-schedules-' });
});
after(async () => {
  await stack?.close();
});

async function json<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.consoleUrl}console/api${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as T };
}

type Listed = { id: string; cron: string; timeZone: string; kind: string; nextRun: string | null; last?: { jobId?: string; status: number; manual: boolean } };

test('the console lists the seeded office schedules with their next run', async () => {
  const { status, body } = await json<{ timezone: string; schedules: Listed[] }>('/schedules');
  assert.equal(status, 200);
  assert.equal(body.timezone, 'Asia/Tokyo');
  const byId = new Map(body.schedules.map((s) => [s.id, s]));
  assert.deepEqual([...byId.keys()].sort(), ['scrape-acme', 'sync-schedule']);
  const scrape = byId.get('scrape-acme')!;
  assert.equal(scrape.cron, '0 8 * * MON-FRI');
  assert.equal(scrape.timeZone, 'Asia/Tokyo');
  assert.equal(scrape.kind, 'portal.scrape');
  const sync = byId.get('sync-schedule')!;
  assert.equal(sync.cron, '30 7 * * *');
  for (const s of [scrape, sync]) {
    const next = new Date(s.nextRun!);
    assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 4 * 24 * 3600_000, `${s.id} next run ${s.nextRun}`);
  }
  // 07:30 in Tokyo is 22:30 UTC the day before.
  assert.match(sync.nextRun!, /T22:30:00\.000Z$/);
  assert.match(scrape.nextRun!, /T23:00:00\.000Z$/);
  const weekday = new Date(new Date(scrape.nextRun!).getTime() + 9 * 3600_000).getUTCDay();
  assert.ok(weekday >= 1 && weekday <= 5, 'a weekday in Tokyo');
});

test('"run now" makes the job through the service; it runs and answers in the team space', async () => {
  const first = await json<{ firing: { jobId: string; created: boolean; manual: boolean; status: number } }>('/schedules/sync-schedule/run', { method: 'POST', body: '{}' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.firing.created, true);
  assert.equal(first.body.firing.manual, true);
  const jobId = first.body.firing.jobId;
  let job: JobRecord | null = null;
  for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    job = await stack.deps.store.getJob(jobId);
    if (job && ['succeeded', 'failed'].includes(job.status)) break;
  }
  assert.equal(job?.status, 'succeeded', JSON.stringify(job?.error));
  assert.equal(job?.kind, 'schedule.sync');
  assert.equal(job?.requestedBy, stack.config.scheduleUser);
  const messages = (await (await fetch(`${stack.consoleUrl}_sandbox/chat/spaces/${SEED_IDS.chatSpace.slice('spaces/'.length)}/messages`)).json()) as { messages: ChatMessage[] };
  assert.ok(messages.messages.some((m) => m.name === `${SEED_IDS.chatSpace}/messages/client-${jobId}` || m.clientAssignedMessageId === `client-${jobId}`), 'the job answered in the team space');

  const listed = (await json<{ schedules: Listed[] }>('/schedules')).body.schedules.find((s) => s.id === 'sync-schedule')!;
  assert.equal(listed.last?.jobId, jobId);
  assert.equal(listed.last?.status, 200);
});

test('"run now" twice within a minute finds the same job; an unknown schedule is 404', async () => {
  type Fired = { firing: { jobId: string; created: boolean; scheduledFor: string } };
  const a = await json<Fired>('/schedules/scrape-acme/run', { method: 'POST', body: '{}' });
  const b = await json<Fired>('/schedules/scrape-acme/run', { method: 'POST', body: '{}' });
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  // Each manual run counts as the minute the service received it in.
  assert.match(a.body.firing.scheduledFor, /:00\.000Z$/);
  if (b.body.firing.scheduledFor === a.body.firing.scheduledFor) {
    assert.equal(b.body.firing.jobId, a.body.firing.jobId);
    assert.equal(b.body.firing.created, false);
  } else {
    // The clock ticked over between them: another minute, another job.
    assert.notEqual(b.body.firing.jobId, a.body.firing.jobId);
    assert.equal(b.body.firing.created, true);
  }
  const missing = await json<{ error: { code: string } }>('/schedules/nightly/run', { method: 'POST', body: '{}' });
  assert.equal(missing.status, 404);
});
