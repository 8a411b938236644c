/**
 * Small DOM helpers for the console page: an element builder that never interprets strings as
 * HTML (all text goes in as text nodes, so sandbox data cannot inject markup), relative times,
 * and a keyed list patcher that updates rows in place so live updates do not make the page jump.
 */

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, unknown> & { class?: string; dataset?: Record<string, string>; style?: string };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = String(value);
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
      else if (key === 'value' && 'value' in el) (el as unknown as HTMLInputElement).value = String(value);
      else if (key === 'checked' && 'checked' in el) (el as unknown as HTMLInputElement).checked = Boolean(value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces an element's children with new ones. */
export function fill(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, children);
}

/** Inline SVG icon from path data (stroke icons, 24×24 viewBox). */
export function icon(paths: string, label?: string): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', label ? 'false' : 'true');
  if (label) svg.setAttribute('aria-label', label);
  for (const d of paths.split('|')) {
    const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    p.setAttribute('d', d);
    svg.appendChild(p);
  }
  return svg;
}

export const ICONS = {
  jobs: 'M4 6h16|M4 12h16|M4 18h10',
  chat: 'M4 5h16v11H9l-5 4z',
  drive: 'M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z',
  sheets: 'M4 4h16v16H4z|M4 10h16|M4 15h16|M10 4v16',
  gmail: 'M3 6h18v12H3z|M3 7l9 7 9-7',
  calendar: 'M4 6h16v14H4z|M4 10h16|M8 3v5|M16 3v5',
  faults: 'M12 3l9 16H3z|M12 10v4|M12 17v.01',
  schedules: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18|M12 7v5l3 3',
  accounting: 'M6 3h12v18H6z|M9 7h6|M9 11h6|M9 15h3',
  close: 'M6 6l12 12|M18 6L6 18',
  back: 'M15 5l-7 7 7 7',
  play: 'M7 5l12 7-12 7z',
};

/** "3 min ago" / "3分前", with the absolute time left for a title attribute. */
export function relativeTime(iso: string | undefined, locale: 'ja' | 'en', now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = Math.round((t - now) / 1000);
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  if (abs < 10) return locale === 'ja' ? 'たった今' : 'just now';
  if (abs < 60) return rtf.format(diff, 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), 'day');
  return absoluteTime(iso, locale);
}

/** Date and time in the browser's zone, or in `timeZone` (e.g. a schedule's, whose cron is read there). */
export function absoluteTime(iso: string | undefined, locale: 'ja' | 'en', timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) });
}

/** A <time> element whose text is relative and is refreshed by `refreshTimes`. */
export function timeEl(iso: string | undefined, locale: 'ja' | 'en'): HTMLTimeElement {
  const el = h('time', { datetime: iso ?? '', title: absoluteTime(iso, locale), dataset: { rel: '1' } }, relativeTime(iso, locale));
  return el;
}

export function refreshTimes(root: ParentNode, locale: 'ja' | 'en'): void {
  for (const el of Array.from(root.querySelectorAll<HTMLTimeElement>('time[data-rel]'))) {
    const next = relativeTime(el.dateTime || undefined, locale);
    if (el.textContent !== next) el.textContent = next;
  }
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function initials(name: string): string {
  const clean = name.replace(/<.*?>/g, '').trim();
  if (!clean) return '?';
  const parts = clean.split(/[\s@.]+/).filter(Boolean);
  if (/^[\x00-\x7F]/.test(clean) && parts.length > 1) return (parts[0]![0]! + parts[1]![0]!).toUpperCase();
  return Array.from(clean)[0]!.toUpperCase();
}

/**
 * Keeps `container`'s children in the order of `items`, keyed by `key`: new items are created,
 * items whose `version` changed are replaced in place, unchanged ones are left alone, gone
 * ones are removed. Focus and scroll survive because untouched nodes are never recreated.
 */
export function patchList<T>(
  container: Element,
  items: readonly T[],
  key: (item: T) => string,
  version: (item: T) => string,
  render: (item: T) => HTMLElement,
): void {
  const existing = new Map<string, HTMLElement>();
  for (const child of Array.from(container.children) as HTMLElement[]) {
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
    else child.remove();
  }
  let cursor: Element | null = container.firstElementChild;
  const keep = new Set<string>();
  for (const item of items) {
    const k = key(item);
    const v = version(item);
    keep.add(k);
    let node = existing.get(k);
    if (!node || node.dataset.version !== v) {
      const fresh = render(item);
      fresh.dataset.key = k;
      fresh.dataset.version = v;
      if (node) {
        if (node === cursor) cursor = fresh;
        node.replaceWith(fresh);
      }
      node = fresh;
    }
    if (node === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(node, cursor);
  }
  for (const [k, node] of existing) if (!keep.has(k)) node.remove();
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
