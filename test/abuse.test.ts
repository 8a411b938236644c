// `npm run abuse` at the size that fits in `npm test`: the same run (local/abuse/abuseRun.ts) with
// a few hundred requests and two injection projects. Every number that must be zero is zero, the
// forged-token matrix and SSRF list are tried whole, and every connection stayed on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAbuse } from '../local/abuse/abuseRun.js';

test('abuse suite (small): nothing accepted, no 5xx, nothing recorded, no forbidden connection, no markup', { timeout: 240_000 }, async () => {
  const s = await runAbuse({ requests: 400, seed: 10, concurrency: 8, injectionJobs: 2 });
  assert.equal(s.requests, 400);
  assert.ok(s.malformedBodies.tried >= 150, `malformed bodies sent: ${s.malformedBodies.tried}`);
  assert.ok(s.malformedBodies.jobs > 0 && s.malformedBodies.tasks > 0, 'both doors');
  assert.deepEqual([s.malformedBodies.accepted, s.malformedBodies.fiveHundreds, s.malformedBodies.recorded], [0, 0, 0], JSON.stringify(s.malformedBodies));
  assert.ok(s.forgedTokens.cases >= 29);
  assert.deepEqual([s.forgedTokens.accepted, s.forgedTokens.fiveHundreds, s.forgedTokens.recorded], [0, 0, 0]);
  assert.deepEqual(s.forgedTokens.wrongAnswers, []);
  assert.deepEqual([s.crossUser.accepted, s.crossUser.leakedInList], [0, 0]);
  assert.deepEqual([s.foreignTargets.accepted, s.foreignTargets.recorded], [0, 0]);
  assert.deepEqual(s.foreignTargets.postsToForeignSpaces, []);
  assert.ok(s.injection.jobs >= 5);
  assert.deepEqual(s.injection.failedJobs, []);
  assert.deepEqual(s.injection.found, []);
  assert.equal(s.ssrf.refused, s.ssrf.tried);
  assert.ok(s.ssrf.tried >= 70);
  assert.deepEqual(s.ssrf.forbiddenConnections, []);
  assert.ok(s.connections.made > 0);
  assert.deepEqual(s.connections.notLoopback, []);
  assert.deepEqual({ ...s.totals, tried: 0 }, { tried: 0, accepted: 0, fiveHundreds: 0, jobsRecorded: 0, forbiddenConnections: 0, postsToForeignSpaces: 0, injectionsBecameMarkup: 0 });
  assert.ok(s.totals.tried >= 470);
  assert.equal(s.ok, true);
});
