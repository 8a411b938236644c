/**
 * Chat: the sandbox's spaces and the selected space's messages in order, cards rendered from
 * their Card v2 JSON, following the live feed (a worker patching its `client-<job>` message
 * updates that message in place). Below, a composer that talks to the tasuki Chat app through
 * the add-on backend: slash commands and plain messages, dialogs the app opens, card buttons.
 *
 * The app's synchronous answers are shown in the timeline marked "console only": in real Chat
 * they would be posted by Google; here nothing writes them into the sandbox, so they live in the
 * page until it reloads. The worker's own replies are real sandbox messages.
 */
import { api } from '../api.js';
import { runAddonAction, applyAddonResponse, type ResponseHooks } from '../addonSlot.js';
import { chatText, renderCard } from '../cardRenderer.js';
import { debounce, fill, h, initials, patchList, timeEl } from '../dom.js';
import { lang, t } from '../i18n.js';
import { openUrl } from '../links.js';
import { onLive } from '../live.js';
import { currentUser, getMeta } from '../session.js';
import { emptyState, errorBox, errorText, loading, toast } from '../ui.js';
import type { View } from '../view.js';

type Message = {
  name: string;
  sender?: { name?: string; displayName?: string; type?: string };
  createTime?: string;
  lastUpdateTime?: string;
  text?: string;
  cardsV2?: Array<{ cardId?: string; card?: unknown }>;
  thread?: { name?: string };
  clientAssignedMessageId?: string;
  /** Shown only to this Chat user (and the app). */
  privateMessageViewer?: { name?: string };
  /** Console-only entries (the person's commands and the app's synchronous answers). */
  local?: boolean;
  /** Console-only entries belong to the console user who made them. */
  owner?: string;
};

let localSeq = 0;
/** Console-only entries per space, kept while the page lives. */
const localBySpace = new Map<string, Message[]>();
/** Console-only updates of sandbox messages (an app's updateMessageAction), by message name. */
const overrides = new Map<string, Message>();

export class ChatView implements View {
  readonly id = 'chat';
  readonly flush = true;
  private space = '';
  private spaces: Array<{ name: string; displayName?: string; spaceType?: string }> = [];
  private messages: Message[] = [];
  private timeline?: HTMLElement;
  private list?: HTMLElement;
  private spaceList?: HTMLElement;
  private header?: HTMLElement;
  private offs: Array<() => void> = [];
  private loadedOnce = false;

  mount(container: HTMLElement, params: URLSearchParams): void {
    const meta = getMeta();
    this.space = params.get('space') ?? meta.chatSpace;
    this.spaceList = h('div');
    this.header = h('div', { class: 'chat-head' });
    this.list = h('div', { style: 'display:flex;flex-direction:column;gap:14px', 'data-testid': 'chat-messages' });
    this.timeline = h('div', { class: 'timeline', 'aria-live': 'polite' }, this.list);
    fill(
      container,
      h(
        'div',
        { class: 'split' },
        h('div', { class: 'pane side' }, h('div', { class: 'pane-title' }, t('chat.spaces')), this.spaceList),
        h('div', { class: 'pane' }, h('div', { class: 'chat' }, this.header, this.timeline, this.composer())),
      ),
    );
    const reload = debounce(() => void this.loadMessages(), 120);
    this.offs.push(onLive('sandbox', (c) => c.api === 'chat' && reload()));
    this.offs.push(onLive('reconnect', reload));
    void this.loadSpaces();
    void this.loadMessages();
  }

  update(params: URLSearchParams): void {
    const next = params.get('space');
    if (next && next !== this.space) {
      this.space = next;
      this.loadedOnce = false;
      this.renderSpaces();
      void this.loadMessages();
    }
  }

