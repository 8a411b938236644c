/**
 * Renders Google Workspace Card v2 JSON (GoogleAppsCardV1Card, as in Chat's `cardsV2[].card`
 * and add-on responses) as DOM, close to how Chat and the Gmail sidebar draw it, and Chat's
 * message text formatting (local/sandbox/chatFormatting.ts: mentions, links, *bold* and the rest).
 * Card header titles and subtitles are plain text, as in Chat; the HTML subset applies to section
 * headers, textParagraph and decoratedText.
 *
 * Safety: card text is data from the sandbox and the add-on. The HTML subset Chat allows in
 * textParagraph/decoratedText (b, i, u, s, font color, a href, br, ul/ol/li…) is parsed with
 * DOMParser (which runs nothing) and rebuilt from an allow-list; every other tag becomes its text,
 * and links keep only http(s)/mailto hrefs.
 *
 * Interaction: a button or clickable widget with `onClick.action` calls `handlers.onAction` with
 * the function name, its parameters as a map, and the card's current form inputs (each input's
 * values as strings; date/time pickers give milliseconds since the epoch, as Google's event
 * objects do). `onClick.openLink` opens a new tab; `onClick.card` asks the host to push that card.
 * Unknown widgets render as a small labelled placeholder rather than disappearing.
 */
import { parseChatText } from '../../sandbox/chatFormatting.js';
import { h } from './dom.js';

export type CardActionEvent = {
  functionName: string;
  parameters: Record<string, string>;
  formInputs: Record<string, string[]>;
  interaction?: string;
};

export type CardHandlers = {
  onAction?: (event: CardActionEvent, source: HTMLElement) => Promise<unknown> | unknown;
  onOpenLink?: (url: string) => void;
  onPushCard?: (card: any) => void;
};

type Json = any;

/** One Card v2 card (or a `{cardId, card}` wrapper) → an element with class `gcard`. */
export function renderCard(input: Json, handlers: CardHandlers = {}): HTMLElement {
  const card = input && typeof input === 'object' && 'card' in input && !('sections' in input) ? input.card : input;
  const root = h('div', { class: 'gcard', role: 'group' });
  if (card?.name) root.dataset.cardName = String(card.name);
  const ctx: Ctx = { root, handlers };
  if (card?.header) root.appendChild(renderHeader(card.header));
  for (const section of asArray(card?.sections)) root.appendChild(renderSection(section, ctx));
  if (card?.fixedFooter) {
    const footer = h('div', { class: 'gcard-footer' });
    if (card.fixedFooter.secondaryButton) footer.appendChild(renderButton(card.fixedFooter.secondaryButton, ctx));
    if (card.fixedFooter.primaryButton) footer.appendChild(renderButton({ type: 'FILLED', ...card.fixedFooter.primaryButton }, ctx, true));
    root.appendChild(footer);
  }
  return root;
}

/** The card's current form inputs, as Google sends them to the add-on (name → string values). */
export function collectFormInputs(root: ParentNode): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (name: string, value: string) => (out[name] ??= []).push(value);
  for (const el of Array.from(root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('[data-form-name]'))) {
    const name = el.dataset.formName!;
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
      if (el.checked) add(name, el.value);
      else out[name] ??= [];
    } else if (el instanceof HTMLSelectElement && el.multiple) {
      out[name] ??= [];
      for (const opt of Array.from(el.selectedOptions)) add(name, opt.value);
    } else if (el instanceof HTMLInputElement && el.dataset.picker) {
      if (el.value) add(name, String(pickerMs(el.dataset.picker, el.value)));
      else out[name] ??= [];
    } else {
      add(name, el.value);
    }
  }
  return out;
}

type Ctx = { root: HTMLElement; handlers: CardHandlers };

