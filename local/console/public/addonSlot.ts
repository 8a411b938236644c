/**
 * The add-on's slots in the console: a card stack (the Gmail sidebar, a Chat dialog) and the
 * handling of what the add-on returns, through the add-on backend mounted at
 * `/console/api/addon` (POST JSON → `{ response }` or `{ error: { message } }`).
 *
 * Understood responses (a `renderActions` wrapper is unwrapped first):
 * - a card (`{header, sections…}`), a `{card}` wrapper, or an array of cards → shown as the stack's root;
 * - `{action: {navigations[], notification, link|openLink}}` → pushCard / updateCard / popCard /
 *   popToRoot / endNavigation (closes the dialog), toast, new tab;
 * - Chat `{hostAppDataAction: {chatDataAction: {createMessageAction|updateMessageAction: {message}}}}`
 *   → handed to the Chat view to show;
 * - Sheets `{toast?, dialogHtml?, result?}` → toast and a sandboxed HTML dialog;
 * - Sheets `{ui: [...]}` (what SpreadsheetApp.getUi() showed) → toasts, alerts, HTML dialogs, and
 *   a prompt the script met with no answer yet (Ui.prompt blocks in Apps Script): shown with its
 *   text field and buttons, and answered by running the menu item again with the answer
 *   (hooks.onPromptAnswer; the shim replays answers in order, local/apps-script-shim).
 */
import { api } from './api.js';
import { renderCard, type CardActionEvent } from './cardRenderer.js';
import { ICONS, fill, h, icon } from './dom.js';
import { lang, t } from './i18n.js';
import { openUrl } from './links.js';
import { currentUser } from './session.js';
import { errorBox, errorText, openModal, toast } from './ui.js';

export type AddonHost = 'GMAIL' | 'CHAT' | 'SHEETS';
export type ChatContext = { space: string; dialog?: boolean; dialogEventType?: string; messageName?: string };

export type ResponseHooks = {
  /** The stack showing cards for this host (Gmail sidebar); without one, pushed cards open as a dialog. */
  stack?: CardStack;
  chat?: ChatContext;
  /** The opened e-mail, for Gmail actions (the add-on reads the message it was opened on). */
  gmail?: { messageId: string };
  onChatMessage?: (message: any, mode: 'create' | 'update') => void;
  /** Called when the add-on ends the dialog navigation. */
  onCloseDialog?: () => void;
  /** A Sheets menu item's prompt was answered: run the item again with this answer added. */
  onPromptAnswer?: (answer: { button: 'OK' | 'CANCEL' | 'CLOSE'; text: string }) => void;
};

/** Posts a card action to the add-on backend and applies its response. */
export async function runAddonAction(host: AddonHost, event: CardActionEvent, hooks: ResponseHooks): Promise<void> {
  try {
    const body: Record<string, unknown> = {
      user: currentUser().email,
      host,
      functionName: event.functionName,
      parameters: event.parameters,
      formInputs: event.formInputs,
      locale: lang(),
    };
    if (hooks.chat) body.chat = hooks.chat;
    if (hooks.gmail) body.messageId = hooks.gmail.messageId;
    const { response } = await api.post<{ response: unknown }>('/addon/action', body);
    applyAddonResponse(host, response, hooks);
  } catch (err) {
    toast(`${t('addon.failed')}: ${errorText(err)}`, 'error');
  }
}

