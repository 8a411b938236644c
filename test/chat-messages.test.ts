// upsertChatMessage against a Chat stand-in that answers 429 (Chat's per-space write limit): it
// waits out Retry-After for up to RATE_LIMIT_WAIT_BUDGET_MS in all, then gives the job's queue the
// retryable failure; other errors are not retried.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { chat_v1 } from '@googleapis/chat';
import { JobFailure } from '../service/jobFailure.js';
import { RATE_LIMIT_WAIT_BUDGET_MS, upsertChatMessage } from '../service/workspace/chatMessages.js';

function chatAnswering(statuses: number[]): { chat: chat_v1.Chat; calls: () => number } {
  let calls = 0;
  const patch = async () => {
    const status = statuses[calls++];
    if (status === undefined) return { data: { name: 'spaces/X/messages/client-a' } };
    throw Object.assign(new Error(`HTTP ${status}`), { response: { status, headers: { 'retry-after': '2' }, data: { error: { code: status, message: 'Resource has been exhausted' } } } });
  };
  return { chat: { spaces: { messages: { patch } } } as unknown as chat_v1.Chat, calls: () => calls };
}

const opts = (sleeps: number[]) => ({ space: 'spaces/X', messageId: 'client-a', text: 'hello', sleep: async (ms: number) => void sleeps.push(ms) });

test("a space at its limit for a while: the write waits Retry-After each time and lands", async () => {
  const sleeps: number[] = [];
  const { chat, calls } = chatAnswering([429, 429, 429, 429, 429, 429]);
  const { name } = await upsertChatMessage(chat, opts(sleeps));
  assert.equal(name, 'spaces/X/messages/client-a');
  assert.equal(calls(), 7);
  assert.deepEqual(sleeps, [2000, 2000, 2000, 2000, 2000, 2000]);
});

test('past the wait budget the rate-limit failure goes back to the queue, retryable', async () => {
  const sleeps: number[] = [];
  const { chat } = chatAnswering(Array(100).fill(429));
  await assert.rejects(upsertChatMessage(chat, opts(sleeps)), (err: unknown) => err instanceof JobFailure && err.code === 'google_rate_limited' && err.retryable);
  assert.ok(sleeps.reduce((a, b) => a + b, 0) <= RATE_LIMIT_WAIT_BUDGET_MS);
  assert.equal(sleeps.length, RATE_LIMIT_WAIT_BUDGET_MS / 2000);
});

test('a refusal that is not the rate limit is not retried', async () => {
  const sleeps: number[] = [];
  const { chat, calls } = chatAnswering([403]);
  await assert.rejects(upsertChatMessage(chat, opts(sleeps)), (err: unknown) => err instanceof JobFailure && !err.retryable);
  assert.equal(calls(), 1);
  assert.deepEqual(sleeps, []);
});
