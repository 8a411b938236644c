/** The office calendar and a few events already on it (one made by tasuki's earlier sync). */
import type { CalendarEvent, StoredCalendar } from './calendarApi.js';
import type { SandboxState } from './sandboxState.js';
import { APP_SERVICE_ACCOUNT, SEED_IDS } from './seedData.js';

export function seedCalendar(state: SandboxState): void {
  const cal: StoredCalendar = { id: SEED_IDS.calendar, summary: 'アトリエ襷 / Atelier Tasuki', timeZone: 'Asia/Tokyo', description: 'Office schedule (synced from the Schedule sheet)' };
  state.put('calendar', 'calendar', cal.id, cal);
  const at = '2026-11-20T01:00:00.000Z';
  const event = (id: string, summary: string, start: CalendarEvent['start'], end: CalendarEvent['end'], extra: Partial<CalendarEvent> = {}): CalendarEvent => ({
    kind: 'calendar#event', etag: '"3400000000000000"', id, status: 'confirmed',
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${cal.id}`).toString('base64url')}`,
    created: at, updated: at, summary, creator: { email: 'sato@example.co.jp' }, organizer: { email: cal.id, displayName: cal.summary, self: true },
    start, end, iCalUID: `${id}@google.com`, sequence: 0, reminders: { useDefault: true }, eventType: 'default', ...extra,
  });
  const events = [
    event('seedmeeting20261130', '週次定例 / Weekly meeting', { dateTime: '2026-11-30T10:00:00+09:00', timeZone: 'Asia/Tokyo' }, { dateTime: '2026-11-30T10:30:00+09:00', timeZone: 'Asia/Tokyo' }),
    event('seedclosed20261229', '年末休業 / Year-end holidays', { date: '2026-12-29' }, { date: '2027-01-04' }),
    event('tasukip2026010deliver', 'P-2026-010 物件チラシ 12月号 納品', { date: '2026-11-24' }, { date: '2026-11-25' }, {
      creator: { email: APP_SERVICE_ACCOUNT }, description: 'Synced by tasuki from the Schedule sheet', extendedProperties: { private: { tasukiRowKey: 'P-2026-010-delivery' } },
    }),
  ];
  for (const e of events) state.put('calendar', 'event', `${cal.id}/${e.id}`, e, cal.id);
}
