// Schedules (service/schedules/schedule.ts) and their configuration: unix-cron as Cloud Scheduler
// reads it, evaluated by croner in the schedule's time zone (the office's by default); what
// Cloud Scheduler would refuse is refused with a message naming the schedule and field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../service/config.js';
import { cronProblem, firingKey, nextRun, parseSchedules, previousRun } from '../service/schedules/schedule.js';
import { MINIMAL_PRODUCTION_ENV } from './support/productionEnv.js';

test('next and previous runs in the office time zone: weekdays at 08:00 JST', () => {
  const weekdays = { cron: '0 8 * * MON-FRI', timeZone: 'Asia/Tokyo' };
  // Saturday 2026-12-05 08:30 JST → Monday 2026-12-07 08:00 JST (= 23:00 UTC on Sunday).
  assert.equal(nextRun(weekdays, new Date('2026-12-04T23:30:00Z'))?.toISOString(), '2026-12-06T23:00:00.000Z');
  // Exactly at a firing, the previous run is that firing; the next is strictly after.
  assert.equal(previousRun(weekdays, new Date('2026-12-06T23:00:00Z'))?.toISOString(), '2026-12-06T23:00:00.000Z');
  assert.equal(nextRun(weekdays, new Date('2026-12-06T23:00:00Z'))?.toISOString(), '2026-12-07T23:00:00.000Z');
  // Monday 2026-12-07 07:59 JST: the previous weekday run was Friday's.
  assert.equal(previousRun(weekdays, new Date('2026-12-06T22:59:00Z'))?.toISOString(), '2026-12-03T23:00:00.000Z');
});

test('a time zone with daylight saving keeps the local hour', () => {
  const ny = { cron: '30 7 * * *', timeZone: 'America/New_York' };
  assert.equal(nextRun(ny, new Date('2026-03-07T00:00:00Z'))?.toISOString(), '2026-03-07T12:30:00.000Z'); // EST, UTC-5
  assert.equal(nextRun(ny, new Date('2026-03-09T00:00:00Z'))?.toISOString(), '2026-03-09T11:30:00.000Z'); // EDT, UTC-4
});

test('day-of-month and day-of-week combine with OR, as in Cloud Scheduler', () => {
  const either = { cron: '0 9 1 * MON', timeZone: 'UTC' };
  // After Tue 2026-12-01 09:00: next is Monday 12-07 (not only the 1st of January).
  assert.equal(nextRun(either, new Date('2026-12-01T09:00:00Z'))?.toISOString(), '2026-12-07T09:00:00.000Z');
});

test('expressions Cloud Scheduler would not accept are refused', () => {
  assert.equal(cronProblem('*/15 8-18 * JAN-MAR,DEC 1-5', 'Asia/Tokyo'), null);
  for (const [cron, why] of [
    ['0 8 * *', /5 fields/],
    ['0 0 8 * * *', /5 fields/],
    ['0 8 L * *', /"L" is not a month/],
    ['0 8 * * 1#2', /not unix-cron/],
    ['0 8 ? * *', /not unix-cron/],
    ['61 8 * * *', /minute/],
    ['0 8 * * FUN', /"FUN" is not/],
  ] as const) assert.match(String(cronProblem(cron, 'UTC')), why, cron);
  const { problems } = parseSchedules(JSON.stringify([
    { id: 'a', cron: '0 8 * * *', kind: 'system.echo', input: { message: 'x' } },
    { id: 'a', cron: '0 8 * *', kind: 'system.echo', input: { message: 'x' } },
    { id: 'Bad_Id', cron: '0 8 * * *', kind: 'system.echo', input: { message: 'x' } },
  ]));
  assert.ok(problems.some((p) => /^2\.id: must be 1–40 lowercase/.test(p)), problems.join('\n'));
  const dup = parseSchedules(JSON.stringify([{ id: 'a', cron: '0 8 * * *', kind: 'schedule.sync' }, { id: 'a', cron: '0 8 * *', kind: 'schedule.sync' }])).problems;
  assert.deepEqual(dup, ['1.id: "a" is used twice; schedule ids must be unique', '1.cron: "0 8 * *" must have 5 fields (minute hour day-of-month month day-of-week), found 4']);
});