function asArray(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

function renderHeader(header: Json): HTMLElement {
  const circle = header.imageType === 'CIRCLE';
  return h(
    'div',
    { class: 'gcard-header' },
    header.imageUrl ? image(header.imageUrl, header.imageAltText ?? '', circle ? 'circle' : '') : null,
    h('div', null, h('div', { class: 'gcard-title' }, String(header.title ?? '')), header.subtitle ? h('div', { class: 'gcard-subtitle' }, String(header.subtitle)) : null),
  );
}

function renderSection(section: Json, ctx: Ctx): HTMLElement {
  const el = h('div', { class: 'gcard-section' });
  if (section.header) el.appendChild(h('div', { class: 'gcard-section-header' }, richText(section.header)));
  const widgets = asArray(section.widgets);
  const visible = section.collapsible ? Math.max(0, Number(section.uncollapsibleWidgetsCount ?? 0)) : widgets.length;
  const hidden: HTMLElement[] = [];
  widgets.forEach((w, i) => {
    const node = renderWidget(w, ctx);
    if (i >= visible) {
      node.hidden = true;
      hidden.push(node);
    }
    el.appendChild(node);
  });
  if (hidden.length) {
    const more = h('button', { class: 'gcard-more', type: 'button', 'aria-expanded': 'false' }, '▾ More');
    more.addEventListener('click', () => {
      const open = more.getAttribute('aria-expanded') !== 'true';
      for (const n of hidden) n.hidden = !open;
      more.setAttribute('aria-expanded', String(open));
      more.textContent = open ? '▴ Less' : '▾ More';
    });
    el.appendChild(more);
  }
  return el;
}

function renderWidget(w: Json, ctx: Ctx): HTMLElement {
  const wrap = h('div', { class: 'gcard-widget' });
  if (w.textParagraph) wrap.appendChild(h('div', { class: 'gcard-text' }, richText(w.textParagraph.text ?? '')));
  else if (w.decoratedText) wrap.appendChild(renderDecoratedText(w.decoratedText, ctx));
  else if (w.buttonList) wrap.appendChild(h('div', { class: 'gcard-buttons' }, asArray(w.buttonList.buttons).map((b) => renderButton(b, ctx))));
  else if (w.image) {
    const img = image(w.image.imageUrl, w.image.altText ?? '', 'gcard-image');
    wrap.appendChild(clickable(img, w.image.onClick, ctx));
  } else if (w.divider !== undefined) wrap.appendChild(h('hr', { class: 'gcard-divider' }));
  else if (w.grid) wrap.appendChild(renderGrid(w.grid, ctx));
  else if (w.columns) {
    wrap.appendChild(
      h(
        'div',
        { class: 'gcard-columns' },
        asArray(w.columns.columnItems).map((col) => h('div', null, asArray(col.widgets).map((cw) => renderWidget(cw, ctx)))),
      ),
    );
  } else if (w.textInput) wrap.appendChild(renderTextInput(w.textInput));
  else if (w.selectionInput) wrap.appendChild(renderSelection(w.selectionInput));
  else if (w.dateTimePicker) wrap.appendChild(renderPicker(w.dateTimePicker));
  else if (w.chipList) {
    wrap.appendChild(
      h(
        'div',
        { class: 'gcard-chips' },
        asArray(w.chipList.chips).map((chip) => {
          const b = h('button', { class: 'gcard-chip', type: 'button', disabled: chip.disabled ? true : undefined }, chip.icon ? iconEl(chip.icon) : null, chip.label ?? '');
          wire(b, chip.onClick, ctx);
          return b;
        }),
      ),
    );
  } else {
    const kind = Object.keys(w).filter((k) => k !== 'horizontalAlignment')[0] ?? 'widget';
    wrap.appendChild(h('div', { class: 'gcard-unknown' }, `[${kind}]`));
  }
  return wrap;
}

function renderDecoratedText(d: Json, ctx: Ctx): HTMLElement {
  const ic = d.startIcon ?? d.icon;
  const body = h(
    'div',
    { style: d.wrapText === false ? 'white-space:nowrap;overflow:hidden;text-overflow:ellipsis' : undefined },
    d.topLabel ? h('div', { class: 'top' }, richText(d.topLabel)) : null,
    h('div', { class: 'gcard-text' }, richText(d.text ?? '')),
    d.bottomLabel ? h('div', { class: 'bottom' }, richText(d.bottomLabel)) : null,
  );
  let end: HTMLElement | null = null;
  if (d.button) end = renderButton(d.button, ctx);
  else if (d.switchControl) {
    const sc = d.switchControl;
    end = h('input', { type: 'checkbox', role: sc.controlType === 'CHECKBOX' ? undefined : 'switch', value: sc.value ?? 'on', checked: sc.selected ? true : undefined, dataset: sc.name ? { formName: sc.name } : undefined });
    if (sc.onChangeAction) end.addEventListener('change', () => void runAction(sc.onChangeAction, end!, ctx));
  } else if (d.endIcon) end = iconEl(d.endIcon);
  const row = h('div', { class: `gcard-dt${ic ? '' : ' no-icon'}` }, ic ? iconEl(ic) : null, body, end ?? h('span'));
  if (d.onClick) {
    row.classList.add('clickable');
    wire(row, d.onClick, ctx);
  }
  return row;
}

function renderButton(b: Json, ctx: Ctx, forceFilled?: boolean): HTMLElement {
  const filled = forceFilled || b.type === 'FILLED' || b.type === 'FILLED_TONAL' || (b.type === undefined && b.color !== undefined);
  const cls = ['gbtn', filled ? 'filled' : '', b.type === 'BORDERLESS' ? 'borderless' : ''].filter(Boolean).join(' ');
  const style = b.color && filled ? `background:${rgb(b.color)};border-color:${rgb(b.color)}` : undefined;
  const btn = h('button', { class: cls, type: 'button', style, disabled: b.disabled ? true : undefined, title: b.altText || undefined }, b.icon ? iconEl(b.icon) : null, b.text ?? b.altText ?? '');
  wire(btn, b.onClick, ctx);
  return btn;
}

function renderGrid(g: Json, ctx: Ctx): HTMLElement {
  const cols = Math.max(1, Math.min(6, Number(g.columnCount ?? 2)));
  const wrap = h('div', null, g.title ? h('div', { class: 'gcard-section-header' }, g.title) : null);
  const grid = h('div', { class: 'gcard-grid', style: `grid-template-columns:repeat(${cols},minmax(0,1fr))` });
  for (const item of asArray(g.items)) {
    const cell = h(
      'div',
      { class: 'gcard-grid-item' },
      item.image?.imageUri ? image(item.image.imageUri, item.image.altText ?? '', 'gcard-image') : null,
      item.title ? h('div', { class: 't' }, item.title) : null,
      item.subtitle ? h('div', { class: 's' }, item.subtitle) : null,
    );
    if (g.onClick) {
      cell.style.cursor = 'pointer';
      const onClick = g.onClick.action
        ? { action: { ...g.onClick.action, parameters: [...asArray(g.onClick.action.parameters), { key: 'gridItemId', value: String(item.id ?? '') }] } }
        : g.onClick;
      wire(cell, onClick, ctx);
    }
    grid.appendChild(cell);
  }
  wrap.appendChild(grid);
  return wrap;
}

function renderTextInput(ti: Json): HTMLElement {
  const id = uid();
  const multi = ti.type === 'MULTIPLE_LINE';
  const field = multi
    ? h('textarea', { id, rows: 4, dataset: { formName: ti.name ?? '' }, placeholder: ti.placeholderText ?? undefined })
    : h('input', { id, type: 'text', dataset: { formName: ti.name ?? '' }, placeholder: ti.placeholderText ?? undefined });
  field.value = ti.value ?? '';
  return h('div', { class: 'gcard-input' }, ti.label ? h('label', { for: id }, ti.label) : null, field, ti.hintText ? h('div', { class: 'hint' }, ti.hintText) : null);
}

function renderSelection(si: Json): HTMLElement {
  const name = si.name ?? '';
  const items = asArray(si.items);
  const label = si.label ? h('div', { class: 'lbl' }, si.label) : null;
  if (si.type === 'DROPDOWN' || si.type === 'MULTI_SELECT') {
    const id = uid();
    const select = h('select', { id, multiple: si.type === 'MULTI_SELECT' ? true : undefined, dataset: { formName: name } }, items.map((it) => h('option', { value: it.value ?? '', selected: it.selected ? true : undefined }, it.text ?? it.value ?? '')));
    return h('div', { class: 'gcard-input' }, si.label ? h('label', { for: id }, si.label) : null, select);
  }
  const type = si.type === 'RADIO_BUTTON' ? 'radio' : 'checkbox';
  const group = uid();
  return h(
    'div',
    { class: 'gcard-input', role: type === 'radio' ? 'radiogroup' : 'group' },
    label,
    h(
      'div',
      { class: 'gcard-choices' },
      items.map((it) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type, name: type === 'radio' ? group : undefined, role: si.type === 'SWITCH' ? 'switch' : undefined, value: it.value ?? '', checked: it.selected ? true : undefined, dataset: { formName: name } }),
          it.text ?? it.value ?? '',
        ),
      ),
    ),
  );
}

