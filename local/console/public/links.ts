/**
 * Links inside the console. Job results and cards carry Google URLs (Drive folders, Docs,
 * Sheets); locally those resources live in the sandbox, so such links are turned into the
 * console's own views (#/drive?file=…). Hash routes: #/<view>?key=value.
 */

export type Route = { view: string; params: URLSearchParams };

export function parseRoute(hash = location.hash): Route {
  const clean = hash.replace(/^#\/?/, '');
  const [view = '', query = ''] = clean.split('?');
  return { view: view || 'jobs', params: new URLSearchParams(query) };
}

export function routeHref(view: string, params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params).toString();
  return `#/${view}${q ? `?${q}` : ''}`;
}

/** A console route for a Google Workspace URL, or null when it is not one we can show. */
export function consoleHrefFor(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url, location.href);
  } catch {
    return null;
  }
  const path = u.pathname;
  let m: RegExpMatchArray | null;
  if ((m = path.match(/\/drive\/(?:u\/\d+\/)?folders\/([^/?#]+)/))) return routeHref('drive', { folder: m[1]! });
  if ((m = path.match(/\/document\/d\/([^/?#]+)/))) return routeHref('drive', { file: m[1]! });
  if ((m = path.match(/\/spreadsheets\/d\/([^/?#]+)/))) return routeHref('sheets', { id: m[1]! });
  if ((m = path.match(/\/file\/d\/([^/?#]+)/))) return routeHref('drive', { file: m[1]! });
  if (u.hostname.endsWith('calendar.google.com')) return routeHref('calendar');
  if (u.hostname === 'chat.google.com' || u.hostname === 'mail.google.com') return u.hostname.startsWith('chat') ? routeHref('chat') : routeHref('gmail');
  return null;
}

/** An <a> for a result link: console route when possible, otherwise a new tab. */
export function linkProps(url: string): { href: string; target?: string; rel?: string } {
  const local = consoleHrefFor(url);
  return local ? { href: local } : { href: url, target: '_blank', rel: 'noopener' };
}

/** Opens a link from a card: console views in place, anything else in a new tab. */
export function openUrl(url: string): void {
  const local = consoleHrefFor(url);
  if (local) location.hash = local;
  else window.open(url, '_blank', 'noopener');
}
