/**
 * Gmail: the acting user's sandbox inbox (sender, subject, snippet, attachments), the opened
 * message (body, attachments to download), and on the right the add-on's sidebar, as Gmail shows
 * a contextual add-on: opening a message asks the add-on backend for its card, and the card's
 * buttons (Create project, Draft estimate…) run through the same backend.
 */
import { api } from '../api.js';
import { CardStack, applyAddonResponse } from '../addonSlot.js';
import { debounce, fill, formatBytes, h, initials, patchList, timeEl, absoluteTime } from '../dom.js';
import { lang, t } from '../i18n.js';
import { routeHref } from '../links.js';
import { onLive } from '../live.js';
import { currentUser, getMeta } from '../session.js';
import { addonMissing, emptyState, errorBox, errorText, loading } from '../ui.js';
import type { View } from '../view.js';

type Attachment = { attachmentId: string; filename: string; mimeType: string; size: number };
type Mail = { id: string; threadId: string; labelIds: string[]; snippet: string; from: string; to: string; subject: string; date: string; attachments: Attachment[]; body?: string };

export class GmailView implements View {
  readonly id = 'gmail';
  readonly flush = true;
  private list?: HTMLElement;
  private reader?: HTMLElement;
  private sidebar?: HTMLElement;
  private openId: string | null = null;
  private mails: Mail[] = [];
  private offs: Array<() => void> = [];

  mount(container: HTMLElement, params: URLSearchParams): void {
    this.list = h('ul', { class: 'mail-list', 'data-testid': 'mail-list', 'aria-label': t('gmail.inbox') });
    this.reader = h('div', { class: 'mail-view', 'data-testid': 'mail-view' });
    this.sidebar = h('aside', { class: 'pane addon', 'data-testid': 'addon-sidebar', 'aria-label': t('addon.sidebar') });
    fill(
      container,
      h(
        'div',
        { class: 'split three' },
        h('div', { class: 'pane side' }, h('div', { class: 'pane-title' }, t('gmail.inbox'), h('span', { class: 'muted', style: 'letter-spacing:0;font-weight:400' }, `· ${currentUser().email}`)), this.list),
        h('div', { class: 'pane' }, this.reader),
        this.sidebar,
      ),
    );
    const reload = debounce(() => void this.loadList(), 200);
    this.offs.push(onLive('sandbox', (c) => c.api === 'gmail' && reload()));
    void this.loadList();
    this.update(params);
  }

  update(params: URLSearchParams): void {
    const id = params.get('id');
    if (id === this.openId) return;
    this.openId = id;
    this.markCurrent();
    if (id) void this.open(id);
    else {
      fill(this.reader!, emptyState(t('gmail.pick'), t('gmail.pickBody'), '✉'));
      fill(this.sidebar!, h('div', { class: 'addon-title' }, '襷 ', t('addon.sidebar')), getMeta().addon ? h('p', { class: 'muted' }, t('addon.openMail')) : addonMissing(t('addon.what.gmail')));
    }
  }