export function applyAddonResponse(host: AddonHost, raw: any, hooks: ResponseHooks): void {
  let response = raw;
  if (response && typeof response === 'object' && 'renderActions' in response) response = response.renderActions;
  if (response === null || response === undefined) return;
  if (Array.isArray(response) || isCard(response) || (response.card && !response.action)) {
    const cards = Array.isArray(response) ? response : [response.card ?? response];
    if (hooks.stack) hooks.stack.setRoot(cards[0]);
    else openCardDialog(host, cards[0], hooks);
    return;
  }
  const chatAction = response.hostAppDataAction?.chatDataAction;
  if (chatAction) {
    if (chatAction.createMessageAction?.message) hooks.onChatMessage?.(chatAction.createMessageAction.message, 'create');
    if (chatAction.updateMessageAction?.message) hooks.onChatMessage?.(chatAction.updateMessageAction.message, 'update');
    // A dialog answered with a message is done: Chat posts the message and closes the dialog.
    if (hooks.chat?.dialog && !response.action?.navigations?.length) hooks.onCloseDialog?.();
  }
  const action = response.action;
  if (action) {
    for (const nav of Array.isArray(action.navigations) ? action.navigations : []) {
      if (nav.pushCard) {
        if (hooks.stack) hooks.stack.push(nav.pushCard);
        else openCardDialog(host, nav.pushCard, hooks);
      } else if (nav.updateCard) {
        if (hooks.stack) hooks.stack.update(nav.updateCard);
        else openCardDialog(host, nav.updateCard, hooks);
      } else if (nav.popCard) hooks.stack?.pop();
      else if (nav.popToRoot) hooks.stack?.popToRoot();
      else if (nav.endNavigation) hooks.onCloseDialog?.();
    }
    const text = action.notification?.text;
    if (text) toast(String(text));
    const url = action.link?.url ?? action.openLink?.url;
    if (url) window.open(String(url), '_blank', 'noopener');
  }
  if (Array.isArray(response.ui)) applySheetsUi(response.ui, hooks);
  if (response.toast) toast(String(response.toast));
  if (response.dialogHtml) openHtmlDialog('tasuki', String(response.dialogHtml));
}

/** What an Editor add-on showed through SpreadsheetApp.getUi(): toasts, alerts, HTML dialogs, prompts. */
function applySheetsUi(events: any[], hooks: ResponseHooks): void {
  for (const ui of events) {
    if (ui?.type === 'toast') toast(ui.title ? `${ui.title} — ${ui.message}` : String(ui.message));
    else if (ui?.type === 'alert') openAlert(String(ui.title ?? 'tasuki'), String(ui.message ?? ''));
    else if (ui?.type === 'dialog') openHtmlDialog(String(ui.title ?? 'tasuki'), String(ui.html ?? ''));
    // A prompt already answered (a replay) is not shown again; the first unanswered one is.
    else if (ui?.type === 'prompt' && ui.answered === 'CLOSE' && hooks.onPromptAnswer) return openPrompt(ui, hooks.onPromptAnswer);
  }
}

/** Ui.prompt: the title, the text, one text field, and OK (+ Cancel for OK_CANCEL). */
function openPrompt(ui: any, answer: NonNullable<ResponseHooks['onPromptAnswer']>): void {
  let answered = false;
  const modal = openModal({ title: String(ui.title || 'tasuki'), onClose: () => !answered && answer({ button: 'CLOSE', text: '' }) });
  modal.root.querySelector('.modal')?.classList.add('prompt-dialog');
  const input = h('input', { type: 'text', class: 'input prompt-input', 'aria-label': String(ui.title || 'tasuki') }) as HTMLInputElement;
  modal.body.appendChild(h('p', { style: 'white-space:pre-wrap;margin:0 0 8px' }, String(ui.message ?? '')));
  modal.body.appendChild(input);
  modal.foot.hidden = false;
  const done = (button: 'OK' | 'CANCEL') => {
    answered = true;
    const text = input.value;
    modal.close();
    answer({ button, text });
  };
  if (String(ui.buttons) === 'OK_CANCEL') modal.foot.appendChild(h('button', { class: 'btn', type: 'button', onclick: () => done('CANCEL') }, t('common.cancel')));
  modal.foot.appendChild(h('button', { class: 'btn primary', type: 'button', onclick: () => done('OK') }, 'OK'));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') done('OK');
  });
  input.focus();
}

