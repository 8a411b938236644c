/**
 * Faults: the sandbox's fault knobs per API — added latency and error rates for 429, 500 and
 * 503 — as sliders, applied on release through the sandbox's admin endpoint. Cards with an
 * active fault are highlighted so a forgotten knob is hard to miss.
 */
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { t } from '../i18n.js';
import { emptyState, errorText, loading, toast } from '../ui.js';
import type { View } from '../view.js';

type ApiFaults = { latencyMs: number; errorRates: Partial<Record<'429' | '500' | '503', number>> };
const APIS = ['chat', 'drive', 'sheets', 'docs', 'gmail', 'calendar', 'oauth2'] as const;
const STATUSES = ['429', '500', '503'] as const;

export class FaultsView implements View {
  readonly id = 'faults';
  private body?: HTMLElement;

  mount(container: HTMLElement): void {
    this.body = h('div', null, loading());
    fill(container, this.body);
    void this.load();
  }

  unmount(): void {}

  private async load(): Promise<void> {
    let data: any;
    try {
      data = await api.get('/faults');
    } catch (err) {
      fill(this.body!, h('div', { class: 'panel' }, emptyState(t('faults.unavailable'), errorText(err), '⚠')));
      return;
    }
    const perApi: Record<string, ApiFaults> = data?.faults ?? data ?? {};
    const clearAll = h('button', { class: 'btn', type: 'button', onclick: () => void this.clearAll() }, t('faults.clearAll'));
    fill(
      this.body!,
      h('div', { class: 'toolbar' }, h('div', { class: 'spacer' }), clearAll),
      h('div', { class: 'fault-grid', 'data-testid': 'faults' }, APIS.map((name) => this.card(name, perApi[name] ?? { latencyMs: 0, errorRates: {} }))),
    );
  }

  private card(name: (typeof APIS)[number], f: ApiFaults): HTMLElement {
    const card = h('section', { class: 'panel fault-card', 'data-api': name });
    const mark = () => {
      const active = Number(latency.value) > 0 || rates.some((r) => Number(r.value) > 0);
      card.classList.toggle('active', active);
    };
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

  private async clearAll(): Promise<void> {
    try {
      await Promise.all(APIS.map((name) => api.post('/faults', { api: name, latencyMs: 0, errorRates: { '429': 0, '500': 0, '503': 0 } })));
      await this.load();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }
}
