// Reply targets are authorized, not trusted: POST /v1/jobs against the in-process stack (the real
// app, its Google clients on the Workspace sandbox, whose Chat API answers spaces.members.get like
// Google). A colleague's DM, a space the user is not in, a space the app is not in, a foreign
// sheet or calendar: 403 naming the target in the user's language, nothing recorded, nothing
// posted. The team space needs no Chat call; Chat being down is a 503, never a yes. The
// membership cache is tested on its own against the sandbox with a hand-moved clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { SEED_IDS, SEED_USERS } from '../local/sandbox/seedData.js';
import { MEMBERSHIP_TTL_MS, ReplyAuthorization } from '../service/routes/replyAuthorization.js';
import { HttpError } from '../service/routes/httpErrors.js';
import { startInProcessStack, type InProcessStack } from '../local/inProcessStack.js';
import { startTestSandbox, type TestSandbox } from './support/sandbox.js';

const SATO = SEED_USERS.sato.email;
const EMMA = SEED_USERS.emma.email;

describe('POST /v1/jobs reply targets', () => {
  let stack: InProcessStack;
  before(async () => {
    stack = await startInProcessStack({ prefix: 'tasuki-reply-auth-' });
  });
  after(() => stack.close());

  async function enqueue(email: string, body: Record<string, unknown>) {
    const token = await stack.issuer.mintIdToken({ aud: stack.config.scriptClientId, email });
    return request(stack.serviceUrl).post('/v1/jobs').set('authorization', `Bearer ${token}`).send({ kind: 'system.echo', input: { message: 'hi' }, ...body });
  }
  const membershipCalls = () => stack.sandbox.state.recentCalls(1000).filter((c) => c.api === 'chat' && c.path.includes('/members/')).length;
  const messagesIn = (space: string) => stack.sandbox.state.list('chat', 'message', space).length;

  test("a colleague's DM: 403 naming the space (ja and en), nothing recorded, nothing posted", async () => {
    const posted = messagesIn(SEED_IDS.chatDmSpace);
    const ja = await enqueue(EMMA, { reply: { chat: { space: SEED_IDS.chatDmSpace } }, locale: 'ja' });
    assert.equal(ja.status, 403);
    assert.equal(ja.body.error.code, 'target_forbidden');
    assert.equal(ja.body.error.message, `返信先のスペース ${SEED_IDS.chatDmSpace} には送れません。返信先にできるのは、あなたが参加しているスペースとチームのスペースだけです（ダイレクトメッセージはご自身のものだけ）。`);
    assert.deepEqual(ja.body.error.issues, [{ path: 'reply.chat.space', message: `${EMMA} is not a member of ${SEED_IDS.chatDmSpace}` }]);
    const en = await enqueue(EMMA, { reply: { chat: { space: SEED_IDS.chatDmSpace } }, locale: 'en' });
    assert.equal(en.status, 403);
    assert.equal(en.body.error.message, `tasuki cannot reply in ${SEED_IDS.chatDmSpace}: replies go only to spaces you are a member of and the team spaces (direct messages only to your own).`);
    assert.deepEqual(await stack.deps.store.listJobs({ requestedBy: EMMA }), [], 'nothing recorded');
    assert.equal(messagesIn(SEED_IDS.chatDmSpace), posted, 'nothing posted');
  });

  test('your own DM is fine; the team space needs no Chat call', async () => {
    const own = await enqueue(SATO, { reply: { chat: { space: SEED_IDS.chatDmSpace } } });
    assert.equal(own.status, 202);
    const before = membershipCalls();
    const team = await enqueue(EMMA, { reply: { chat: { space: stack.config.chatSpace } } });
    assert.equal(team.status, 202);
    assert.equal(membershipCalls(), before, 'a configured team space is not looked up');
  });

  test('a space the app is not in: 403 saying so; a thread of another space: 400', async () => {
    const lounge = await enqueue(SATO, { reply: { chat: { space: SEED_IDS.chatOtherSpace } }, locale: 'en' });
    assert.equal(lounge.status, 403);
    assert.equal(lounge.body.error.message, `tasuki is not a member of ${SEED_IDS.chatOtherSpace}, so it cannot reply there. Add the tasuki app to the space, or choose another space.`);
    const thread = await enqueue(SATO, { reply: { chat: { space: stack.config.chatSpace, thread: `${SEED_IDS.chatDmSpace}/threads/abc` } } });
    assert.equal(thread.status, 400);
    assert.equal(thread.body.error.issues[0].path, 'reply.chat.thread');
  });

  test('sheets and calendars: only the configured ones', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ reply: { sheet: { spreadsheetId: 'someone-elses-sheet', sheetName: 'Ledger', row: 2 } } }, 'reply.sheet.spreadsheetId', /spreadsheet someone-elses-sheet/],
      [{ kind: 'schedule.sync', input: { spreadsheetId: 'someone-elses-sheet' } }, 'input.spreadsheetId', /spreadsheet someone-elses-sheet/],
      [{ kind: 'schedule.sync', input: { calendarId: 'ceo@example.co.jp' } }, 'input.calendarId', /calendar ceo@example\.co\.jp/],
    ];
    for (const [body, path, message] of cases) {
      const res = await enqueue(SATO, { ...body, locale: 'en' });
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.issues[0].path, path);
      assert.match(res.body.error.message, message);
    }
    const ok = await enqueue(SATO, { kind: 'schedule.sync', input: { spreadsheetId: stack.config.scheduleSpreadsheetId, calendarId: stack.config.calendarId } });
    assert.equal(ok.status, 202);
  });

  test('Chat unavailable: 503 to try again, never a yes; nothing recorded', async () => {
    const who = 'office@example.co.jp';
    stack.sandbox.faults.set({ api: 'chat', errorRates: { 503: 1 } });
    try {
      const res = await enqueue(who, { reply: { chat: { space: SEED_IDS.chatDmSpace } } });
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'target_unverified');
      assert.ok(res.get('retry-after'));
    } finally {
      stack.sandbox.faults.clear();
    }
    assert.deepEqual(await stack.deps.store.listJobs({ requestedBy: who }), []);
  });
});