test('firing keys are valid idempotency keys and differ per time', () => {
  const key = firingKey('scrape-acme', new Date('2026-12-07T23:00:00Z'));
  assert.equal(key, 'schedule:scrape-acme:2026-12-07T23:00:00.000Z');
  assert.match(key, /^[A-Za-z0-9._:-]{1,128}$/);
});

test('TASUKI_SCHEDULES is validated at start: each problem names the variable, schedule and field', () => {
  const env = (schedules: unknown[], extra: Record<string, string> = {}) => ({ TASUKI_MODE: 'local', TASUKI_SCHEDULES: JSON.stringify(schedules), ...extra });
  const ok = loadConfig(env([{ id: 'sync', cron: '30 7 * * *', kind: 'schedule.sync' }], { TASUKI_TIMEZONE: 'Asia/Tokyo' }));
  assert.equal(ok.schedules[0]?.timeZone, 'Asia/Tokyo', 'the office time zone by default');
  assert.deepEqual(ok.schedules[0]?.input, {});
  assert.equal(ok.schedules[0]?.locale, 'ja');
  const refused = (schedules: unknown[], re: RegExp, extra: Record<string, string> = {}) =>
    assert.throws(() => loadConfig(env(schedules, extra)), (e: unknown) => e instanceof ConfigError && re.test(e.message), String(re));
  refused([{ id: 'x', cron: '0 8 * *', kind: 'schedule.sync' }], /TASUKI_SCHEDULES is invalid: 0\.cron: "0 8 \* \*" must have 5 fields/);
  refused([{ id: 'x', cron: '0 8 * * *', kind: 'nope' }], /TASUKI_SCHEDULES is invalid: .*0\.kind/);
  refused([{ id: 'x', cron: '0 8 * * *', kind: 'portal.scrape', input: {} }], /TASUKI_SCHEDULES is invalid: .*0\.input\.portal/);
  refused([{ id: 'x', cron: '0 8 * * *', kind: 'portal.scrape', input: { portal: 'ghost' } }], /schedule "x" scrapes portal "ghost", which TASUKI_PORTALS does not list/);
  refused([{ id: 'x', cron: '0 8 * * *', timeZone: 'Mars/Olympus', kind: 'schedule.sync' }], /0\.timeZone: must be an IANA time zone/);
  refused([{ id: 'x', cron: '0 8 * * *', kind: 'schedule.sync' }], /TASUKI_SCHEDULES is invalid: must be a JSON array/, { TASUKI_SCHEDULES: '[{' });
});

test('in production, schedules need an allowed TASUKI_SCHEDULE_USER', () => {
  const schedules = JSON.stringify([{ id: 'sync', cron: '30 7 * * *', kind: 'schedule.sync' }]);
  assert.throws(() => loadConfig({ ...MINIMAL_PRODUCTION_ENV, TASUKI_SCHEDULES: schedules }), /TASUKI_SCHEDULE_USER is missing; TASUKI_SCHEDULES has schedules/);
  assert.throws(() => loadConfig({ ...MINIMAL_PRODUCTION_ENV, TASUKI_SCHEDULES: schedules, TASUKI_SCHEDULE_USER: 'robot@elsewhere.example' }), /TASUKI_SCHEDULE_USER robot@elsewhere\.example is not an allowed user/);
  const domain = MINIMAL_PRODUCTION_ENV.TASUKI_ALLOWED_DOMAINS!.split(',')[0];
  const config = loadConfig({ ...MINIMAL_PRODUCTION_ENV, TASUKI_SCHEDULES: schedules, TASUKI_SCHEDULE_USER: `office@${domain}` });
  assert.equal(config.schedules.length, 1);
  assert.equal(loadConfig(MINIMAL_PRODUCTION_ENV).schedules.length, 0, 'no schedules by default');
});
