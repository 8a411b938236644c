// schedule.sync against the sandbox: rows → Calendar events with ids derived from row keys,
// links and statuses written back, bad dates reported by row number, removed rows' events
// cancelled, a second sync changes nothing, and a crash at every step leaves one event per row.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scheduleSync } from '../service/jobs/scheduleSync.js';
import { eventIdFor, upsertRowEvent } from '../service/workspace/scheduleEvents.js';
import { parseSpan } from '../service/workspace/scheduleDates.js';
import { JobFailure } from '../service/jobFailure.js';
import type { ScheduleSyncResult } from '../shared/kinds/scheduleSync.js';
import { SCHEDULE } from '../shared/sheetLayouts.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { sheetRows } from './support/jobsInspect.js';

let env: JobsEnv;
before(async () => {
  env = await startJobsEnv();
});
after(() => env.close());

async function tasukiEvents() {
  const res = await env.google.calendar.events.list({ calendarId: env.config.calendarId, showDeleted: true, maxResults: 2500 });
  return (res.data.items ?? []).filter((e) => e.extendedProperties?.private?.tasukiRowKey);
}

test('event ids are lowercase base32hex, stable per row key, distinct across keys', () => {
  const id = eventIdFor('project-P-2026-013');
  assert.match(id, /^[0-9a-v]{32}$/);
  assert.equal(eventIdFor('project-P-2026-013'), id);
  assert.notEqual(eventIdFor('project-P-2026-014'), id);
});

test('date spellings: all-day with exclusive end, timed in the office zone, bad ones explained', () => {
  assert.deepEqual(parseSpan('2026/12/1', '2026-12-04', 'Asia/Tokyo'), { ok: true, span: { start: { date: '2026-12-01' }, end: { date: '2026-12-05' } } });
  assert.deepEqual(parseSpan('2026年12月20日 10:00', '', 'Asia/Tokyo'), {
    ok: true,
    span: { start: { dateTime: '2026-12-20T10:00:00', timeZone: 'Asia/Tokyo' }, end: { dateTime: '2026-12-20T11:00:00', timeZone: 'Asia/Tokyo' } },
  });
  for (const [start, end, en] of [['12月末', '', 'not a date'], ['2026-12-05', '2026-12-01', 'end is before start'], ['', '', 'empty'], ['2026-12-01 10:00', '2026-12-02', 'both']]) {
    const r = parseSpan(start!, end!, 'Asia/Tokyo');
    assert.ok(!r.ok && r.message.en.includes(en!), `${start}/${end}: ${JSON.stringify(r)}`);
  }
});

test('sync: events created, links and statuses written, the bad row reported by number; crash everywhere → one event per row', async () => {
  const job = await env.newJob('schedule.sync', {});
  const steps = ['keys', 'rows:0', 'cancel', 'writeback'];
  const result = await env.runCrashingEverywhere<ScheduleSyncResult>(scheduleSync, job.id, steps);
  // Seed: 3 good rows, one with "12月末" (row 5), and an event an earlier sync made for a row
  // that is no longer in the sheet (cancelled now).
  assert.deepEqual({ created: result.created, updated: result.updated, cancelled: result.cancelled, unchanged: result.unchanged }, { created: 3, updated: 0, cancelled: 1, unchanged: 0 });
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0]!.row, 5);
  assert.match(result.errors[0]!.message, /12月末/);
  const rows = await sheetRows(env.google, env.config.scheduleSpreadsheetId, SCHEDULE);
  assert.ok(rows.slice(0, 3).every((r) => r.rowKey && r.eventLink && /^同期済 \d{4}-\d\d-\d\d \d\d:\d\d$/.test(r.syncStatus!)), JSON.stringify(rows));
  assert.ok(rows[3]!.syncStatus!.startsWith('エラー: ') && !rows[3]!.eventLink);
  assert.doesNotMatch(rows.map((r) => r.syncStatus).join('\n'), /[A-Za-z]{3,}/, 'the sync column in one language (the office\'s)');
  const events = (await tasukiEvents()).filter((e) => e.status !== 'cancelled');
  assert.equal(events.length, 3);
  assert.deepEqual(new Set(events.map((e) => e.id)), new Set(rows.slice(0, 3).map((r) => eventIdFor(r.rowKey!))));
  const ev = events.find((e) => e.id === eventIdFor(rows[0]!.rowKey!))!;
  assert.equal(ev.summary, 'P-2026-011 Holiday cup sleeve — final artwork');
  assert.deepEqual(ev.start, { date: '2026-11-30' });
  assert.deepEqual(ev.end, { date: '2026-12-06' });

  assert.equal(ev.description, '担当: emma@example.co.jp\nPrint proof on 12/3', "the event's words in the office's sheet language");

  const again = await env.run<ScheduleSyncResult>(scheduleSync, (await env.newJob('schedule.sync', {})).id);
  assert.deepEqual({ ...again, errors: again.errors.length }, { created: 0, updated: 0, cancelled: 0, unchanged: 3, errors: 1 });
  // An office that switches its sheet language to English: the events' words follow once.
  const inEnglish = await env.run<ScheduleSyncResult>(scheduleSync, (await env.newJob('schedule.sync', {})).id, { config: { sheetLocale: 'en' } });
  assert.deepEqual({ ...inEnglish, errors: inEnglish.errors.length }, { created: 0, updated: 3, cancelled: 0, unchanged: 0, errors: 1 });
  assert.equal((await tasukiEvents()).find((e) => e.id === ev.id)!.description, 'Assignee: emma@example.co.jp\nPrint proof on 12/3');
  const english = await sheetRows(env.google, env.config.scheduleSpreadsheetId, SCHEDULE);
  assert.ok(english.slice(0, 3).every((r) => /^Synced \d{4}-/.test(r.syncStatus!)), JSON.stringify(english));
  assert.match(english[3]!.syncStatus!, /^Error: [^\u3040-\u30ff\u4e00-\u9fff]*12月末[^\u3040-\u30ff\u4e00-\u9fff]*$/, 'an English office reads the error in English (the cell text quoted as it is)');
  // And back, for the tests below.
  await env.run<ScheduleSyncResult>(scheduleSync, (await env.newJob('schedule.sync', {})).id);
});

