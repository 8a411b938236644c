/**
 * Calendar: the office calendar's events (the ones schedule.sync writes) as an agenda grouped by
 * day, all-day and timed events alike; updates live as the sync creates or moves events.
 */
import { api } from '../api.js';
import { debounce, fill, h } from '../dom.js';
import { lang, t } from '../i18n.js';
import { onLive } from '../live.js';
import { getMeta } from '../session.js';
import { emptyState, errorBox, loading } from '../ui.js';
import type { View } from '../view.js';

type CalEvent = {
  id: string;
  summary?: string;
  description?: string;
  location?: string;
  status?: string;
  htmlLink?: string;
  start?: { date?: string; dateTime?: string };
  end?: { date?: string; dateTime?: string };
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
};

export class CalendarView implements View {
  readonly id = 'calendar';
  private body?: HTMLElement;
  private offs: Array<() => void> = [];

  mount(container: HTMLElement): void {
    this.body = h('div', { 'data-testid': 'agenda' }, loading());
    fill(container, h('div', { class: 'toolbar' }, h('span', { class: 'chip' }, getMeta().calendarId)), this.body);
    const reload = debounce(() => void this.load(), 200);
    this.offs.push(onLive('sandbox', (c) => c.api === 'calendar' && reload()));
    this.offs.push(onLive('reconnect', reload));
    void this.load();
  }

  unmount(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  private async load(): Promise<void> {
    let events: CalEvent[];
    try {
      ({ events } = await api.get<{ events: CalEvent[] }>('/calendar/events'));
    } catch (err) {
      fill(this.body!, errorBox(err));
      return;
    }
    events = events.filter((e) => e.status !== 'cancelled').sort((a, b) => startOf(a).localeCompare(startOf(b)));
    if (!events.length) {
      fill(this.body!, h('div', { class: 'panel' }, emptyState(t('calendar.empty.title'), t('calendar.empty.body'), '▦')));
      return;
    }
    const days = new Map<string, CalEvent[]>();
    for (const e of events) {
      const day = dayOf(e, getMeta().timezone);
      (days.get(day) ?? days.set(day, []).get(day)!).push(e);
    }
    const locale = lang() === 'ja' ? 'ja-JP' : 'en-GB';
    const timeZone = getMeta().timezone;
    fill(
      this.body!,
      h(
        'div',
        { class: 'agenda' },
        Array.from(days, ([day, list]) =>
          h(
            'section',
            { class: 'agenda-day' },
            h('h3', null, new Date(`${day}T00:00:00Z`).toLocaleDateString(locale, { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' })),
            list.map((e) =>
              h(
                'div',
                { class: 'event', 'data-event-id': e.id },
                h('div', { class: 'when' }, whenText(e, locale, timeZone)),
                h('div', null, h('div', { class: 'title' }, e.summary ?? '(no title)'), e.description ? h('div', { class: 'desc' }, e.description) : null, e.location ? h('div', { class: 'desc' }, e.location) : null),
              ),
            ),
          ),
        ),
      ),
    );
  }
}

function startOf(e: CalEvent): string {
  return e.start?.dateTime ?? e.start?.date ?? '';
}

/** The event's calendar day in the office's time zone (all-day events carry it as is). */
function dayOf(e: CalEvent, timeZone: string): string {
  if (e.start?.date) return e.start.date;
  const d = new Date(e.start?.dateTime ?? '');
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString('en-CA', { timeZone });
}

function whenText(e: CalEvent, locale: string, timeZone: string): string {
  if (e.start?.date) {
    // Calendar's all-day end date is exclusive.
    const end = e.end?.date ? new Date(Date.parse(`${e.end.date}T00:00:00Z`) - 86_400_000) : undefined;
    const endText = end && end.toISOString().slice(0, 10) !== e.start.date ? ` – ${end.toLocaleDateString(locale, { timeZone: 'UTC', month: 'short', day: 'numeric' })}` : '';
    return `${t('calendar.allDay')}${endText}`;
  }
  const fmt = (iso?: string) => (iso ? new Date(iso).toLocaleTimeString(locale, { timeZone, hour: '2-digit', minute: '2-digit' }) : '');
  return `${fmt(e.start?.dateTime)} – ${fmt(e.end?.dateTime)}`;
}
