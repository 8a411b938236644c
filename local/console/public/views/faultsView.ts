/**
 * Faults: the sandbox's fault knobs per API — added latency and error rates for 429, 500 and
 * 503 — as sliders applied on release, Chat's per-space write limit, and the sandbox's log of
 * recent API calls (who called what, with which status) refreshed every two seconds while the
 * view is open. Cards with an active fault are highlighted so a forgotten knob is hard to miss.
 */
import { api } from '../api.js';
import { fill, h, timeEl } from '../dom.js';
import { lang, t } from '../i18n.js';
import { emptyState, errorText, loading, toast } from '../ui.js';
import type { View } from '../view.js';

type ApiFaults = { latencyMs: number; errorRates: Partial<Record<'429' | '500' | '503', number>> };
type Call = { at: string; api: string; method: string; path: string; principal: string; status: number };
const APIS = ['chat', 'drive', 'sheets', 'docs', 'gmail', 'calendar', 'oauth2'] as const;
const STATUSES = ['429', '500', '503'] as const;

export class FaultsView implements View {
  readonly id = 'faults';
  private body?: HTMLElement;
  private callsBody?: HTMLElement;
  private timer: ReturnType<typeof setInterval> | undefined;

  mount(container: HTMLElement): void {
    this.body = h('div', null, loading());
    this.callsBody = h('div');
    fill(container, this.body, h('div', { class: 'section-title', style: 'margin-top:28px' }, t('faults.calls')), this.callsBody);
    void this.load();
    void this.loadCalls();
    this.timer = setInterval(() => void this.loadCalls(), 2000);
  }

  unmount(): void {
    clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    let perApi: Record<string, ApiFaults>;
    let limits: { chatWriteIntervalMs: number; chatWriteBurst: number } | undefined;
    try {
      perApi = ((await api.get('/faults')) as { faults?: Record<string, ApiFaults> }).faults ?? {};
      limits = await api.get('/limits').catch(() => undefined);
    } catch (err) {
      fill(this.body!, h('div', { class: 'panel' }, emptyState(t('faults.unavailable'), errorText(err), '⚠')));
      return;
    }
    const clearAll = h('button', { class: 'btn', type: 'button', onclick: () => void this.clearAll() }, t('faults.clearAll'));
    fill(
      this.body!,
      h('div', { class: 'toolbar' }, h('div', { class: 'spacer' }), clearAll),
      h('div', { class: 'fault-grid', 'data-testid': 'faults' }, APIS.map((name) => this.card(name, perApi[name] ?? { latencyMs: 0, errorRates: {} })), limits ? this.limitsCard(limits) : null),
    );
  }

  private card(name: (typeof APIS)[number], f: ApiFaults): HTMLElement {
    const card = h('section', { class: 'panel fault-card', 'data-api': name });
    const mark = () => card.classList.toggle('active', Number(latency.value) > 0 || rates.some((r) => Number(r.value) > 0));
    const latencyOut = h('output', null, `${f.latencyMs} ms`);
    const latency = h('input', { type: 'range', min: '0', max: '5000', step: '50', value: String(f.latencyMs), 'aria-label': `${name} ${t('faults.latency')}` });
    latency.addEventListener('input', () => {
      latencyOut.textContent = `${latency.value} ms`;
      mark();
    });
    const outs: HTMLOutputElement[] = [];
    const rates = STATUSES.map((s) => {
      const v = f.errorRates[s] ?? 0;
      const out = h('output', null, `${Math.round(v * 100)}%`);
      outs.push(out);
      const input = h('input', { type: 'range', min: '0', max: '1', step: '0.05', value: String(v), 'aria-label': `${name} HTTP ${s}` });
      input.addEventListener('input', () => {
        out.textContent = `${Math.round(Number(input.value) * 100)}%`;
        mark();
      });
      return input;
    });
    const apply = async () => {
      const errorRates: Record<string, number> = {};
      STATUSES.forEach((s, i) => (errorRates[s] = Number(rates[i]!.value)));
      try {
        await api.post('/faults', { api: name, latencyMs: Number(latency.value), errorRates });
        toast(t('faults.saved', { api: name }));
      } catch (err) {
        toast(errorText(err), 'error');
      }
    };
    for (const input of [latency, ...rates]) input.addEventListener('change', () => void apply());
    fill(
      card,
      h('h3', null, name, h('span', { class: 'chip' }, `/${name}`)),
      h('div', { class: 'fault-row' }, h('span', null, t('faults.latency')), latency, latencyOut),
      STATUSES.map((s, i) => h('div', { class: 'fault-row' }, h('span', null, `HTTP ${s}`), rates[i]!, outs[i]!)),
    );
    mark();
    return card;
  }