test('edited rows are patched, removed rows\' events cancelled, fixed rows created', async () => {
  const sheets = env.google.sheets.spreadsheets.values;
  const id = env.config.scheduleSpreadsheetId;
  const before = await sheetRows(env.google, id, SCHEDULE);
  const removedKey = before[2]!.rowKey!;
  // Row 2: new end date; row 4 (the third item) cleared; row 5: date fixed.
  await sheets.update({ spreadsheetId: id, range: "'Schedule'!D2", valueInputOption: 'RAW', requestBody: { values: [['2026-12-07']] } });
  await sheets.update({ spreadsheetId: id, range: "'Schedule'!A4:J4", valueInputOption: 'RAW', requestBody: { values: [['', '', '', '', '', '', '', '', '', '']] } });
  await sheets.update({ spreadsheetId: id, range: "'Schedule'!C5", valueInputOption: 'RAW', requestBody: { values: [['2026-12-28']] } });
  const job = await env.newJob('schedule.sync', {});
  const result = await env.runCrashingEverywhere<ScheduleSyncResult>(scheduleSync, job.id, ['keys', 'rows:0', 'cancel', 'writeback']);
  assert.deepEqual(result, { created: 1, updated: 1, cancelled: 1, unchanged: 1, errors: [] });
  const events = await tasukiEvents();
  assert.equal(events.find((e) => e.extendedProperties!.private!.tasukiRowKey === removedKey)!.status, 'cancelled');
  assert.deepEqual(events.find((e) => e.id === eventIdFor(before[0]!.rowKey!))!.end, { date: '2026-12-08' });
  assert.equal(events.filter((e) => e.status !== 'cancelled').length, 3);
});

test("a row and its event added while a sync runs (as project.create does) are not cancelled by that sync's older snapshot", async () => {
  const id = env.config.scheduleSpreadsheetId;
  const job = await env.newJob('schedule.sync', {});
  // The sync reads the sheet and syncs its rows, then its process dies before the cancel step.
  await assert.rejects(env.run(scheduleSync, job.id, { crash: { before: 'cancel' } }));
  // Meanwhile a new project adds its due-date row, then its event.
  const rowKey = 'project-P-2099-001-due';
  await env.google.sheets.spreadsheets.values.append({
    spreadsheetId: id, range: "'Schedule'!A1:J1", valueInputOption: 'RAW',
    requestBody: { values: [['P-2099-001', '納期: 新しい案件', '2027-03-01', '2027-03-01', '', '', '', '', rowKey, 'j-newproject']] },
  });
  const span = parseSpan('2027-03-01', '2027-03-01', 'Asia/Tokyo');
  assert.ok(span.ok);
  await upsertRowEvent(env.google.calendar, env.config.calendarId, { rowKey, projectNumber: 'P-2099-001', title: '納期: 新しい案件', assignee: '', notes: '' }, span.span, 'j-newproject', 'ja');
  // The redelivered sync resumes at its cancel step.
  const result = await env.run<ScheduleSyncResult>(scheduleSync, job.id);
  assert.equal(result.cancelled, 0, JSON.stringify(result));
  const event = (await tasukiEvents()).find((e) => e.id === eventIdFor(rowKey));
  assert.equal(event?.status, 'confirmed', "the new project's due date stays on the calendar");
});

test('an unknown calendar or a renamed sheet is a permanent failure saying what to fix', async () => {
  const badCalendar = await env.newJob('schedule.sync', { calendarId: 'nobody@example.co.jp' });
  await assert.rejects(env.run(scheduleSync, badCalendar.id), (err: unknown) => err instanceof JobFailure && !err.retryable && err.message.includes('nobody@example.co.jp') && err.userMessage.en.includes('Ask your administrator'));
  const badSheet = await env.newJob('schedule.sync', { sheetName: 'Sheet1' });
  await assert.rejects(env.run(scheduleSync, badSheet.id), (err: unknown) => err instanceof JobFailure && !err.retryable && err.userMessage.en.includes('"Sheet1"'));
});