  unmount(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  private async loadList(): Promise<void> {
    const list = this.list!;
    if (!this.mails.length) fill(list, h('li', null, loading()));
    try {
      const { messages } = await api.get<{ messages: Mail[] }>(`/gmail/messages?user=${encodeURIComponent(currentUser().email)}`);
      this.mails = messages.sort((a, b) => b.date.localeCompare(a.date));
    } catch (err) {
      fill(list, h('li', { style: 'padding:12px' }, errorBox(err)));
      return;
    }
    if (!this.mails.length) {
      fill(list, h('li', null, emptyState(t('gmail.empty'), '', '✉')));
      return;
    }
    if (list.querySelector('.empty, .error-box')) fill(list);
    patchList(list, this.mails, (m) => m.id, (m) => `${m.labelIds.join(',')}|${lang()}`, (m) => this.item(m));
    this.markCurrent();
  }

  private item(m: Mail): HTMLElement {
    return h(
      'li',
      null,
      h(
        'a',
        { class: 'mail-item', href: routeHref('gmail', { id: m.id }), 'data-message-id': m.id, 'aria-current': String(m.id === this.openId), style: 'text-decoration:none;color:inherit' },
        h('div', { class: 'from' }, h('span', { style: 'overflow:hidden;text-overflow:ellipsis;white-space:nowrap' }, displayName(m.from)), timeEl(m.date, lang())),
        h('div', { class: 'subject' }, m.attachments.length ? '📎 ' : '', m.subject || '(no subject)'),
        h('div', { class: 'snippet' }, m.snippet),
      ),
    );
  }

  private markCurrent(): void {
    for (const a of Array.from(this.list?.querySelectorAll<HTMLElement>('.mail-item') ?? [])) a.setAttribute('aria-current', String(a.dataset.messageId === this.openId));
  }

  private async open(id: string): Promise<void> {
    const reader = this.reader!;
    const user = currentUser().email;
    fill(reader, loading());
    void this.openSidebar(id);
    try {
      const { message: m } = await api.get<{ message: Mail }>(`/gmail/messages/${encodeURIComponent(id)}?user=${encodeURIComponent(user)}`);
      if (this.openId !== id) return;
      fill(
        reader,
        h('h2', null, m.subject || '(no subject)'),
        h(
          'div',
          { class: 'mail-head' },
          h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(displayName(m.from))),
          h('div', { style: 'flex:1;min-width:0' }, h('div', null, h('b', null, displayName(m.from)), ' ', h('span', { class: 'muted' }, emailOf(m.from))), h('div', { class: 'muted', style: 'font-size:12.5px' }, `${t('gmail.to')}: ${m.to}`)),
          h('span', { class: 'muted', style: 'font-size:12.5px', title: m.date }, absoluteTime(m.date, lang())),
        ),
        h('div', { class: 'mail-body' }, m.body ?? m.snippet),
        m.attachments.length
          ? h(
              'div',
              { class: 'attachments' },
              m.attachments.map((a) =>
                h(
                  'a',
                  { class: 'attachment', href: `/console/api/gmail/messages/${encodeURIComponent(id)}/attachments/${encodeURIComponent(a.attachmentId)}?user=${encodeURIComponent(user)}&name=${encodeURIComponent(a.filename)}&mimeType=${encodeURIComponent(a.mimeType)}`, download: a.filename },
                  h('span', { class: `ficon ${a.mimeType === 'application/pdf' ? 'pdf' : 'file'}` }, a.mimeType === 'application/pdf' ? 'PDF' : '•'),
                  h('span', null, a.filename),
                  h('span', { class: 'muted', style: 'font-size:12px' }, formatBytes(a.size)),
                ),
              ),
            )
          : null,
      );
    } catch (err) {
      fill(reader, errorBox(err));
    }
  }

  private async openSidebar(id: string): Promise<void> {
    const sidebar = this.sidebar!;
    const title = h('div', { class: 'addon-title' }, '襷 ', t('addon.sidebar'));
    if (!getMeta().addon) {
      fill(sidebar, title, addonMissing(t('addon.what.gmail')));
      return;
    }
    const stack = new CardStack('GMAIL', { gmail: { messageId: id } });
    const status = h('div', null, loading());
    fill(sidebar, title, status, stack.element);
    try {
      const { response } = await api.post<{ response: unknown }>('/addon/gmail/open', { user: currentUser().email, messageId: id, locale: lang() });
      if (this.openId !== id) return;
      status.remove();
      applyAddonResponse('GMAIL', response, { stack });
    } catch (err) {
      fill(status, h('div', { class: 'error-box', role: 'alert' }, h('div', { class: 'code' }, t('addon.failed')), h('div', null, errorText(err))));
    }
  }
}

function displayName(from: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<[^>]+>\s*$/.exec(from);
  return (m?.[1] || from).trim();
}

function emailOf(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return m ? `<${m[1]}>` : '';
}