describe('membership cache', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.stop());

  test('a yes is remembered for a few minutes; a no is asked again at once', async () => {
    let now = 1_000_000;
    const auth = new ReplyAuthorization({ config: { ...t.config, teamSpaces: [] }, chat: async () => t.google.chat, now: () => now });
    const calls = () => t.sandbox.state.recentCalls(1000).filter((c) => c.path.includes('/members/')).length;
    const dm = { kind: 'system.echo' as const, input: {}, reply: { chat: { space: SEED_IDS.chatDmSpace } } };
    const id = SEED_IDS.chatDmSpace.slice('spaces/'.length);
    const members = `${t.sandbox.url}/_sandbox/chat/spaces/${id}/members`;
    const refused = (err: unknown) => err instanceof HttpError && err.status === 403 && err.code === 'target_forbidden';

    await assert.rejects(auth.authorize(EMMA, dm, 'en'), refused);
    await assert.rejects(auth.authorize(EMMA, dm, 'en'), refused);
    assert.equal(calls(), 2, 'a no is not remembered');

    await fetch(members, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMMA }) });
    await auth.authorize(EMMA, dm, 'en');
    assert.equal(calls(), 3, 'added to the space: allowed at once');
    await fetch(`${members}/${EMMA}`, { method: 'DELETE' });
    await auth.authorize(EMMA, dm, 'en');
    assert.equal(calls(), 3, 'the yes is remembered');
    now += MEMBERSHIP_TTL_MS + 1;
    await assert.rejects(auth.authorize(EMMA, dm, 'en'), refused, 'asked again after the TTL: removed, refused');
    assert.equal(calls(), 4);
  });
});
