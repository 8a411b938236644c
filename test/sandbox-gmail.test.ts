// The sandbox's Gmail API through @googleapis/gmail with domain-wide delegation (gmailFor):
// the seeded inboxes, get in every format with the PDF attachment, search, labels, modify,
// drafts, and the mailbox rules (no subject → 400, another user's mailbox → 403).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SEED_USERS } from '../local/sandbox/seedData.js';
import { SEED_MAILS } from '../local/sandbox/seedGmail.js';
import { startTestSandbox, type TestSandbox } from './support/sandbox.js';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.stop();
});

const sato = () => t.google.gmailFor(SEED_USERS.sato.email)!;

test('the seeded inboxes hold the client requests, newest first', async () => {
  const list = await sato().users.messages.list({ userId: 'me', labelIds: ['INBOX'] });
  const satoMails = SEED_MAILS.filter((m) => m.to === SEED_USERS.sato.email);
  assert.equal(list.data.messages!.length, satoMails.length);
  const newest = await sato().users.messages.get({ userId: 'me', id: list.data.messages![0]!.id!, format: 'metadata', metadataHeaders: ['Subject', 'From'] });
  assert.deepEqual(newest.data.payload!.headers!.map((h) => h.name).sort(), ['From', 'Subject']);
  assert.equal(newest.data.payload!.headers!.find((h) => h.name === 'Subject')!.value, '店頭POPの追加制作について');
  const emma = await t.google.gmailFor(SEED_USERS.emma.email)!.users.messages.list({ userId: SEED_USERS.emma.email });
  assert.equal(emma.data.messages!.length, SEED_MAILS.filter((m) => m.to === SEED_USERS.emma.email).length);
});

test('messages.get full/raw and attachments.get return the PDF attachment', async () => {
  const gmail = sato();
  const found = await gmail.users.messages.list({ userId: 'me', q: 'has:attachment from:yamada' });
  assert.equal(found.data.messages!.length, 1);
  const id = found.data.messages![0]!.id!;
  const full = await gmail.users.messages.get({ userId: 'me', id, format: 'full' });
  assert.equal(full.data.payload!.mimeType, 'multipart/mixed');
  const [body, attachment] = full.data.payload!.parts!;
  assert.equal(body!.mimeType, 'multipart/alternative');
  const plain = body!.parts!.find((p) => p.mimeType === 'text/plain')!;
  assert.match(Buffer.from(plain.body!.data!, 'base64url').toString('utf8'), /納品希望日：2027\/01\/15/);
  assert.equal(attachment!.filename, '仕様書_バレンタイン2027.pdf');
  assert.equal(attachment!.mimeType, 'application/pdf');
  const att = await gmail.users.messages.attachments.get({ userId: 'me', messageId: id, id: attachment!.body!.attachmentId! });
  const pdf = Buffer.from(att.data.data!, 'base64url');
  assert.equal(att.data.size, pdf.length);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const raw = await gmail.users.messages.get({ userId: 'me', id, format: 'raw' });
  const mime = Buffer.from(raw.data.raw!, 'base64url').toString('utf8');
  assert.match(mime, /^MIME-Version: 1\.0/);
  assert.match(mime, /From: =\?UTF-8\?B\?[^?]+\?= <yamada@yamada-seika\.example>/);
  assert.match(mime, /Content-Type: multipart\/mixed; boundary=/);
});

test('search operators: subject, words, is:unread, after/before, negation', async () => {
  const gmail = sato();
  const count = async (q: string) => (await gmail.users.messages.list({ userId: 'me', q })).data.messages?.length ?? 0;
  assert.equal(await count('subject:ポスター'), 1);
  assert.equal(await count('予算'), 2);
  assert.equal(await count('is:unread'), 3);
  assert.equal(await count('after:2026/11/26'), 2);
  assert.equal(await count('before:2026/11/25 in:inbox'), 1);
  assert.equal(await count('-has:attachment'), 3);
  await assert.rejects(gmail.users.messages.list({ userId: 'me', q: 'larger:5M' }), /larger: is not supported/);
});

test('labels.create/list and messages.modify', async () => {
  const gmail = sato();
  const label = await gmail.users.labels.create({ userId: 'me', requestBody: { name: 'tasuki/取込済 Imported', labelListVisibility: 'labelShow', messageListVisibility: 'show' } });
  assert.match(label.data.id!, /^Label_/);
  await assert.rejects(gmail.users.labels.create({ userId: 'me', requestBody: { name: 'tasuki/取込済 Imported' } }), (e: { status?: number }) => e.status === 409);
  const labels = await gmail.users.labels.list({ userId: 'me' });
  assert.ok(labels.data.labels!.some((l) => l.id === 'INBOX' && l.type === 'system'));
  assert.ok(labels.data.labels!.some((l) => l.id === label.data.id && l.type === 'user'));
  const id = (await gmail.users.messages.list({ userId: 'me', q: 'subject:年末セール' })).data.messages![0]!.id!;
  const modified = await gmail.users.messages.modify({ userId: 'me', id, requestBody: { addLabelIds: [label.data.id!], removeLabelIds: ['UNREAD'] } });
  assert.ok(modified.data.labelIds!.includes(label.data.id!));
  assert.ok(!modified.data.labelIds!.includes('UNREAD'));
  assert.equal((await gmail.users.messages.list({ userId: 'me', q: 'label:tasuki/取込済-imported' })).data.messages?.length, 1);
  await assert.rejects(gmail.users.messages.modify({ userId: 'me', id, requestBody: { addLabelIds: ['Label_nope'] } }), /Invalid label: Label_nope/);
});

test('drafts.create parses the raw RFC 822 message into a draft', async () => {
  const gmail = sato();
  const thread = (await gmail.users.messages.list({ userId: 'me', q: 'subject:年末セール' })).data.messages![0]!.threadId!;
  const subject = 'Re: 年末セール ポスター制作のお願い';
  const raw = [
    'To: 田中 健 <tanaka@acme.example>',
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('田中様\n\nお見積りを添付いたします。\n').toString('base64'),
  ].join('\r\n');
  const draft = await gmail.users.drafts.create({ userId: 'me', requestBody: { message: { raw: Buffer.from(raw).toString('base64url'), threadId: thread } } });
  assert.match(draft.data.id!, /^r\d+$/);
  assert.deepEqual(draft.data.message!.labelIds, ['DRAFT']);
  assert.equal(draft.data.message!.threadId, thread);
  const stored = await gmail.users.messages.get({ userId: 'me', id: draft.data.message!.id! });
  assert.equal(stored.data.payload!.headers!.find((h) => h.name === 'Subject')!.value, subject);
  assert.match(Buffer.from(stored.data.payload!.body!.data!, 'base64url').toString('utf8'), /お見積りを添付/);
  await assert.rejects(gmail.users.drafts.create({ userId: 'me', requestBody: { message: {} } as never }), /message\.raw/);
});

test('Gmail needs a delegated user: the bare service account gets 400, another mailbox 403', async () => {
  const saToken = await t.token();
  const res = await fetch(`${t.sandbox.url}/gmail/v1/users/me/messages`, { headers: { authorization: `Bearer ${saToken}` } });
  assert.equal(res.status, 400);
  assert.deepEqual(((await res.json()) as { error: { status: string } }).error.status, 'FAILED_PRECONDITION');
  await assert.rejects(sato().users.messages.list({ userId: SEED_USERS.emma.email }), (e: { status?: number }) => e.status === 403);
});
