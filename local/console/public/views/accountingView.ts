/**
 * Accounting: what the freee stand-in holds, as an office would look at freee請求書: the
 * connected company, invoices and quotations (number, partner, per-rate amounts and tax, the
 * registration number of the template, 取消 marks), partners, and the OAuth grants. Reads the
 * stand-in's admin endpoint (/freee/_admin/state); refreshes with the jobs' live feed.
 */
import { debounce, fill, h } from '../dom.js';
import { t } from '../i18n.js';
import { onLive } from '../live.js';
import { emptyState, errorBox, loading } from '../ui.js';
import type { View } from '../view.js';

type Doc = Record<string, unknown> & { id: number; subject?: string; partner_display_name?: string; total_amount?: number; template?: { invoice_registration_number?: string } };
type State = {
  companies: Array<{ id: number; display_name: string; numbering: string }>;
  partners: Array<{ id: number; name: string; long_name: string | null }>;
  documents: Doc[];
  grants: { accessTokens: number; refreshTokensUsed: number; refreshTokensLive: number };
  injected: number;
};

const yen = (n: unknown) => (typeof n === 'number' ? `¥${n.toLocaleString('en-US')}` : '—');

export class AccountingView implements View {
  readonly id = 'accounting';
  private body?: HTMLElement;
  private offs: Array<() => void> = [];

  mount(container: HTMLElement): void {
    this.body = h('div', { 'data-testid': 'accounting' }, loading());
    fill(container, this.body);
    const reload = debounce(() => void this.load(), 300);
    this.offs.push(onLive('job', reload), onLive('reconnect', reload));
    void this.load();
  }

  unmount(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  private async load(): Promise<void> {
    let state: State;
    try {
      const res = await fetch('/freee/_admin/state');
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      state = (await res.json()) as State;
    } catch (err) {
      fill(this.body!, errorBox(err));
      return;
    }
    const company = state.companies[0];
    const header = h(
      'div',
      { class: 'toolbar' },
      h('span', { class: 'chip' }, `freee stand-in · ${company?.display_name ?? '—'} (${company?.id ?? '—'})`),
      h('span', { class: 'chip' }, `${t('accounting.numbering')}: ${company?.numbering ?? '—'}`),
      h('span', { class: 'chip' }, `${t('accounting.tokens')}: ${state.grants.accessTokens} / ${t('accounting.refreshUsed')} ${state.grants.refreshTokensUsed}`),
    );
    if (!state.documents.length) {
      fill(this.body!, header, h('div', { class: 'panel' }, emptyState(t('accounting.empty.title'), t('accounting.empty.body'), '¥')));
      return;
    }
    const rows = [...state.documents].reverse().map((d) => {
      const kind = 'invoice_number' in d ? 'invoices' : 'quotations';
      const number = String(d.invoice_number ?? d.quotation_number ?? '');
      const voided = String(d.subject ?? '').startsWith('【取消】');
      return h(
        'tr',
        { 'data-number': number, class: voided ? 'voided' : undefined },
        h('td', null, h('a', { href: `/freee/web/${kind}/${d.id}`, target: '_blank', rel: 'noopener' }, number)),
        h('td', null, kind === 'invoices' ? t('accounting.invoice') : t('accounting.quotation')),
        h('td', null, String(d.partner_display_name ?? '')),
        h('td', null, String(d.subject ?? '')),
        h('td', { class: 'num' }, yen(d.amount_excluding_tax_10), ' / ', yen(d.amount_tax_10)),
        h('td', { class: 'num' }, yen(d.amount_excluding_tax_8_reduced), ' / ', yen(d.amount_tax_8_reduced)),
        h('td', { class: 'num' }, yen(d.total_amount)),
        h('td', null, d.template?.invoice_registration_number ?? ''),
      );
    });
    fill(
      this.body!,
      header,
      h(
        'div',
        { class: 'panel' },
        h(
          'table',
          { class: 'table' },
          h('thead', null, h('tr', null, ['accounting.col.number', 'accounting.col.kind', 'accounting.col.partner', 'accounting.col.subject', 'accounting.col.rate10', 'accounting.col.rate8', 'accounting.col.total', 'accounting.col.registration'].map((k) => h('th', null, t(k as Parameters<typeof t>[0]))))),
          h('tbody', null, rows),
        ),
      ),
      h('p', { class: 'subtitle' }, `${t('accounting.partners')}: ${state.partners.map((p) => p.name).join('、')}`),
    );
  }
}
