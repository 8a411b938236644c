/**
 * Google Calendar API v3, the subset tasuki uses, mounted at `<sandbox>/calendar/`
 * (client paths `calendar/v3/calendars/{calendarId}/events…`):
 *
 *   POST   …/events             events.insert (client-chosen `id`: base32hex [a-v0-9]{5,1024}; taken → 409)
 *   GET    …/events/{eventId}   events.get (cancelled events too, with status cancelled)
 *   PATCH  …/events/{eventId}   events.patch
 *   PUT    …/events/{eventId}   events.update
 *   DELETE …/events/{eventId}   events.delete (the event stays, status cancelled, as Google keeps it)
 *   GET    …/events             events.list ?timeMin&timeMax&showDeleted&singleEvents&orderBy&q
 *                               &privateExtendedProperty=k=v&sharedExtendedProperty&updatedMin&maxResults&pageToken
 *
 * A cancelled event's id stays taken (insert → 409), as in Google Calendar; patch it back to
 * status confirmed instead. Times: `{date}` (all-day) or `{dateTime, timeZone?}`; end must be
 * after start.
 */
import express, { type Request, type Response, type Router } from 'express';
import * as z from 'zod';
import type { Principal } from './auth.js';
import { GoogleError, badRequest, notFound } from './googleError.js';
import { calendarEventId } from './ids.js';
import { checkQuery, paginate, parseBody, q, qAll, qBool, qInt } from './requestShape.js';
import { Routes, nowRfc3339 } from './routes.js';
import type { SandboxState } from './sandboxState.js';

const API = 'calendar';
const EVENT_ID = /^[a-v0-9]{5,1024}$/;

/** `acl`: who the calendar is shared with (access.ts); without it, everyone may use it. */
export type StoredCalendar = { id: string; summary: string; timeZone: string; description?: string; acl?: Array<{ email: string; role: 'reader' | 'writer' | 'owner' }> };
export type EventTime = { date?: string; dateTime?: string; timeZone?: string };
export type CalendarEvent = {
  kind: 'calendar#event';
  etag: string;
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  htmlLink: string;
  created: string;
  updated: string;
  summary?: string;
  description?: string;
  location?: string;
  colorId?: string;
  creator: { email: string };
  organizer: { email: string; displayName?: string; self?: boolean };
  start: EventTime;
  end: EventTime;
  iCalUID: string;
  sequence: number;
  attendees?: Array<{ email: string; displayName?: string; responseStatus?: string; optional?: boolean }>;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  reminders: { useDefault: boolean };
  transparency?: 'opaque' | 'transparent';
  eventType: 'default';
};

const Time = z.strictObject({ date: z.string().optional(), dateTime: z.string().optional(), timeZone: z.string().optional() });
const EventBody = z.strictObject({
  id: z.string().optional(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']).optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  colorId: z.string().optional(),
  start: Time.optional(),
  end: Time.optional(),
  attendees: z.array(z.strictObject({ email: z.string().email(), displayName: z.string().optional(), responseStatus: z.string().optional(), optional: z.boolean().optional() })).optional(),
  extendedProperties: z.strictObject({ private: z.record(z.string(), z.string()).optional(), shared: z.record(z.string(), z.string()).optional() }).optional(),
  reminders: z.strictObject({ useDefault: z.boolean(), overrides: z.array(z.strictObject({ method: z.string(), minutes: z.number() })).optional() }).optional(),
  transparency: z.enum(['opaque', 'transparent']).optional(),
  visibility: z.string().optional(),
  source: z.strictObject({ title: z.string().optional(), url: z.string().optional() }).optional(),
  // Output-only fields clients echo back on update; ignored.
  kind: z.string().optional(), etag: z.string().optional(), htmlLink: z.string().optional(), created: z.string().optional(),
  updated: z.string().optional(), creator: z.unknown().optional(), organizer: z.unknown().optional(), iCalUID: z.string().optional(),
  sequence: z.number().optional(), eventType: z.string().optional(),
});
type EventBody = z.infer<typeof EventBody>;

/** Instant of an event time (all-day dates at midnight UTC; good enough for range filters). */
function instant(t: EventTime | undefined, field: string): number {
  if (!t) throw badRequest(`Missing ${field} time.`, 'required');
  if (t.date !== undefined && t.dateTime !== undefined) throw badRequest(`Invalid ${field} time: set date or dateTime, not both.`);
  if (t.date !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(t.date) || Number.isNaN(Date.parse(t.date))) throw badRequest(`Invalid ${field} time: date "${t.date}" must look like 2026-12-20.`);
    return Date.parse(`${t.date}T00:00:00Z`);
  }
  if (t.dateTime !== undefined) {
    const ms = Date.parse(t.dateTime);
    if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t.dateTime)) throw badRequest(`Invalid ${field} time: dateTime "${t.dateTime}" must be RFC 3339.`);
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(t.dateTime) && !t.timeZone) throw badRequest(`Invalid ${field} time: a dateTime without an offset needs timeZone.`);
    return ms;
  }
  throw badRequest(`Missing ${field} time.`, 'required');
}

