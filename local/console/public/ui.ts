/**
 * Shared pieces of the console's interface: toasts, the right-hand drawer, modal dialogs (with
 * focus kept inside and Escape to close), empty states that say what to do, and error boxes.
 */
import { ApiCallError } from './api.js';
import { ICONS, h, icon } from './dom.js';
import { t } from './i18n.js';

let toastHost: HTMLElement | undefined;

export function toast(text: string, kind: 'info' | 'error' = 'info'): void {
  if (!toastHost) {
    toastHost = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(toastHost);
  }
  const el = h('div', { class: `toast${kind === 'error' ? ' error' : ''}` }, text);
  toastHost.appendChild(el);
  setTimeout(() => el.remove(), kind === 'error' ? 7000 : 4000);
}

export function errorText(err: unknown): string {
  if (err instanceof ApiCallError) return err.status === 0 ? t('error.network') : err.message;
  return err instanceof Error ? err.message : String(err);
}

export function errorBox(err: unknown): HTMLElement {
  const issues = err instanceof ApiCallError ? err.issues : undefined;
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    err instanceof ApiCallError && err.code ? h('div', { class: 'code' }, err.code) : null,
    h('div', null, errorText(err)),
    issues?.length ? h('ul', null, issues.map((i) => h('li', null, h('code', null, i.path), ' — ', i.message))) : null,
  );
}

export function emptyState(title: string, body: string, art = '⌁', action?: HTMLElement): HTMLElement {
  return h('div', { class: 'empty' }, h('div', { class: 'art', 'aria-hidden': 'true' }, art), h('h3', null, title), h('p', null, body), action ?? null);
}

export function loading(): HTMLElement {
  return h('div', { class: 'empty', 'aria-busy': 'true' }, h('span', { class: 'spinner' }), h('p', null, t('common.loading')));
}

export function closeButton(onClose: () => void): HTMLButtonElement {
  return h('button', { class: 'icon-btn', type: 'button', 'aria-label': t('common.close'), title: t('common.close'), onclick: onClose }, icon(ICONS.close));
}

type Overlay = { close: () => void; body: HTMLElement; head: HTMLElement; foot: HTMLElement; root: HTMLElement };

let openDrawerState: Overlay | undefined;

/** Opens the right-hand drawer (one at a time); returns handles to fill it. */
export function openDrawer(opts: { label: string; onClose?: () => void }): Overlay {
  openDrawerState?.close();
  const backdrop = h('div', { class: 'drawer-backdrop' });
  const head = h('div', { class: 'drawer-head' });
  const body = h('div', { class: 'drawer-body' });
  const foot = h('div', { class: 'drawer-foot' });
  const root = h('aside', { class: 'drawer', role: 'dialog', 'aria-label': opts.label, tabindex: '-1' }, head, body, foot);
  const previous = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !document.querySelector('.modal-backdrop')) close();
  };
  function close() {
    if (!root.isConnected) return;
    backdrop.remove();
    root.remove();
    document.removeEventListener('keydown', onKey);
    openDrawerState = undefined;
    opts.onClose?.();
    previous?.focus?.();
  }
  backdrop.addEventListener('click', close);
  document.addEventListener('keydown', onKey);
  document.body.append(backdrop, root);
  root.focus();
  openDrawerState = { close, body, head, foot, root };
  return openDrawerState;
}

export function closeDrawer(): void {
  openDrawerState?.close();
}

/** A modal dialog; Tab stays inside, Escape and the backdrop close it. */
export function openModal(opts: { title: string; onClose?: () => void }): Overlay {
  const head = h('div', { class: 'modal-head' }, h('h2', null, opts.title));
  const body = h('div', { class: 'modal-body' });
  const foot = h('div', { class: 'drawer-foot' });
  foot.hidden = true;
  const root = h('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-label': opts.title, tabindex: '-1' }, head, body, foot);
  const backdrop = h('div', { class: 'modal-backdrop' }, root);
  const previous = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
    if (e.key === 'Tab') {
      const focusable = Array.from(root.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')).filter((el) => !el.hasAttribute('disabled'));
      if (!focusable.length) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  function close() {
    if (!backdrop.isConnected) return;
    backdrop.remove();
    document.removeEventListener('keydown', onKey, true);
    opts.onClose?.();
    previous?.focus?.();
  }
  head.appendChild(closeButton(close));
  backdrop.addEventListener('click', (e) => {
    if (e.target === backdrop) close();
  });
  document.addEventListener('keydown', onKey, true);
  document.body.appendChild(backdrop);
  root.focus();
  return { close, body, head, foot, root: backdrop };
}

/** Placeholder for an add-on slot while the add-on's backend is not mounted. */
export function addonMissing(what: string): HTMLElement {
  return emptyState(t('addon.missing.title'), t('addon.missing.body', { what }), '⧉');
}
