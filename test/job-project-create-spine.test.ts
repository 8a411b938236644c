// 50 project.create jobs enqueued at once through the whole stack (POST /v1/jobs → Cloud Tasks
// emulator → /tasks/run → handlers → sandbox): 50 distinct consecutive project numbers, 50
// folders, 50 ledger rows, 50 Chat messages; the same 50 enqueued again, and their tasks
// delivered again, produce nothing more. The requests come from Gmail (no Chat reply target), so
// the 50 messages are the jobs' announcements in the team space.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { taskIdFor } from '../service/queue/taskId.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { LEDGER } from '../shared/sheetLayouts.js';
import { chatMessages, childrenOf, sheetRows } from './support/jobsInspect.js';
import { startJobsSpine, type JobsSpine } from './support/jobsSpine.js';

let s: JobsSpine;
before(async () => {
  s = await startJobsSpine({ chatWriteIntervalMs: 5 });
});
after(() => s.close());

const N = 50;
const CLIENTS = ['株式会社アクメ', 'みどり不動産', '北斗書店', 'Blue Harbor Coffee', '山田製菓株式会社'];

async function enqueueAll(token: string) {
  return Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const res = await request(s.url)
        .post('/v1/jobs')
        .set('authorization', `Bearer ${token}`)
        .send({
          kind: 'project.create',
          idempotencyKey: `gmail-msg-${i}`,
          // Clients of the seeded directory: the test is about numbers and duplicates, not new clients.
          input: { source: 'gmail', client: { name: CLIENTS[i % CLIENTS.length]! }, title: `依頼 ${i}`, due: '2027-01-20', amount: 10_000 * (i + 1) },
        });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      return res.body as { job: { id: string }; created: boolean };
    }),
  );
}

test('50 at once → 50 consecutive numbers, folders, ledger rows and messages; again → nothing more', async () => {
  const google = s.deps.google;
  const g = await google();
  const messagesBefore = (await chatMessages(g, s.config.chatSpace)).length;
  const ledgerBefore = (await sheetRows(g, s.config.ledgerSpreadsheetId, LEDGER)).length;
  const token = await s.userToken();

  const first = await enqueueAll(token);
  assert.ok(first.every((r) => r.created));
  const ids = first.map((r) => r.job.id);
  const jobs = await s.waitForJobs(ids, (j) => j.status === 'succeeded' || j.status === 'failed');
  assert.deepEqual(jobs.filter((j) => j.status !== 'succeeded').map((j) => j.error), []);
  const numbers = jobs.map((j) => (j.result as ProjectCreateResult).projectNumber).sort();
  assert.equal(new Set(numbers).size, N);
  const seq = numbers.map((n) => Number(n.slice(-3)));
  assert.deepEqual(seq, Array.from({ length: N }, (_, i) => seq[0]! + i), 'consecutive');

  const count = async () => {
    const folders = (await childrenOf(g, s.config.projectsFolderId)).filter((f) => numbers.some((n) => f.name.startsWith(`${n} `)));
    const ledger = await sheetRows(g, s.config.ledgerSpreadsheetId, LEDGER);
    const messages = await chatMessages(g, s.config.chatSpace);
    return { folders: folders.length, ledgerRows: ledger.length - ledgerBefore, ledgerJobs: new Set(ledger.map((r) => r.jobId).filter((id) => ids.includes(id!))).size, messages: messages.length - messagesBefore };
  };
  const afterFirst = await count();
  assert.deepEqual(afterFirst, { folders: N, ledgerRows: N, ledgerJobs: N, messages: N });

  // The same 50 again: same jobs, no new tasks.
  const second = await enqueueAll(token);
  assert.ok(second.every((r) => !r.created));
  assert.deepEqual(second.map((r) => r.job.id), ids);
  // And every task delivered once more, as Cloud Tasks may: finished jobs are not re-run.
  const taskToken = await s.taskToken();
  for (const job of jobs) {
    const res = await request(s.url)
      .post('/tasks/run')
      .set('authorization', `Bearer ${taskToken}`)
      .set('x-cloudtasks-taskname', taskIdFor(job.id, job.generation))
      .set('x-cloudtasks-taskretrycount', '0')
      .set('x-cloudtasks-taskexecutioncount', '2')
      .send({ jobId: job.id, generation: job.generation });
    assert.equal(res.status, 200);
  }
  assert.deepEqual(await count(), afterFirst);
  const again = await Promise.all(ids.map((id) => s.deps.store.getJob(id)));
  assert.deepEqual(again.map((j) => (j!.result as ProjectCreateResult).projectNumber).sort(), numbers);
});
