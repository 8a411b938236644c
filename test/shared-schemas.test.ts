/**
 * The shared schemas as the add-on has them: written with zod/mini (shared/zod.ts) and loaded
 * here without classic zod, which would otherwise install its English messages itself. The
 * messages, defaults, trimming and strictness are the ones the service and the add-on's local
 * check have always given. This file must import nothing that loads 'zod' (service/, local/).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnqueueRequest, describeIssues } from '../shared/api.js';
import { ClientMatchQuery } from '../shared/clientMatch.js';
import { JobView } from '../shared/job.js';
import { SystemEchoInput } from '../shared/kinds/systemEcho.js';

test('issues read in English, zod defaults and our own messages alike, with dotted paths', () => {
  const r = EnqueueRequest.safeParse({
    kind: 'project.create',
    input: { source: 'gmail', client: { name: ' ', email: 'not an email' }, title: 'x'.repeat(201), amount: 1.5, request: { attachments: 'none' } },
    reply: { chat: { space: 'general' } },
    extra: 1,
  });
  assert.equal(r.success, false);
  assert.deepEqual(describeIssues(r.error!), [
    { path: 'reply.chat.space', message: 'must look like spaces/AAAA…' },
    { path: '(body)', message: 'Unrecognized key: "extra"' },
    { path: 'input.client.name', message: 'client name is required' },
    { path: 'input.client.email', message: 'Invalid email address' },
    { path: 'input.title', message: 'Too big: expected string to have <=200 characters' },
    { path: 'input.amount', message: 'must be whole yen' },
    { path: 'input.request.attachments', message: 'Invalid input: expected array, received string' },
  ]);
  assert.deepEqual(describeIssues(EnqueueRequest.safeParse({ kind: 'nope', input: {} }).error!), [
    {
      path: 'kind',
      message: 'Invalid option: expected one of "system.echo"|"project.create"|"schedule.sync"|"billing.document"|"portal.scrape"|"ledger.summarize"|"ledger.search"',
    },
  ]);
});

test('defaults and trimming apply; unknown keys of a strict object are refused, of a plain one dropped', () => {
  assert.deepEqual(SystemEchoInput.parse({ message: 'hi' }), { message: 'hi', steps: 1, delayMs: 0, failTimes: 0, failPermanently: false });
  assert.deepEqual(ClientMatchQuery.parse({ name: '  山田  ' }), { name: '山田' });
  assert.deepEqual(describeIssues(ClientMatchQuery.safeParse({}).error!), [{ path: '(body)', message: 'give a name, company or email' }]);
  const now = '2026-05-01T00:00:00.000Z';
  const view = {
    id: 'j-1', kind: 'system.echo', input: {}, status: 'queued', requestedBy: 'a@example.jp', locale: 'ja', generation: 1,
    attempts: 0, steps: ['a'], cancelRequested: false, createdAt: now, updatedAt: now, lease: { holder: 'h', until: now }, version: 3,
  };
  const { lease: _lease, version: _version, ...expected } = view;
  assert.deepEqual(JobView.parse(view), expected);
});