function openAlert(title: string, message: string): void {
  const modal = openModal({ title });
  modal.body.appendChild(h('p', { style: 'white-space:pre-wrap;margin:0' }, message));
  modal.foot.hidden = false;
  const ok = h('button', { class: 'btn primary', type: 'button', onclick: () => modal.close() }, 'OK');
  modal.foot.appendChild(ok);
  ok.focus();
}

function isCard(v: any): boolean {
  return v && typeof v === 'object' && ('sections' in v || 'header' in v) && !('action' in v);
}

/** A card shown in a modal (Chat dialogs, or pushed cards without a sidebar). */
function openCardDialog(host: AddonHost, card: any, hooks: ResponseHooks): void {
  const title = card?.header?.title ? String(card.header.title).replace(/<[^>]+>/g, '') : t('addon.dialog');
  let modal: ReturnType<typeof openModal> | undefined;
  const stack = new CardStack(host, {
    chat: hooks.chat ? { ...hooks.chat, dialog: true, dialogEventType: 'SUBMIT_DIALOG' } : undefined,
    onChatMessage: hooks.onChatMessage,
    onCloseDialog: () => modal?.close(),
  });
  modal = openModal({ title });
  modal.root.querySelector('.modal')?.classList.add('card-dialog');
  modal.body.appendChild(stack.element);
  // The modal's title is the card's header; do not draw it twice.
  stack.setRoot(card && typeof card === 'object' ? { ...card, header: undefined } : card);
}

function openHtmlDialog(title: string, html: string): void {
  const modal = openModal({ title });
  // sandbox="" — the add-on's HTML is shown, never run with the console's origin.
  const frame = h('iframe', { sandbox: '', title: 'tasuki', srcdoc: html });
  modal.body.appendChild(frame);
}

/** A navigable stack of cards (root, pushed cards, back button), as in the Gmail sidebar. */
export class CardStack {
  readonly element: HTMLElement;
  private readonly cards: any[] = [];
  private readonly nav: HTMLElement;
  private readonly body: HTMLElement;

  constructor(
    private readonly host: AddonHost,
    private readonly opts: { chat?: ChatContext; gmail?: { messageId: string }; onChatMessage?: ResponseHooks['onChatMessage']; onCloseDialog?: () => void } = {},
  ) {
    this.nav = h('div', { class: 'card-stack-nav' });
    this.body = h('div', { class: 'card-stack-body', 'aria-live': 'polite' });
    this.element = h('div', { class: 'card-stack' }, this.nav, this.body);
  }

  setRoot(card: any): void {
    this.cards.length = 0;
    this.cards.push(card);
    this.render();
  }

  push(card: any): void {
    this.cards.push(card);
    this.render();
  }

  update(card: any): void {
    if (this.cards.length) this.cards[this.cards.length - 1] = card;
    else this.cards.push(card);
    this.render();
  }

  pop(): void {
    if (this.cards.length > 1) this.cards.pop();
    this.render();
  }

  popToRoot(): void {
    this.cards.splice(1);
    this.render();
  }

  showError(err: unknown): void {
    fill(this.body, errorBox(err));
  }

  private render(): void {
    const top = this.cards[this.cards.length - 1];
    fill(
      this.nav,
      this.cards.length > 1
        ? h('button', { class: 'btn ghost sm', type: 'button', onclick: () => this.pop() }, icon(ICONS.back), t('common.back'))
        : null,
    );
    this.nav.hidden = this.cards.length <= 1;
    if (!top) {
      fill(this.body);
      return;
    }
    const hooks: ResponseHooks = {
      stack: this.opts.chat?.dialog ? undefined : this,
      chat: this.opts.chat,
      gmail: this.opts.gmail,
      onChatMessage: this.opts.onChatMessage,
      onCloseDialog: this.opts.onCloseDialog,
    };
    if (this.opts.chat?.dialog) hooks.stack = this;
    fill(
      this.body,
      renderCard(top, {
        onAction: (event) => runAddonAction(this.host, event, hooks),
        onPushCard: (card) => this.push(card),
        onOpenLink: openUrl,
      }),
    );
  }
}