function renderPicker(p: Json): HTMLElement {
  const id = uid();
  const kind = p.type === 'DATE_ONLY' ? 'date' : p.type === 'TIME_ONLY' ? 'time' : 'datetime-local';
  const input = h('input', { id, type: kind, dataset: { formName: p.name ?? '', picker: kind } });
  if (p.valueMsEpoch !== undefined) input.value = pickerValue(kind, Number(p.valueMsEpoch));
  return h('div', { class: 'gcard-input' }, p.label ? h('label', { for: id }, p.label) : null, input);
}

function pickerValue(kind: string, ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  if (kind === 'date') return iso.slice(0, 10);
  if (kind === 'time') return iso.slice(11, 16);
  return iso.slice(0, 16);
}

function pickerMs(kind: string, value: string): number {
  if (kind === 'date') return Date.parse(`${value}T00:00:00Z`);
  if (kind === 'time') {
    const [hh, mm] = value.split(':').map(Number);
    return ((hh ?? 0) * 60 + (mm ?? 0)) * 60_000;
  }
  return Date.parse(`${value}:00Z`);
}

function clickable(el: HTMLElement, onClick: Json, ctx: Ctx): HTMLElement {
  if (!onClick) return el;
  el.style.cursor = 'pointer';
  wire(el, onClick, ctx);
  return el;
}