  private limitsCard(limits: { chatWriteIntervalMs: number; chatWriteBurst: number }): HTMLElement {
    const interval = h('input', { type: 'range', min: '0', max: '5000', step: '100', value: String(limits.chatWriteIntervalMs), 'aria-label': t('faults.interval') });
    const burst = h('input', { type: 'range', min: '1', max: '20', step: '1', value: String(limits.chatWriteBurst), 'aria-label': t('faults.burst') });
    const intervalOut = h('output', null, limits.chatWriteIntervalMs ? `${limits.chatWriteIntervalMs} ms` : 'off');
    const burstOut = h('output', null, String(limits.chatWriteBurst));
    interval.addEventListener('input', () => (intervalOut.textContent = Number(interval.value) ? `${interval.value} ms` : 'off'));
    burst.addEventListener('input', () => (burstOut.textContent = burst.value));
    const apply = async () => {
      try {
        await api.post('/limits', { chatWriteIntervalMs: Number(interval.value), chatWriteBurst: Number(burst.value) });
        toast(t('faults.saved', { api: 'chat' }));
      } catch (err) {
        toast(errorText(err), 'error');
      }
    };
    interval.addEventListener('change', () => void apply());
    burst.addEventListener('change', () => void apply());
    return h(
      'section',
      { class: 'panel fault-card' },
      h('h3', null, t('faults.chatLimit')),
      h('div', { class: 'fault-row' }, h('span', null, t('faults.interval')), interval, intervalOut),
      h('div', { class: 'fault-row' }, h('span', null, t('faults.burst')), burst, burstOut),
    );
  }

  private async loadCalls(): Promise<void> {
    const box = this.callsBody;
    if (!box) return;
    let calls: Call[];
    try {
      ({ calls } = await api.get<{ calls: Call[] }>('/calls?limit=40'));
    } catch {
      return;
    }
    if (!calls.length) {
      fill(box, h('div', { class: 'panel' }, emptyState(t('faults.noCalls'), '', '⌁')));
      return;
    }
    const sorted = [...calls].sort((a, b) => b.at.localeCompare(a.at));
    fill(
      box,
      h(
        'div',
        { class: 'panel', style: 'overflow:hidden' },
        h(
          'table',
          { class: 'table' },
          h('thead', null, h('tr', null, ['', 'API', 'Method', 'Path', 'Caller', 'Status'].map((c) => h('th', null, c)))),
          h(
            'tbody',
            null,
            sorted.map((c) =>
              h(
                'tr',
                null,
                h('td', { class: 'muted num', style: 'white-space:nowrap' }, timeEl(c.at, lang())),
                h('td', null, h('span', { class: 'chip' }, c.api)),
                h('td', { class: 'mono' }, c.method),
                h('td', { class: 'mono', style: 'max-width:420px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap', title: c.path }, c.path),
                h('td', { class: 'muted', style: 'font-size:12.5px' }, c.principal),
                h('td', null, h('span', { class: `pill ${c.status < 300 ? 'succeeded' : c.status === 429 || c.status >= 500 ? 'failed' : 'queued'}` }, String(c.status))),
              ),
            ),
          ),
        ),
      ),
    );
  }

  private async clearAll(): Promise<void> {
    try {
      await api.del('/faults');
      await this.load();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }
}