  unmount(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  private async loadSpaces(): Promise<void> {
    try {
      const { spaces } = await api.get<{ spaces: Array<{ name: string; displayName?: string; spaceType?: string }> }>('/chat/spaces');
      this.spaces = spaces;
    } catch {
      this.spaces = [];
    }
    this.renderSpaces();
  }

  private renderSpaces(): void {
    if (!this.spaceList) return;
    const current = this.spaces.find((s) => s.name === this.space);
    fill(this.header!, h('span', { class: 'avatar app', 'aria-hidden': 'true' }, '#'), h('h2', null, current ? spaceTitle(current) : this.space), h('span', { class: 'muted mono' }, this.space));
    if (!this.spaces.length) {
      fill(this.spaceList, h('p', { class: 'muted', style: 'padding:0 16px' }, t('chat.noSpaces')));
      return;
    }
    fill(
      this.spaceList,
      this.spaces.map((s) =>
        h(
          'button',
          { class: 'space-item', type: 'button', 'aria-current': String(s.name === this.space), onclick: () => (location.hash = `#/chat?space=${encodeURIComponent(s.name)}`) },
          h('span', { class: 'avatar sm app', 'aria-hidden': 'true' }, '#'),
          h('span', null, spaceTitle(s)),
        ),
      ),
    );
  }

  private async loadMessages(): Promise<void> {
    if (!this.list) return;
    if (!this.loadedOnce) fill(this.list, loading());
    try {
      const { messages } = await api.get<{ messages: Message[] }>(`/chat/messages?space=${encodeURIComponent(this.space)}&user=${encodeURIComponent(currentUser().email)}`);
      this.messages = messages;
      this.render();
    } catch (err) {
      fill(this.list, errorBox(err));
    }
    this.loadedOnce = true;
  }

  private render(): void {
    const list = this.list!;
    const timeline = this.timeline!;
    const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 60 || !this.loadedOnce;
    // What the acting user sees: their own console entries; others' private answers stay theirs.
    const me = currentUser().email;
    const locals = (localBySpace.get(this.space) ?? []).filter((m) => !m.owner || m.owner === me || !m.privateMessageViewer);
    const shown = this.messages.map((m) => {
      const override = overrides.get(m.name);
      // A newer write in the sandbox (the worker patching its message) wins over the console's copy.
      if (override && (m.lastUpdateTime ?? m.createTime ?? '') > (override.lastUpdateTime ?? '')) overrides.delete(m.name);
      return overrides.get(m.name) ?? m;
    });
    const all = [...shown, ...locals].sort((a, b) => (a.createTime ?? '').localeCompare(b.createTime ?? ''));
    if (!all.length) {
      fill(list, emptyState(t('chat.empty.title'), t('chat.empty.body'), '💬'));
      return;
    }
    if (list.querySelector('.empty, .error-box, [aria-busy]')) fill(list);
    patchList(list, all, (m) => m.name, (m) => `${m.lastUpdateTime ?? m.createTime ?? ''}|${lang()}|${m.local ? JSON.stringify(m).length : ''}`, (m) => this.renderMessage(m));
    if (atBottom) timeline.scrollTop = timeline.scrollHeight;
  }

  private renderMessage(m: Message): HTMLElement {
    const isApp = m.sender?.type === 'BOT';
    const mine = !isApp && m.local;
    const name = m.sender?.displayName ?? (isApp ? 'tasuki' : (m.sender?.name ?? ''));
    const hooks: ResponseHooks = { chat: { space: this.space, ...(m.local ? {} : { messageName: m.name }) }, onChatMessage: (msg, mode) => this.addLocal(msg, mode, m.name) };
    const edited = m.lastUpdateTime && m.lastUpdateTime !== m.createTime;
    return h(
      'article',
      { class: `msg${m.local ? ' local' : ''}${mine ? ' mine' : ''}`, 'data-message-name': m.name, 'data-client-id': m.clientAssignedMessageId },
      h('span', { class: `avatar${isApp ? ' app' : ''}`, 'aria-hidden': 'true' }, isApp ? '襷' : initials(name)),
      h(
        'div',
        { style: 'min-width:0' },
        h(
          'div',
          { class: 'msg-meta' },
          h('b', null, name),
          isApp ? h('span', { class: 'tag' }, t('chat.app')) : null,
          timeEl(m.createTime, lang()),
          edited ? h('span', null, '· ', t('chat.edited', { time: '' }).trim(), ' ', timeEl(m.lastUpdateTime, lang())) : null,
          m.privateMessageViewer ? h('span', { class: 'tag', 'data-testid': 'private-tag' }, t('chat.private')) : null,
          m.local ? h('span', { class: 'tag' }, t('chat.consoleOnly')) : null,
        ),
        m.text ? h('div', { class: 'msg-text fmt' }, chatText(m.text)) : null,
        m.cardsV2?.length
          ? h(
              'div',
              { class: 'msg-cards' },
              m.cardsV2.map((c) =>
                renderCard(c.card ?? c, {
                  onAction: (event) => runAddonAction('CHAT', event, hooks),
                  onOpenLink: openUrl,
                }),
              ),
            )
          : null,
      ),
    );
  }

  /**
   * Adds a console-only message from the app, or for updateMessageAction replaces the message
   * whose card was clicked (`target`; a sandbox message gets a console-only override).
   */
  private addLocal(message: any, mode: 'create' | 'update', target?: string): void {
    const locals = localBySpace.get(this.space) ?? [];
    localBySpace.set(this.space, locals);
    const now = new Date().toISOString();
    if (mode === 'update') {
      const local = target ? locals.find((m) => m.name === target) : [...locals].reverse().find((m) => m.sender?.type === 'BOT');
      if (local) {
        Object.assign(local, { text: message.text, cardsV2: message.cardsV2, lastUpdateTime: now });
        this.render();
        return;
      }
      const original = target ? this.messages.find((m) => m.name === target) : undefined;
      if (original) {
        overrides.set(original.name, { ...original, text: message.text ?? original.text, cardsV2: message.cardsV2 ?? original.cardsV2, lastUpdateTime: now, local: true });
        this.render();
        return;
      }
    }
    locals.push({ ...message, name: `local-${++localSeq}`, sender: { type: 'BOT', displayName: 'tasuki' }, createTime: now, local: true, owner: currentUser().email });
    this.render();
  }

  private composer(): HTMLElement {
    if (!getMeta().addon) {
      return h(
        'div',
        { class: 'composer', 'data-testid': 'chat-composer' },
        h('div', { class: 'note', role: 'note' }, h('b', null, t('addon.missing.title')), ' — ', t('addon.missing.body', { what: t('addon.what.chat') })),
      );
    }
    const input = h('input', { class: 'input', id: 'chat-input', name: 'text', autocomplete: 'off', placeholder: t('chat.composer'), 'aria-label': t('chat.composer') });
    const send = h('button', { class: 'btn primary', type: 'submit' }, t('chat.send'));
    const form = h('form', null, input, send);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      const locals = localBySpace.get(this.space) ?? [];
      localBySpace.set(this.space, locals);
      const user = currentUser();
      // A slash command is seen only by its sender and the app (Chat shows it to no one else).
      const slash = text.startsWith('/') ? { privateMessageViewer: { name: user.email } } : {};
      locals.push({ name: `local-${++localSeq}`, sender: { type: 'HUMAN', displayName: user.name }, createTime: new Date().toISOString(), text, local: true, owner: user.email, ...slash });
      this.render();
      send.disabled = true;
      try {
        const { response } = await api.post<{ response: unknown }>('/addon/chat/message', { user: user.email, space: this.space, text, locale: lang() });
        applyAddonResponse('CHAT', response, { chat: { space: this.space }, onChatMessage: (msg, mode) => this.addLocal(msg, mode) });
      } catch (err) {
        toast(`${t('addon.failed')}: ${errorText(err)}`, 'error');
      } finally {
        send.disabled = false;
        input.focus();
      }
    });
    const suggestions = ['/help', '/jobs', '/new', '/status ', '/summary', `/search ${t('chat.searchExample')}`].map((cmd) =>
      h('button', { type: 'button', onclick: () => { input.value = cmd; input.focus(); } }, cmd.trim()),
    );
    return h('div', { class: 'composer', 'data-testid': 'chat-composer' }, form, h('div', { class: 'suggest' }, suggestions), h('div', { class: 'hint' }, t('chat.hint')));
  }
}

function spaceTitle(s: { name: string; displayName?: string; spaceType?: string }): string {
  if (s.displayName) return s.displayName;
  return s.spaceType === 'DIRECT_MESSAGE' ? t('chat.dm') : s.name;
}