function checkTimes(start: EventTime | undefined, end: EventTime | undefined): void {
  const s = instant(start, 'start');
  const e = instant(end, 'end');
  if (Boolean(start?.date) !== Boolean(end?.date)) throw badRequest('Invalid event times: start and end must both be dates or both be dateTimes.');
  if (e < s || (e === s && start?.date)) throw badRequest('The specified time range is empty.', 'timeRangeEmpty');
}

export function calendarRouter(opts: { state: SandboxState }): Router {
  const { state } = opts;
  const routes = new Routes();

  const calendarOf = (id: string) => {
    const cal = state.get<StoredCalendar>(API, 'calendar', id);
    if (!cal) throw notFound('Not Found');
    return cal;
  };
  const eventOf = (calendarId: string, eventId: string) => {
    const ev = state.get<CalendarEvent>(API, 'event', `${calendarId}/${eventId}`);
    if (!ev) throw notFound('Not Found');
    return ev;
  };
  const save = (calendarId: string, ev: CalendarEvent) => state.put(API, 'event', `${calendarId}/${ev.id}`, ev, calendarId);
  const etag = () => `"${Date.now()}${Math.floor(Math.random() * 1000)}"`;

  function apply(ev: CalendarEvent, body: EventBody): CalendarEvent {
    const next: CalendarEvent = { ...ev };
    for (const key of ['status', 'summary', 'description', 'location', 'colorId', 'start', 'end', 'attendees', 'reminders', 'transparency'] as const) {
      if (body[key] !== undefined) (next as Record<string, unknown>)[key] = body[key];
    }
    if (body.extendedProperties) {
      next.extendedProperties = {
        private: { ...(ev.extendedProperties?.private ?? {}), ...(body.extendedProperties.private ?? {}) },
        shared: { ...(ev.extendedProperties?.shared ?? {}), ...(body.extendedProperties.shared ?? {}) },
      };
    }
    return next;
  }

  routes.on('POST', /^\/calendar\/v3\/calendars\/([^/]+)\/events$/, (req: Request, res: Response, [calendarId]) => {
    checkQuery(req, ['sendUpdates', 'sendNotifications', 'conferenceDataVersion', 'maxAttendees', 'supportsAttachments']);
    const cal = calendarOf(calendarId!);
    const body = parseBody(EventBody, req.body, 'resource');
    const id = body.id ?? calendarEventId();
    if (!EVENT_ID.test(id)) {
      throw badRequest(`Invalid resource id value: "${id}". Event ids use base32hex (lowercase a–v and 0–9), 5 to 1024 characters.`, 'invalid');
    }
    checkTimes(body.start, body.end);
    const now = nowRfc3339();
    const me = (res.locals.principal as Principal).email;
    const ev = apply(
      {
        kind: 'calendar#event', etag: etag(), id, status: 'confirmed',
        htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${cal.id}`).toString('base64url')}`,
        created: now, updated: now, creator: { email: me }, organizer: { email: cal.id, displayName: cal.summary, self: true },
        start: body.start!, end: body.end!, iCalUID: `${id}@google.com`, sequence: 0, reminders: { useDefault: true }, eventType: 'default',
      },
      body,
    );
    if (!state.insert(API, 'event', `${cal.id}/${id}`, ev, cal.id)) throw new GoogleError(409, 'The requested identifier already exists.', { reason: 'duplicate' });
    return ev;
  });

  routes.on('GET', /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/, (req: Request, _res, [calendarId, eventId]) => {
    checkQuery(req, ['timeZone', 'maxAttendees', 'alwaysIncludeEmail']);
    calendarOf(calendarId!);
    return eventOf(calendarId!, eventId!);
  });

  const change = (req: Request, calendarId: string, eventId: string, replace: boolean) => {
    checkQuery(req, ['sendUpdates', 'sendNotifications', 'conferenceDataVersion', 'maxAttendees', 'supportsAttachments', 'alwaysIncludeEmail']);
    calendarOf(calendarId);
    const ev = eventOf(calendarId, eventId);
    const body = parseBody(EventBody, req.body, 'resource');
    if (body.id !== undefined && body.id !== ev.id) throw badRequest('The event id cannot be changed.');
    const base: CalendarEvent = replace ? { ...ev, summary: undefined, description: undefined, location: undefined, attendees: undefined, extendedProperties: undefined } : ev;
    const next = apply(base, replace ? { ...body, extendedProperties: body.extendedProperties } : body);
    checkTimes(next.start, next.end);
    const out: CalendarEvent = JSON.parse(JSON.stringify({ ...next, etag: etag(), updated: nowRfc3339(), sequence: ev.sequence + 1 }));
    save(calendarId, out);
    return out;
  };
  routes.on('PATCH', /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/, (req: Request, _res, [c, e]) => change(req, c!, e!, false));
  routes.on('PUT', /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/, (req: Request, _res, [c, e]) => change(req, c!, e!, true));

  routes.on('DELETE', /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/, (req: Request, _res, [calendarId, eventId]) => {
    checkQuery(req, ['sendUpdates', 'sendNotifications']);
    calendarOf(calendarId!);
    const ev = eventOf(calendarId!, eventId!);
    if (ev.status === 'cancelled') throw new GoogleError(410, 'Resource has been deleted', { status: 'NOT_FOUND', reason: 'deleted' });
    save(calendarId!, { ...ev, status: 'cancelled', etag: etag(), updated: nowRfc3339(), sequence: ev.sequence + 1 });
    return undefined;
  });

  routes.on('GET', /^\/calendar\/v3\/calendars\/([^/]+)\/events$/, (req: Request, _res, [calendarId]) => {
    checkQuery(req, ['timeMin', 'timeMax', 'showDeleted', 'singleEvents', 'orderBy', 'q', 'privateExtendedProperty', 'sharedExtendedProperty', 'updatedMin', 'maxResults', 'pageToken', 'timeZone', 'iCalUID', 'maxAttendees', 'showHiddenInvitations', 'alwaysIncludeEmail', 'syncToken', 'eventTypes']);
    const cal = calendarOf(calendarId!);
    let events = state.list<CalendarEvent>(API, 'event', cal.id);
    if (!qBool(req, 'showDeleted')) events = events.filter((e) => e.status !== 'cancelled');
    const bound = (name: string) => {
      const v = q(req, name);
      if (v === undefined) return undefined;
      const ms = Date.parse(v);
      if (Number.isNaN(ms) || !/(Z|[+-]\d{2}:\d{2})$/.test(v)) throw badRequest(`Invalid value for ${name}: "${v}" must be RFC 3339 with an offset, e.g. 2026-12-01T00:00:00+09:00.`);
      return ms;
    };
    const timeMin = bound('timeMin');
    const timeMax = bound('timeMax');
    if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) throw badRequest('The specified time range is empty.', 'timeRangeEmpty');
    if (timeMin !== undefined) events = events.filter((e) => instant(e.end, 'end') > timeMin);
    if (timeMax !== undefined) events = events.filter((e) => instant(e.start, 'start') < timeMax);
    const updatedMin = bound('updatedMin');
    if (updatedMin !== undefined) events = events.filter((e) => Date.parse(e.updated) >= updatedMin);
    const props = (param: string, field: 'private' | 'shared') => {
      for (const p of qAll(req, param)) {
        const at = p.indexOf('=');
        if (at < 1) throw badRequest(`Invalid value for ${param}: "${p}" must be propertyName=value.`);
        const [k, v] = [p.slice(0, at), p.slice(at + 1)];
        events = events.filter((e) => e.extendedProperties?.[field]?.[k] === v);
      }
    };
    props('privateExtendedProperty', 'private');
    props('sharedExtendedProperty', 'shared');
    const text = q(req, 'q')?.toLowerCase();
    if (text) events = events.filter((e) => [e.summary, e.description, e.location].some((s) => s?.toLowerCase().includes(text)));
    const iCalUID = q(req, 'iCalUID');
    if (iCalUID) events = events.filter((e) => e.iCalUID === iCalUID);
    const orderBy = q(req, 'orderBy');
    if (orderBy === 'startTime') {
      if (!qBool(req, 'singleEvents')) throw badRequest('The requested ordering is not available for the particular query.');
      events.sort((a, b) => instant(a.start, 'start') - instant(b.start, 'start'));
    } else if (orderBy === 'updated') {
      events.sort((a, b) => a.updated.localeCompare(b.updated));
    } else if (orderBy !== undefined) {
      throw badRequest(`Invalid value for orderBy: "${orderBy}" (startTime or updated).`);
    }
    const { page, nextPageToken } = paginate(events, q(req, 'pageToken'), qInt(req, 'maxResults', 1, 2500) ?? 250);
    return {
      kind: 'calendar#events', etag: etag(), summary: cal.summary, updated: nowRfc3339(), timeZone: cal.timeZone, accessRole: 'writer',
      defaultReminders: [{ method: 'popup', minutes: 30 }], items: page, ...(nextPageToken ? { nextPageToken } : {}),
    };
  });

  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(routes.handler());
  return router;
}