/** Connects an element to a Card v2 OnClick (action, openLink, card). */
function wire(el: HTMLElement, onClick: Json, ctx: Ctx): void {
  if (!onClick) return;
  if (!(el instanceof HTMLButtonElement)) {
    el.tabIndex = 0;
    el.setAttribute('role', 'button');
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        el.click();
      }
    });
  }
  el.addEventListener('click', (e) => {
    e.stopPropagation();
    if (onClick.openLink?.url) openLink(onClick.openLink.url, ctx);
    else if (onClick.action) void runAction(onClick.action, el, ctx);
    else if (onClick.openDynamicLinkAction) void runAction(onClick.openDynamicLinkAction, el, ctx);
    else if (onClick.card) ctx.handlers.onPushCard?.(onClick.card);
  });
}

function openLink(url: string, ctx: Ctx): void {
  if (ctx.handlers.onOpenLink) ctx.handlers.onOpenLink(url);
  else window.open(url, '_blank', 'noopener');
}

async function runAction(action: Json, source: HTMLElement, ctx: Ctx): Promise<void> {
  if (!ctx.handlers.onAction) return;
  const parameters: Record<string, string> = {};
  for (const p of asArray(action.parameters)) if (p && typeof p.key === 'string') parameters[p.key] = String(p.value ?? '');
  const event: CardActionEvent = { functionName: String(action.function ?? ''), parameters, formInputs: collectFormInputs(ctx.root) };
  if (action.interaction) event.interaction = String(action.interaction);
  source.classList.add('busy');
  source.setAttribute('aria-busy', 'true');
  try {
    await ctx.handlers.onAction(event, source);
  } finally {
    source.classList.remove('busy');
    source.removeAttribute('aria-busy');
  }
}

const GLYPHS: Record<string, string> = {
  EMAIL: '✉', PERSON: '●', MULTIPLE_PEOPLE: '⚇', CLOCK: '◷', EVENT_SEAT: '▣', DESCRIPTION: '≡', DOLLAR: '¥',
  STAR: '★', BOOKMARK: '▮', PHONE: '☎', MAP_PIN: '⌖', HOTEL: '⌂', INVITE: '✉', OFFER: '%', STORE: '⌂',
  TICKET: '▭', VIDEO_CAMERA: '▶', VIDEO_PLAY: '▶', CONFIRMATION_NUMBER_ICON: '#', FLIGHT_ARRIVAL: '✈', FLIGHT_DEPARTURE: '✈',
  AIRPLANE: '✈', BUS: '▭', CAR: '▭', TRAIN: '▭', MEMBERSHIP: '▭', RESTAURANT_ICON: '◍',
  check: '✓', check_circle: '✓', done: '✓', error: '!', warning: '!', info: 'i', folder: '▤', description: '≡',
  schedule: '◷', event: '▦', calendar_month: '▦', mail: '✉', person: '●', refresh: '↻', replay: '↻', cancel: '✕',
  close: '✕', open_in_new: '↗', link: '↗', receipt: '¥', receipt_long: '¥', payments: '¥', search: '⌕', sync: '↻',
  progress_activity: '◌', pending: '…', hourglass_empty: '⧗', add: '+', play_arrow: '▶', table_chart: '▦', summarize: 'Σ',
  attach_file: '⎘', work: '▣', business: '▣', task_alt: '✓', download: '↓', picture_as_pdf: 'P',
  stop_circle: '■', stop: '■', block: '⊘', autorenew: '↻', hourglass_top: '⧗', cancel_schedule_send: '✕', edit: '✎',
  delete: '✕', folder_open: '▤', article: '≡', send: '➤', help: '?', list: '≡', bar_chart: '▥', storefront: '⌂',
};

