// The sandbox's Chat API through the official @googleapis/chat client: client-id upsert,
// requestId dedupe, threading, the per-space write limit, card validation, messageId rules,
// membership, size limits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { forChatText } from '../shared/userText.js';
import { startTestSandbox, type TestSandbox } from './support/sandbox.js';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.stop();
});

const SPACE = SEED_IDS.chatSpace;
type GError = { status?: number; message: string; response?: { data?: { error?: { status?: string } } } };
async function rejects(p: Promise<unknown>, status: number, message: RegExp): Promise<GError> {
  try {
    await p;
  } catch (err) {
    const e = err as GError;
    assert.equal(e.status, status, `expected ${status}, got ${e.status}: ${e.message}`);
    assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected a ${status} error`);
}

const card = (text: string) => [{ cardId: 'job', card: { header: { title: 'tasuki' }, sections: [{ widgets: [{ textParagraph: { text } }] }] } }];

test('spaces.get/list: the app sees the spaces it is a member of', async () => {
  const chat = t.google.chat;
  const space = await chat.spaces.get({ name: SPACE });
  assert.equal(space.data.displayName, 'デザイン室 / Design team');
  assert.equal(space.data.spaceType, 'SPACE');
  const list = await chat.spaces.list({});
  const names = list.data.spaces!.map((s) => s.name);
  assert.ok(names.includes(SPACE) && names.includes(SEED_IDS.chatDmSpace));
  assert.ok(!names.includes(SEED_IDS.chatOtherSpace));
  const spacesOnly = await chat.spaces.list({ filter: 'spaceType = "SPACE"' });
  assert.deepEqual(spacesOnly.data.spaces!.map((s) => s.name), [SPACE]);
  await rejects(chat.spaces.get({ name: SEED_IDS.chatOtherSpace }), 403, /not a member/);
  await rejects(chat.spaces.messages.create({ parent: SEED_IDS.chatOtherSpace, requestBody: { text: 'hi' } }), 403, /not a member/);
  await rejects(chat.spaces.get({ name: 'spaces/NOPE' }), 404, /not found/);
});

test('client-id upsert: patch with allowMissing creates, then updates the same message', async () => {
  const chat = t.google.chat;
  const name = `${SPACE}/messages/client-job-upsert-1`;
  const created = await chat.spaces.messages.patch({ name, updateMask: 'text,cards_v2', allowMissing: true, requestBody: { text: '処理中… 0/3', cardsV2: card('queued') } });
  assert.equal(created.data.clientAssignedMessageId, 'client-job-upsert-1');
  assert.equal(created.data.sender?.type, 'BOT');
  const updated = await chat.spaces.messages.patch({ name, updateMask: 'text,cards_v2', allowMissing: true, requestBody: { text: '完了 Done', cardsV2: card('done') } });
  assert.equal(updated.data.name, created.data.name, 'the same message, not a second one');
  assert.equal(updated.data.text, '完了 Done');
  const got = await chat.spaces.messages.get({ name });
  assert.equal(got.data.text, '完了 Done');
  assert.ok(got.data.lastUpdateTime);
  const all = await chat.spaces.messages.list({ parent: SPACE, pageSize: 100 });
  assert.equal(all.data.messages!.filter((m) => m.clientAssignedMessageId === 'client-job-upsert-1').length, 1);
  // Only the masked fields change: text kept when only cards are updated.
  const cardsOnly = await chat.spaces.messages.patch({ name, updateMask: 'cards_v2', requestBody: { cardsV2: card('again') } });
  assert.equal(cardsOnly.data.text, '完了 Done');
});

test('patch: updateMask is required; allowMissing only creates client-assigned ids; missing without it is 404', async () => {
  const chat = t.google.chat;
  await rejects(chat.spaces.messages.patch({ name: `${SPACE}/messages/client-x1`, requestBody: { text: 'x' } }), 400, /updateMask is required/);
  await rejects(chat.spaces.messages.patch({ name: `${SPACE}/messages/client-x1`, updateMask: 'colour', requestBody: { text: 'x' } }), 400, /Invalid updateMask path "colour"/);
  await rejects(chat.spaces.messages.patch({ name: `${SPACE}/messages/AbCdEf.AbCdEf`, updateMask: 'text', allowMissing: true, requestBody: { text: 'x' } }), 400, /only for a client-assigned ID/);
  await rejects(chat.spaces.messages.patch({ name: `${SPACE}/messages/client-never`, updateMask: 'text', requestBody: { text: 'x' } }), 404, /not found/);
});

test('messageId rules: client- prefix, ≤63 chars, lowercase letters, digits and hyphens; unique per space', async () => {
  const chat = t.google.chat;
  for (const bad of ['job-1', 'client-Job-1', 'client-job_1', `client-${'a'.repeat(57)}`]) {
    const e = await rejects(chat.spaces.messages.create({ parent: SPACE, messageId: bad, requestBody: { text: 'x' } }), 400, /messageId/);
    assert.equal(e.response?.data?.error?.status, 'INVALID_ARGUMENT');
  }
  const ok = await chat.spaces.messages.create({ parent: SPACE, messageId: `client-${'a'.repeat(56)}`, requestBody: { text: 'x' } });
  assert.equal(ok.data.clientAssignedMessageId?.length, 63);
  await rejects(chat.spaces.messages.create({ parent: SPACE, messageId: `client-${'a'.repeat(56)}`, requestBody: { text: 'again' } }), 409, /already exists/);
});

test('requestId: a repeat returns the existing message unchanged', async () => {
  const chat = t.google.chat;
  const first = await chat.spaces.messages.create({ parent: SPACE, requestId: 'req-42', requestBody: { text: 'first' } });
  const second = await chat.spaces.messages.create({ parent: SPACE, requestId: 'req-42', requestBody: { text: 'second' } });
  assert.equal(second.data.name, first.data.name);
  assert.equal(second.data.text, 'first');
});

test('threads: threadKey with REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD groups replies; REPLY_MESSAGE_OR_FAIL needs a thread', async () => {
  const chat = t.google.chat;
  const a = await chat.spaces.messages.create({ parent: SPACE, messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD', requestBody: { text: 'start', thread: { threadKey: 'job-7' } } });
  const b = await chat.spaces.messages.create({ parent: SPACE, messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD', requestBody: { text: 'reply', thread: { threadKey: 'job-7' } } });
  assert.equal(b.data.thread?.name, a.data.thread?.name);
  const c = await chat.spaces.messages.create({ parent: SPACE, messageReplyOption: 'REPLY_MESSAGE_OR_FAIL', requestBody: { text: 'by name', thread: { name: a.data.thread!.name! } } });
  assert.equal(c.data.thread?.name, a.data.thread?.name);
  const fresh = await chat.spaces.messages.create({ parent: SPACE, requestBody: { text: 'new thread', thread: { threadKey: 'job-7' } } });
  assert.notEqual(fresh.data.thread?.name, a.data.thread?.name, 'the default option starts a new thread and ignores threadKey');
  await rejects(chat.spaces.messages.create({ parent: SPACE, messageReplyOption: 'REPLY_MESSAGE_OR_FAIL', requestBody: { text: 'x', thread: { threadKey: 'no-such-thread' } } }), 404, /Thread not found/);
  const inThread = await chat.spaces.messages.list({ parent: SPACE, filter: `thread.name = ${a.data.thread!.name}` });
  assert.deepEqual(inThread.data.messages!.map((m) => m.text), ['start', 'reply', 'by name']);
});

test('invalid card JSON is rejected with a 400 naming the bad field', async () => {
  const chat = t.google.chat;
  const badCard = [{ cardId: 'c', card: { sections: [{ widgets: [{ textParagraph: { text: 'ok' } }] }, { widgets: [{ buttonList: { buttons: [{ text: 'Retry', onClick: {} }] } }] }] } }];
  await rejects(chat.spaces.messages.create({ parent: SPACE, requestBody: { cardsV2: badCard } }), 400, /cardsV2\[0\]\.card\.sections\[1\]\.widgets\[0\]\.buttonList\.buttons\[0\]\.onClick/);
  const unknown = [{ cardId: 'c', card: { sections: [{ widgets: [{ textParagraph: { text: 'x', colour: 'red' } }] }] } }];
  await rejects(chat.spaces.messages.patch({ name: `${SPACE}/messages/client-badcard`, updateMask: 'cards_v2', allowMissing: true, requestBody: { cardsV2: unknown as never } }), 400, /cardsV2\[0\]\.card\.sections\[0\]\.widgets\[0\]\.textParagraph\.colour/);
  await rejects(chat.spaces.messages.create({ parent: SPACE, requestBody: { text: 'x', colour: 'red' } as never }), 400, /Unknown name "colour" at 'message'/);
  await rejects(chat.spaces.messages.create({ parent: SPACE, requestBody: {} }), 400, /Message cannot be empty/);
});

test('size limits: 32,000-byte messages and 4,096-character text', async () => {
  const chat = t.google.chat;
  const widgets = Array.from({ length: 90 }, () => ({ textParagraph: { text: 'あ'.repeat(130) } }));
  await rejects(chat.spaces.messages.create({ parent: SPACE, requestBody: { cardsV2: [{ cardId: 'big', card: { sections: [{ widgets }] } }] } }), 400, /at most 32000 bytes/);
  await rejects(chat.spaces.messages.create({ parent: SPACE, requestBody: { text: 'x'.repeat(4097) } }), 400, /4096 characters/);
});

test('per-space write limit answers 429 RESOURCE_EXHAUSTED; other spaces are unaffected', async () => {
  t.sandbox.faults.setLimits({ chatWriteIntervalMs: 60_000, chatWriteBurst: 2 });
  try {
    const chat = t.google.chat;
    await chat.spaces.messages.create({ parent: SPACE, requestBody: { text: '1' } });
    await chat.spaces.messages.create({ parent: SPACE, requestBody: { text: '2' } });
    const e = await rejects(chat.spaces.messages.patch({ name: `${SPACE}/messages/client-limited`, updateMask: 'text', allowMissing: true, requestBody: { text: '3' } }), 429, /Resource has been exhausted/);
    assert.equal(e.response?.data?.error?.status, 'RESOURCE_EXHAUSTED');
    await chat.spaces.messages.create({ parent: SEED_IDS.chatDmSpace, requestBody: { text: 'DM still fine' } });
    // Reads are not writes.
    await chat.spaces.messages.list({ parent: SPACE });
  } finally {
    t.sandbox.faults.setLimits({ chatWriteIntervalMs: 0 });
  }
});

test('list pages through messages with pageSize/pageToken and orderBy', async () => {
  const chat = t.google.chat;
  const seen: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await chat.spaces.messages.list({ parent: SEED_IDS.chatDmSpace, pageSize: 1, pageToken });
    seen.push(...page.data.messages!.map((m) => m.name!));
    pageToken = page.data.nextPageToken ?? undefined;
  } while (pageToken);
  const all = await chat.spaces.messages.list({ parent: SEED_IDS.chatDmSpace, orderBy: 'createTime desc' });
  assert.deepEqual(all.data.messages!.map((m) => m.name), [...seen].reverse());
});

test('spaces.members.get: a Membership for a member (by e-mail or user id), 404 for anyone else', async () => {
  const chat = t.google.chat;
  const sato = 'sato@example.co.jp';
  const member = await chat.spaces.members.get({ name: `${SEED_IDS.chatDmSpace}/members/${sato}` });
  assert.equal(member.data.state, 'JOINED');
  assert.equal(member.data.member?.type, 'HUMAN');
  const userId = member.data.member!.name!.slice('users/'.length);
  assert.equal(member.data.name, `${SEED_IDS.chatDmSpace}/members/${userId}`);
  const byId = await chat.spaces.members.get({ name: `${SEED_IDS.chatDmSpace}/members/${userId}` });
  assert.equal(byId.data.name, member.data.name);
  // Emma is not in Sato's direct-message space: Google answers 404, and so does the sandbox.
  const e = await rejects(chat.spaces.members.get({ name: `${SEED_IDS.chatDmSpace}/members/emma@example.co.jp` }), 404, /not found/);
  assert.equal(e.response?.data?.error?.status, 'NOT_FOUND');
  // The path template has one segment after members/: users/<email> is no method at all.
  await rejects(chat.spaces.members.get({ name: `${SPACE}/members/users/${sato}` }), 404, /does not implement/);
  // A space the app is not in: the app cannot read its members.
  await rejects(chat.spaces.members.get({ name: `${SEED_IDS.chatOtherSpace}/members/${sato}` }), 403, /not a member/);
});

test('membership changes through the admin API are what members.get answers next', async () => {
  const chat = t.google.chat;
  const space = SEED_IDS.chatDmSpace.slice('spaces/'.length);
  const add = await fetch(`${t.sandbox.url}/_sandbox/chat/spaces/${space}/members`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'office@example.co.jp' }) });
  assert.equal(add.status, 200);
  assert.equal((await chat.spaces.members.get({ name: `${SEED_IDS.chatDmSpace}/members/office@example.co.jp` })).data.state, 'JOINED');
  const remove = await fetch(`${t.sandbox.url}/_sandbox/chat/spaces/${space}/members/office@example.co.jp`, { method: 'DELETE' });
  assert.equal(remove.status, 200);
  await rejects(chat.spaces.members.get({ name: `${SEED_IDS.chatDmSpace}/members/office@example.co.jp` }), 404, /not found/);
});

test('the admin API makes a room or a direct message with the app in it; the app then sees and writes there', async () => {
  const chat = t.google.chat;
  const post = (body: unknown) => fetch(`${t.sandbox.url}/_sandbox/chat/spaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await post({ id: 'AAAAprojects', displayName: '案件 / Projects', members: ['sato@example.co.jp'] })).status, 201);
  assert.equal((await post({ id: 'AAAAdmEmma', dmWith: 'emma@example.co.jp' })).status, 201);
  assert.equal((await post({ id: 'AAAAprojects' })).status, 409, 'a second space of the same name is refused');
  const bad = await post({ id: 'x y', dmWith: 'emma@example.co.jp', members: [] });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /id/);
  const dm = await chat.spaces.get({ name: 'spaces/AAAAdmEmma' });
  assert.equal(dm.data.spaceType, 'DIRECT_MESSAGE');
  assert.equal((await chat.spaces.members.get({ name: 'spaces/AAAAprojects/members/sato@example.co.jp' })).data.state, 'JOINED');
  await rejects(chat.spaces.members.get({ name: 'spaces/AAAAdmEmma/members/sato@example.co.jp' }), 404, /not found/);
  const made = await chat.spaces.messages.create({ parent: 'spaces/AAAAprojects', requestBody: { text: 'hello' } });
  assert.match(made.data.name ?? '', /^spaces\/AAAAprojects\/messages\//);
});

