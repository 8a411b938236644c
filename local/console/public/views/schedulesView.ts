/**
 * Schedules: the jobs the local stack runs by itself (TASUKI_SCHEDULES, fired by local/scheduler.ts
 * as Cloud Scheduler fires them in production): each schedule's cron, time zone, kind, its next
 * run and its last firing (which job it made), and a "run now" button that fires it at once — a
 * firing without a schedule time, like Cloud Scheduler's Force run.
 *
 * The next run is shown in the schedule's own time zone (the one its cron is read in), not the
 * browser's: "0 8 * * MON-FRI" in Asia/Tokyo reads 08:00 whatever zone the viewer's laptop is in,
 * with how long until then beside it.
 */
import { api } from '../api.js';
import { absoluteTime, fill, h, relativeTime, timeEl } from '../dom.js';
import { kindLabel, lang, t } from '../i18n.js';
import { routeHref } from '../links.js';
import { emptyState, errorText, loading, toast } from '../ui.js';
import type { View } from '../view.js';

type Firing = { at: string; scheduledFor?: string; manual: boolean; status: number; jobId?: string; created?: boolean; error?: string };
type Schedule = { id: string; cron: string; timeZone: string; kind: string; input: unknown; description?: string; nextRun: string | null; last?: Firing };

export class SchedulesView implements View {
  readonly id = 'schedules';
  private body?: HTMLElement;
  private timer: ReturnType<typeof setInterval> | undefined;

  mount(container: HTMLElement): void {
    this.body = h('div', null, loading());
    fill(container, this.body);
    void this.load();
    this.timer = setInterval(() => void this.load(), 5000);
  }

  unmount(): void {
    clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    let schedules: Schedule[];
    try {
      schedules = ((await api.get('/schedules')) as { schedules?: Schedule[] }).schedules ?? [];
    } catch (err) {
      fill(this.body!, h('div', { class: 'panel' }, emptyState(t('schedules.unavailable'), errorText(err), '⚠')));
      return;
    }
    if (!schedules.length) {
      fill(this.body!, h('div', { class: 'panel' }, emptyState(t('schedules.none'), t('schedules.noneBody'), '⏱')));
      return;
    }
    const l = lang();
    const rows = schedules.map((s) =>
      h(
        'tr',
        { 'data-schedule': s.id },
        h('td', null, h('div', { class: 'mono' }, s.id), s.description ? h('div', { class: 'muted' }, s.description) : null),
        h('td', { style: 'white-space:nowrap' }, h('code', null, s.cron), h('div', { class: 'muted' }, s.timeZone)),
        h('td', { style: 'white-space:nowrap' }, h('div', null, kindLabel(s.kind)), h('div', { class: 'muted mono' }, s.kind), inputSummary(s.input)),
        h(
          'td',
          { 'data-testid': 'next-run', 'data-at': s.nextRun ?? '', style: 'white-space:nowrap' },
          s.nextRun ? [h('div', { title: s.nextRun }, absoluteTime(s.nextRun, l, s.timeZone)), h('div', { class: 'muted' }, relativeTime(s.nextRun, l))] : '—',
        ),
        h('td', { 'data-testid': 'last-firing' }, this.lastFiring(s.last)),
        h('td', null, h('button', { class: 'btn', type: 'button', 'data-testid': 'run-now', onclick: (e: Event) => void this.runNow(s.id, e.currentTarget as HTMLButtonElement) }, t('schedules.runNow'))),
      ),
    );
    fill(
      this.body!,
      h(
        'div',
        { class: 'panel' },
        h(
          'table',
          { class: 'table', 'data-testid': 'schedules' },
          h('thead', null, h('tr', null, ['schedules.col.id', 'schedules.col.cron', 'schedules.col.kind', 'schedules.col.next', 'schedules.col.last', ''].map((k) => h('th', null, k ? t(k as never) : '')))),
          h('tbody', null, rows),
        ),
      ),
      h('p', { class: 'muted' }, t('schedules.note')),
    );
  }

  private lastFiring(f: Firing | undefined): HTMLElement | string {
    if (!f) return '—';
    const ok = f.status >= 200 && f.status < 300;
    return h(
      'div',
      null,
      timeEl(f.at, lang()),
      ' ',
      f.manual ? h('span', { class: 'muted' }, t('schedules.manual')) : null,
      ok && f.jobId ? h('div', null, h('a', { href: routeHref('jobs', { id: f.jobId }), class: 'mono' }, f.jobId.slice(0, 10)), f.created === false ? h('span', { class: 'muted' }, ` ${t('schedules.again')}`) : null) : null,
      ok ? null : h('div', { style: 'color:var(--fail)' }, `${f.status || '—'} ${f.error ?? ''}`),
    );
  }

  private async runNow(id: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const { firing } = (await api.post(`/schedules/${encodeURIComponent(id)}/run`, {})) as { firing: Firing };
      toast(t('schedules.fired', { id, job: firing.jobId ?? '' }));
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      button.disabled = false;
      await this.load();
    }
  }
}

/** A schedule's input as short `key: value` lines (e.g. `portal: acme`), or nothing when empty. */
function inputSummary(input: unknown): HTMLElement | null {
  if (!input || typeof input !== 'object') return null;
  const entries = Object.entries(input as Record<string, unknown>);
  if (!entries.length) return null;
  return h('div', { class: 'muted mono' }, entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', '));
}
