/**
 * Calendar events for Schedule rows, shared by schedule.sync (every row of the sheet) and
 * project.create (the new project's due-date milestone, at once, so the office sees it on the day
 * without waiting for a sync). One event per row key, under an id derived from it, so both jobs
 * write the same event and a later sync finds it "unchanged".
 */
import { phrase, SHEET_TEXTS } from '../../shared/messages.js';
import type { Locale } from '../../shared/locale.js';
import type { calendar_v3 } from '@googleapis/calendar';
import { createHash } from 'node:crypto';
import { callGoogle, statusOf } from './googleCall.js';
import type { ParsedSpan } from './scheduleDates.js';

/** What an event is made from: the Schedule row's key and words. */
export type ScheduleEventRow = { rowKey: string; projectNumber: string; title: string; assignee: string; notes: string };

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Calendar event id for a row key: 32 chars of lowercase base32hex (Calendar accepts [a-v0-9]{5,1024}). */
export function eventIdFor(rowKey: string): string {
  const bytes = createHash('sha256').update(`tasuki-schedule:${rowKey}`).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 32) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function normalizeTime(t: calendar_v3.Schema$EventDateTime | undefined): string {
  if (!t) return '';
  return t.date ?? (t.dateTime ?? '').slice(0, 19);
}

/** The event a row asks for; its words in the office's sheet language (TASUKI_SHEET_LOCALE). */
function desiredEvent(row: ScheduleEventRow, span: ParsedSpan, locale: Locale): calendar_v3.Schema$Event {
  const summary = [row.projectNumber, row.title].filter(Boolean).join(' ');
  const description = [row.assignee ? phrase(locale, SHEET_TEXTS.assignee, { who: row.assignee }) : '', row.notes].filter(Boolean).join('\n');
  return { summary, description, start: span.start, end: span.end };
}

function differs(current: calendar_v3.Schema$Event, desired: calendar_v3.Schema$Event): boolean {
  return (
    current.status === 'cancelled' ||
    (current.summary ?? '') !== (desired.summary ?? '') ||
    (current.description ?? '') !== (desired.description ?? '') ||
    normalizeTime(current.start) !== normalizeTime(desired.start ?? undefined) ||
    normalizeTime(current.end) !== normalizeTime(desired.end ?? undefined)
  );
}

export function calendarFixes(calendarId: string) {
  return {
    // Staff read these; the calendar id and the setting go to the record's detail.
    adminHint: `check TASUKI_CALENDAR_ID (calendar ${calendarId}) and its sharing with the service account`,
    notFound: { ja: '同期先のカレンダーが見つかりません。管理者に連絡してください。', en: 'The calendar to sync with was not found. Ask your administrator.' },
    forbidden: {
      ja: `カレンダー ${calendarId} を編集する権限がありません。サービスアカウントに「予定の変更」権限で共有してください。`,
      en: `No permission to edit calendar ${calendarId}. Share it with tasuki's service account with "Make changes to events".`,
    },
  };
}

async function getEvent(calendar: calendar_v3.Calendar, calendarId: string, eventId: string): Promise<calendar_v3.Schema$Event | null> {
  try {
    return (await calendar.events.get({ calendarId, eventId })).data;
  } catch (err) {
    if (statusOf(err) === 404 || statusOf(err) === 410) return null;
    return callGoogle('calendar.events.get', () => Promise.reject(err), calendarFixes(calendarId));
  }
}

/**
 * Puts the row's event on the calendar as `span` says: inserted under the row key's id, or
 * patched when it differs (a cancelled one is confirmed again). Events carry private extended
 * properties {tasukiRowKey, tasukiCreatedBy, tasukiUpdatedBy}, so a job redelivered after a
 * crash between the Calendar call and its step record still reports "created"/"updated".
 */
export async function upsertRowEvent(
  calendar: calendar_v3.Calendar,
  calendarId: string,
  row: ScheduleEventRow,
  span: ParsedSpan,
  jobId: string,
  locale: Locale,
  /**
   * The event as a listing just showed it (null: not listed), so a sync of many rows costs one
   * events.list instead of one events.get per row; omitted, the event is read by its id.
   */
  known?: calendar_v3.Schema$Event | null,
): Promise<{ outcome: 'created' | 'updated' | 'unchanged'; link?: string }> {
  const eventId = eventIdFor(row.rowKey);
  const desired = desiredEvent(row, span, locale);
  let current = known !== undefined ? known : await getEvent(calendar, calendarId, eventId);
  if (!current) {
    try {
      const res = await calendar.events.insert({
        calendarId,
        requestBody: { id: eventId, ...desired, extendedProperties: { private: { tasukiRowKey: row.rowKey, tasukiCreatedBy: jobId, tasukiUpdatedBy: jobId } } },
      });
      return { outcome: 'created', link: res.data.htmlLink ?? undefined };
    } catch (err) {
      // 409: it exists after all (e.g. cancelled and hidden from get): fall through to patch.
      if (statusOf(err) !== 409) return callGoogle('calendar.events.insert', () => Promise.reject(err), calendarFixes(calendarId));
      current = { id: eventId, status: 'cancelled' };
    }
  }
  const props = current.extendedProperties?.private ?? {};
  if (!differs(current, desired)) {
    // Already as wanted; if this very job made it so before a crash, say what it did.
    const outcome = props.tasukiCreatedBy === jobId ? 'created' : props.tasukiUpdatedBy === jobId ? 'updated' : 'unchanged';
    return { outcome, link: current.htmlLink ?? undefined };
  }
  const res = await callGoogle(
    'calendar.events.patch',
    () =>
      calendar.events.patch({
        calendarId,
        eventId,
        requestBody: { ...desired, status: 'confirmed', extendedProperties: { private: { ...props, tasukiRowKey: row.rowKey, tasukiUpdatedBy: jobId } } },
      }),
    calendarFixes(calendarId),
  );
  return { outcome: props.tasukiCreatedBy === jobId ? 'created' : 'updated', link: res.data.htmlLink ?? undefined };
}
