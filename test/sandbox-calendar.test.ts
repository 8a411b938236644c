// The sandbox's Calendar API through @googleapis/calendar, as schedule.sync uses it: client-chosen
// base32hex ids, 409 on a taken id (cancelled included), patch, cancel, list with time bounds,
// showDeleted and extended-property filters.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { startTestSandbox, type TestSandbox } from './support/sandbox.js';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.stop();
});
const CAL = SEED_IDS.calendar;
const status = (code: number) => (e: { status?: number }) => e.status === code;

test('events.insert: client ids must be base32hex, 5–1024 characters; a taken id is 409', async () => {
  const cal = t.google.calendar;
  const body = { summary: 'P-2026-013 入稿', start: { date: '2026-12-14' }, end: { date: '2026-12-19' }, extendedProperties: { private: { tasukiRowKey: 'P-2026-013-print' } } };
  const ev = await cal.events.insert({ calendarId: CAL, requestBody: { id: 'tasuki0p2026013print', ...body } });
  assert.equal(ev.data.id, 'tasuki0p2026013print');
  assert.equal(ev.data.status, 'confirmed');
  assert.equal(ev.data.iCalUID, 'tasuki0p2026013print@google.com');
  for (const bad of ['abcd', 'Tasuki12345', 'tasuki_row_1', 'tasukiwxyz1']) {
    await assert.rejects(cal.events.insert({ calendarId: CAL, requestBody: { id: bad, ...body } }), (e: { status?: number; message: string }) => e.status === 400 && /Invalid resource id value/.test(e.message));
  }
  await assert.rejects(cal.events.insert({ calendarId: CAL, requestBody: { id: 'tasuki0p2026013print', ...body } }), (e: { status?: number; message: string }) => e.status === 409 && /already exists/.test(e.message));
  const generated = await cal.events.insert({ calendarId: CAL, requestBody: { summary: 'no id', start: { dateTime: '2026-12-02T10:00:00+09:00' }, end: { dateTime: '2026-12-02T11:00:00+09:00' } } });
  assert.match(generated.data.id!, /^[a-v0-9]{26}$/);
});

test('events: bad times are 400s; unknown fields are named', async () => {
  const cal = t.google.calendar;
  await assert.rejects(cal.events.insert({ calendarId: CAL, requestBody: { id: 'badtimes01', start: { date: '2026-12-10' } } }), /Missing end time/);
  await assert.rejects(cal.events.insert({ calendarId: CAL, requestBody: { id: 'badtimes02', start: { date: '2026-12-10' }, end: { date: '2026-12-09' } } }), /time range is empty/);
  await assert.rejects(cal.events.insert({ calendarId: CAL, requestBody: { id: 'badtimes03', start: { date: '12月末' }, end: { date: '2026-12-31' } } }), /must look like 2026-12-20/);
  await assert.rejects(cal.events.insert({ calendarId: CAL, requestBody: { id: 'badtimes04', titel: 'x', start: { date: '2026-12-10' }, end: { date: '2026-12-11' } } as never }), /Unknown name "titel" at 'resource'/);
  await assert.rejects(cal.events.get({ calendarId: 'nobody@example.co.jp', eventId: 'seedclosed20261229' }), status(404));
});

test('patch, cancel (delete), showDeleted, and a cancelled id stays taken until patched back', async () => {
  const cal = t.google.calendar;
  const id = 'tasuki0cancelme';
  await cal.events.insert({ calendarId: CAL, requestBody: { id, summary: 'draft', start: { date: '2026-12-03' }, end: { date: '2026-12-04' } } });
  const patched = await cal.events.patch({ calendarId: CAL, eventId: id, requestBody: { summary: 'ラフ提出 Drafts due', description: 'row 3' } });
  assert.equal(patched.data.summary, 'ラフ提出 Drafts due');
  assert.equal(patched.data.sequence, 1);
  await cal.events.delete({ calendarId: CAL, eventId: id });
  const cancelled = await cal.events.get({ calendarId: CAL, eventId: id });
  assert.equal(cancelled.data.status, 'cancelled');
  await assert.rejects(cal.events.delete({ calendarId: CAL, eventId: id }), status(410));
  await assert.rejects(cal.events.insert({ calendarId: CAL, requestBody: { id, start: { date: '2026-12-03' }, end: { date: '2026-12-04' } } }), status(409));
  const visible = await cal.events.list({ calendarId: CAL });
  assert.ok(!visible.data.items!.some((e) => e.id === id));
  const all = await cal.events.list({ calendarId: CAL, showDeleted: true });
  assert.ok(all.data.items!.some((e) => e.id === id && e.status === 'cancelled'));
  const revived = await cal.events.patch({ calendarId: CAL, eventId: id, requestBody: { status: 'confirmed' } });
  assert.equal(revived.data.status, 'confirmed');
});

test('events.list: timeMin/timeMax, privateExtendedProperty, ordered by start time', async () => {
  const cal = t.google.calendar;
  const december = await cal.events.list({ calendarId: CAL, timeMin: '2026-12-01T00:00:00+09:00', timeMax: '2027-01-01T00:00:00+09:00', singleEvents: true, orderBy: 'startTime' });
  const starts = december.data.items!.map((e) => e.start!.date ?? e.start!.dateTime!);
  assert.ok(starts.length >= 3);
  assert.deepEqual([...starts].sort((a, b) => Date.parse(a) - Date.parse(b)), starts);
  assert.ok(!december.data.items!.some((e) => e.id === 'seedmeeting20261130'), 'a November event is outside the window');
  const byKey = await cal.events.list({ calendarId: CAL, privateExtendedProperty: ['tasukiRowKey=P-2026-010-delivery'], showDeleted: true });
  assert.deepEqual(byKey.data.items!.map((e) => e.id), ['tasukip2026010deliver']);
  await assert.rejects(cal.events.list({ calendarId: CAL, orderBy: 'startTime' }), /ordering is not available/);
  await assert.rejects(cal.events.list({ calendarId: CAL, timeMin: '2026-12-01' }), /RFC 3339/);
});