function iconEl(ic: Json): HTMLElement {
  if (ic.iconUrl) {
    const img = image(ic.iconUrl, ic.altText ?? '', 'gicon');
    return img;
  }
  const name = ic.knownIcon ?? ic.materialIcon?.name ?? '';
  return h('span', { class: 'gicon', 'aria-hidden': ic.altText ? undefined : 'true', title: ic.altText ?? name }, GLYPHS[name] ?? '•');
}

/** An <img> that turns into a labelled box when the URL cannot load (no network locally). */
function image(url: string, alt: string, cls: string): HTMLElement {
  const img = h('img', { src: safeUrl(url, true) ?? '', alt, class: cls, loading: 'lazy' });
  img.addEventListener('error', () => {
    const fallback = h('div', { class: `img-fallback ${cls}`, role: 'img', 'aria-label': alt || 'image', title: url }, alt || '🖼');
    img.replaceWith(fallback);
  });
  return img;
}

function rgb(c: Json): string {
  const to255 = (x: unknown) => Math.round(Math.max(0, Math.min(1, Number(x ?? 0))) * 255);
  return `rgb(${to255(c.red)},${to255(c.green)},${to255(c.blue)})`;
}

function safeUrl(url: string, allowData = false): string | null {
  try {
    const u = new URL(url, location.href);
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:') return u.href;
    if (allowData && u.protocol === 'data:' && /^data:image\//.test(url)) return url;
  } catch {
    // fall through
  }
  return null;
}

let uidCounter = 0;
function uid(): string {
  uidCounter += 1;
  return `gc-${uidCounter}`;
}

const ALLOWED = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'S', 'STRIKE', 'DEL', 'BR', 'A', 'FONT', 'UL', 'OL', 'LI', 'P', 'CODE', 'PRE', 'SPAN', 'DIV', 'H1', 'H2', 'H3', 'TIME']);

/** Elements whose content is code or metadata, never text to show. */
const DROPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'NOSCRIPT', 'TITLE', 'HEAD', 'SVG', 'MATH']);

/** Chat's card HTML subset → safe DOM. */
export function richText(html: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const doc = new DOMParser().parseFromString(`<body>${String(html)}</body>`, 'text/html');
  for (const node of Array.from(doc.body.childNodes)) copySafe(node, frag);
  return frag;
}

function copySafe(node: Node, into: Node): void {
  if (node.nodeType === Node.TEXT_NODE) {
    into.appendChild(document.createTextNode(node.textContent ?? ''));
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const src = node as Element;
  if (DROPPED.has(src.tagName)) return;
  if (!ALLOWED.has(src.tagName)) {
    for (const child of Array.from(src.childNodes)) copySafe(child, into);
    return;
  }
  let out: HTMLElement;
  if (src.tagName === 'A') {
    const href = safeUrl(src.getAttribute('href') ?? '');
    out = href ? h('a', { href, target: '_blank', rel: 'noopener' }) : h('span');
  } else if (src.tagName === 'FONT') {
    const color = src.getAttribute('color') ?? '';
    out = h('span', { style: /^#[0-9a-f]{3,8}$|^[a-z]+$/i.test(color) ? `color:${color}` : undefined });
  } else {
    out = document.createElement(src.tagName.toLowerCase());
  }
  for (const child of Array.from(src.childNodes)) copySafe(child, out);
  into.appendChild(out);
}

const TOKEN_TAGS = { pre: 'pre', code: 'code', mention: 'b', bold: 'b', italic: 'i', strike: 's' } as const;

/** Chat message text (`message.text`) → safe DOM, by the sandbox's model of Chat's formatting. */
export function chatText(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const token of parseChatText(text)) {
    if (token.kind === 'text') frag.appendChild(document.createTextNode(token.text));
    else if (token.kind === 'link') frag.appendChild(h('a', { href: safeUrl(token.href) ?? '#', target: '_blank', rel: 'noopener' }, token.text));
    else if (token.kind === 'block') frag.appendChild(document.createTextNode(token.block === 'bullet' ? '• ' : token.block === 'quote' ? '▎' : ''));
    else frag.appendChild(h(TOKEN_TAGS[token.kind], token.kind === 'mention' ? { class: 'mention' } : null, token.text));
  }
  return frag;
}
