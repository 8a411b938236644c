/**
 * How tasuki writes words and values for people: a small ICU MessageFormat subset for the
 * catalogue's patterns, and the value formats every surface shares (¥450,000, 2026年12月20日 /
 * Dec 20, 2026, times in the office's time zone, "3分前" / "3 min ago").
 *
 * Why not FormatJS' intl-messageformat: measured with the add-on's esbuild settings it is
 * 32.5 KiB minified on its own, and the add-on bundle (135.5 KiB before this catalogue) must stay
 * within 150 KiB for Apps Script. The subset here is what the catalogue uses:
 *   {name}                               the value (numbers with digit grouping)
 *   {name, number}                       a grouped number
 *   {name, plural, =0 {…} one {…} other {…}}   `#` inside a branch is the grouped number
 *   {name, select, a {…} other {…}}
 * Branches nest. A pattern that names a parameter the caller did not pass keeps `{name}` as is,
 * so a test can find it; nothing here throws on text.
 *
 * Intl is used where the runtime has it (Node, Apps Script's V8); every format also has a plain
 * fallback, so a runtime without Intl (or with a reduced ICU) still prints the same shapes.
 * Pure: no imports at run time, so the Apps Script bundle can use it.
 */
import type { Locale } from '../locale.js';

export type MessageParams = Record<string, string | number | undefined>;

const TAG: Record<Locale, string> = { ja: 'ja-JP', en: 'en-US' };

/** Groups digits: 450000 → "450,000" (both languages group by thousands with commas). */
export function formatNumber(n: number, _locale?: Locale): string {
  if (!Number.isFinite(n)) return String(n);
  try {
    return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(n);
  } catch {
    const [int, frac] = Math.abs(n).toFixed(2).replace(/\.?0+$/, '').split('.');
    return `${n < 0 ? '-' : ''}${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
  }
}

/** Whole yen: ¥450,000 (half-width ¥ in both languages, as invoices and ledgers print it). */
export function formatYen(n: number, locale?: Locale): string {
  return `${n < 0 ? '-' : ''}¥${formatNumber(Math.abs(Math.round(n)), locale)}`;
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar date (`2026-12-20`, or the date part of an ISO time): 2026年12月20日 / Dec 20, 2026. */
export function formatDate(isoDate: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return locale === 'ja' ? `${y}年${mo}月${d}日` : `${EN_MONTHS[mo - 1] ?? mo} ${d}, ${y}`;
}

/** A month (`2026-12`): 2026年12月 / Dec 2026. */
export function formatMonth(isoMonth: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})$/.exec(isoMonth);
  if (!m) return isoMonth;
  const month = Number(m[2]);
  return locale === 'ja' ? `${m[1]}年${month}月` : `${EN_MONTHS[month - 1] ?? month} ${m[1]}`;
}

type Parts = { y: number; mo: number; d: number; h: number; mi: number };

/** The wall-clock parts of an instant in `timeZone` (Intl; UTC+9 for Asia/Tokyo without it). */
function wallClock(at: Date, timeZone: string): Parts {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
    }).formatToParts(at);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour') % 24, mi: get('minute') };
  } catch {
    const offsetMin = timeZone === 'Asia/Tokyo' ? 540 : 0;
    const t = new Date(at.getTime() + offsetMin * 60_000);
    return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes() };
  }
}

/** An instant as a sheet cell shows it, in the office's time zone: `2026-12-20 14:05` (sorts, parses). */
export function formatSheetTime(iso: string, timeZone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const p = wallClock(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.y}-${two(p.mo)}-${two(p.d)} ${two(p.h)}:${two(p.mi)}`;
}

/** An instant in the office's time zone: 2026年12月20日 14:05 / Dec 20, 2026, 2:05 PM. */
export function formatDateTime(iso: string, locale: Locale, timeZone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const p = wallClock(at, timeZone);
  const mm = String(p.mi).padStart(2, '0');
  const date = formatDate(`${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`, locale);
  if (locale === 'ja') return `${date} ${p.h}:${mm}`;
  return `${date}, ${((p.h + 11) % 12) + 1}:${mm} ${p.h < 12 ? 'AM' : 'PM'}`;
}

function pluralCategory(n: number, locale: Locale): string {
  try {
    return new Intl.PluralRules(TAG[locale]).select(n);
  } catch {
    return locale === 'en' && n === 1 ? 'one' : 'other';
  }
}

/** Index of the `}` that closes the `{` at `open`. */
function closing(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++;
    else if (pattern[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `=0 {…} one {…} other {…}` → { '=0': '…', one: '…', other: '…' } */
function branches(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const open = body.indexOf('{', i);
    if (open < 0) break;
    const key = body.slice(i, open).trim();
    const end = closing(body, open);
    if (end < 0) break;
    out[key] = body.slice(open + 1, end);
    i = end + 1;
  }
  return out;
}

function formatArgument(inner: string, params: MessageParams, locale: Locale, pound: string | undefined): string {
  const comma = inner.indexOf(',');
  const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
  const value = params[name];
  if (comma < 0) {
    if (value === undefined) return `{${inner}}`;
    return typeof value === 'number' ? formatNumber(value, locale) : value;
  }
  const rest = inner.slice(comma + 1);
  const comma2 = rest.indexOf(',');
  const type = (comma2 < 0 ? rest : rest.slice(0, comma2)).trim();
  if (value === undefined) return `{${inner}}`;
  if (type === 'number') return formatNumber(Number(value), locale);
  const options = branches(comma2 < 0 ? '' : rest.slice(comma2 + 1));
  if (type === 'plural') {
    const n = Number(value);
    const chosen = options[`=${n}`] ?? options[pluralCategory(n, locale)] ?? options.other ?? '';
    return formatMessage(chosen, params, locale, formatNumber(n, locale));
  }
  if (type === 'select') return formatMessage(options[String(value)] ?? options.other ?? '', params, locale, pound);
  return `{${inner}}`;
}

/** Fills an ICU-subset pattern (see the file comment) with `params`. */
export function formatMessage(pattern: string, params: MessageParams, locale: Locale, pound?: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '{') {
      const end = closing(pattern, i);
      if (end < 0) return out + pattern.slice(i);
      out += formatArgument(pattern.slice(i + 1, end), params, locale, pound);
      i = end + 1;
    } else {
      out += c === '#' && pound !== undefined ? pound : c;
      i++;
    }
  }
  return out;
}
