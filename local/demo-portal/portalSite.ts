/**
 * The demo client order portal of the local stack ("ACME Corp. 発注ポータル"), also the portal
 * site the scraper tests run against: a login form with a CSRF hidden field, a session cookie,
 * and a paginated order list (`/orders?page=N`, `pageSize` per page, a "次へ" link while more
 * pages remain). `/redirect?to=URL` answers 302 to any URL, to test the scraper's redirect guard;
 * `/status/NNN` answers that status.
 * Orders can be added while it runs (`site.orders.push`), as new requests arrive on a real portal.
 *
 * `npm start` runs it seeded with DEMO_PORTAL_ORDERS (two pages) on a free loopback port, and
 * configures the service with demoPortalConfig(url) and DEMO_PORTAL_CREDENTIALS, so `portal.scrape`
 * {"portal":"acme"} works from the console. It listens on 127.0.0.1 only: reaching it needs the
 * local-only TASUKI_PORTAL_ALLOW_LOOPBACK (or the scraper's explicit test option).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PortalConfig } from '../../service/config.js';

export type PortalOrder = { id: string; client: string; title: string; due: string; amount: number };

export type PortalSite = {
  url: string;
  port: number;
  orders: PortalOrder[];
  /** Requests served, by path (for asserting what the scraper fetched). */
  hits: string[];
  close(): Promise<void>;
};

/** The demo login; the site's default when a test gives none. */
export const DEMO_PORTAL_CREDENTIALS = { user: 'office', password: 'secret-pass' } as const;

/** The portal id the local stack configures (TASUKI_PORTALS entry, TASUKI_PORTAL_ACME_* credentials). */
export const DEMO_PORTAL_ID = 'acme';

/** What the demo portal shows when the local stack starts: five open orders, two pages of three. */
export const DEMO_PORTAL_PAGE_SIZE = 3;
export const DEMO_PORTAL_ORDERS: readonly PortalOrder[] = [
  { id: 'ORD-20261125-01', client: '株式会社アクメ', title: '年末セール 店頭ポスター B1 × 2種', due: '2026/12/18', amount: 240_000 },
  { id: 'ORD-20261125-02', client: '株式会社アクメ', title: '新店舗 看板デザイン（袖看板・ファサード）', due: '2027/01/15', amount: 450_000 },
  { id: 'ORD-20261126-03', client: '株式会社アクメ', title: '初売りキャンペーン Webバナー 5サイズ', due: '2026/12/25', amount: 60_000 },
  { id: 'ORD-20261126-04', client: '株式会社アクメ', title: '商品カタログ 2027 表紙デザイン', due: '2027/01/29', amount: 150_000 },
  { id: 'ORD-20261127-05', client: '株式会社アクメ', title: '展示会 ロールアップバナー', due: '2027/02/10', amount: 98_000 },
];

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export async function startPortalSite(opts: { user?: string; password?: string; pageSize?: number; orders?: readonly PortalOrder[] } = {}): Promise<PortalSite> {
  const user = opts.user ?? DEMO_PORTAL_CREDENTIALS.user;
  const password = opts.password ?? DEMO_PORTAL_CREDENTIALS.password;
  const pageSize = opts.pageSize ?? 3;
  const orders: PortalOrder[] = [...(opts.orders ?? [])];
  const sessions = new Set<string>();
  const csrfTokens = new Set<string>();
  const hits: string[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal.test');
    hits.push(url.pathname + url.search);
    const cookie = /(?:^|;\s*)sid=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
    const loggedIn = cookie !== undefined && sessions.has(cookie);
    const html = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(`<!doctype html><html><body>${body}</body></html>`);
    };
    const loginForm = (message = '') => {
      const csrf = randomBytes(8).toString('hex');
      csrfTokens.add(csrf);
      return `<h1>ログイン</h1><p class="msg">${message}</p><form method="post" action="/login">
        <input type="hidden" name="csrf" value="${csrf}"><input name="loginId"><input type="password" name="pw"><button>Login</button></form>`;
    };
    if (url.pathname === '/login' && req.method === 'GET') return html(200, loginForm());
    if (url.pathname === '/login' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const csrf = form.get('csrf') ?? '';
        if (!csrfTokens.delete(csrf)) return html(403, loginForm('CSRF token missing'));
        if (form.get('loginId') !== user || form.get('pw') !== password) return html(200, loginForm('IDまたはパスワードが違います'));
        const sid = randomBytes(12).toString('hex');
        sessions.add(sid);
        res.writeHead(302, { location: '/orders', 'set-cookie': `sid=${sid}; Path=/; HttpOnly` });
        res.end();
      });
      return;
    }
    if (url.pathname === '/orders') {
      if (!loggedIn) {
        res.writeHead(302, { location: '/login' });
        return res.end();
      }
      const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
      const slice = orders.slice((page - 1) * pageSize, page * pageSize);
      const rows = slice
        .map(
          (o) => `<tr class="order" data-id="${escape(o.id)}"><td class="no">${escape(o.id)}</td><td class="client">${escape(o.client)}</td>
          <td class="title"><a href="/orders/${escape(o.id)}">${escape(o.title)}</a></td><td class="due">${escape(o.due)}</td><td class="amount">${o.amount}</td></tr>`,
        )
        .join('');
      const more = page * pageSize < orders.length ? `<a class="next" href="/orders?page=${page + 1}">次へ</a>` : '';
      return html(200, `<h1>発注一覧</h1><table>${rows}</table>${more}`);
    }
    const status = /^\/status\/(\d{3})$/.exec(url.pathname);
    if (status) return html(Number(status[1]), 'status', { 'retry-after': '7' });
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
      return res.end();
    }
    html(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    orders,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The TASUKI_PORTALS entry that reads this site, whose base URL is `url` (e.g. http://127.0.0.1:PORT). */
export function demoPortalConfig(url: string, id = DEMO_PORTAL_ID): PortalConfig {
  const base = url.replace(/\/+$/, '');
  return {
    id,
    name: 'ACME Corp. 発注ポータル',
    url: `${base}/orders`,
    allowedHosts: [new URL(base).hostname],
    login: { url: `${base}/login`, userField: 'loginId', passwordField: 'pw' },
    selectors: {
      order: 'tr.order',
      fields: { orderId: '@data-id', client: 'td.client', title: 'td.title', due: 'td.due', amount: 'td.amount' },
      nextPage: 'a.next',
    },
    dedupeField: 'orderId',
    maxPages: 10,
  };
}