test('messages carry USER_MENTION annotations for <users/…> in their text, and none for defused text', async () => {
  const chat = t.google.chat;
  const mention = await chat.spaces.messages.create({ parent: SPACE, requestBody: { text: 'hi <users/all> and <users/123>' } });
  assert.deepEqual(mention.data.annotations?.map((a) => [a.type, a.userMention?.user?.name, a.startIndex, a.length]), [
    ['USER_MENTION', 'users/all', 3, 11],
    ['USER_MENTION', 'users/123', 19, 11],
  ]);
  const plain = await chat.spaces.messages.create({ parent: SPACE, requestBody: { text: `title: ${forChatText('<users/all>')}` } });
  assert.equal(plain.data.annotations, undefined);
});

test('private messages: created by the app for one viewer, immutable, hidden from other users', async () => {
  const chat = t.google.chat;
  const { chatUserName } = await import('../local/sandbox/ids.js');
  const sato = chatUserName('sato@example.co.jp');
  const created = await chat.spaces.messages.create({ parent: SPACE, messageId: 'client-private-1', requestBody: { text: 'あなたにだけ', privateMessageViewer: { name: sato } } });
  assert.deepEqual(created.data.privateMessageViewer, { name: sato });
  await rejects(
    chat.spaces.messages.patch({ name: `${SPACE}/messages/client-private-1`, updateMask: 'text', requestBody: { text: 'x', privateMessageViewer: { name: sato } } }),
    400,
    /immutable/,
  );
  await rejects(chat.spaces.messages.patch({ name: `${SPACE}/messages/client-private-2`, updateMask: 'text', allowMissing: true, requestBody: { text: 'x', privateMessageViewer: { name: sato } } }), 400, /immutable/);
  const asUser = async (email: string) => {
    const token = await t.token({ scopes: ['https://www.googleapis.com/auth/chat.messages.readonly'], sub: email });
    const res = await fetch(`${t.sandbox.url}/chat/v1/${SPACE}/messages?pageSize=1000`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { messages?: Array<{ name: string }> }).messages?.map((m) => m.name) ?? [];
  };
  assert.ok((await asUser('sato@example.co.jp')).includes(created.data.name!), 'the viewer sees it');
  assert.ok(!(await asUser('emma@example.co.jp')).includes(created.data.name!), 'another member does not');
});
