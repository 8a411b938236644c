/**
 * Reads a client's order portal as configured in TASUKI_PORTALS: optional form login (the login
 * page's hidden fields, e.g. a CSRF token, are posted back with the credentials), then the order
 * list page by page (selectors.nextPage, at most maxPages), each order's fields picked with
 * cheerio selectors. A field selector is `css` (the element's text) or `css@attr` (an attribute);
 * an empty css means the order element itself. Read-only: it never submits anything but the login.
 */
import * as cheerio from 'cheerio';
import type { PortalConfig } from '../config.js';
import { JobFailure } from '../jobFailure.js';
import { checkUrl, CookieJar, guardedRequest, type HttpPolicy } from './guardedHttp.js';

export type ScrapedOrder = { key: string; fields: Record<string, string> };
export type Credentials = { user: string; password: string };

/** TASUKI_PORTAL_<ID>_USER / _PASSWORD, with the id upper-cased and '-' as '_'. */
export function credentialVariables(portalId: string): { user: string; password: string } {
  const id = portalId.toUpperCase().replace(/-/g, '_');
  return { user: `TASUKI_PORTAL_${id}_USER`, password: `TASUKI_PORTAL_${id}_PASSWORD` };
}

export function credentialsFromEnv(portalId: string, env: Record<string, string | undefined> = process.env): Credentials | null {
  const vars = credentialVariables(portalId);
  const user = env[vars.user];
  const password = env[vars.password];
  return user && password ? { user, password } : null;
}

function pick($: cheerio.CheerioAPI, scope: cheerio.Cheerio<any>, selector: string): string {
  const at = selector.lastIndexOf('@');
  const css = (at >= 0 ? selector.slice(0, at) : selector).trim();
  const attr = at >= 0 ? selector.slice(at + 1).trim() : '';
  const target = css ? scope.find(css).first() : scope;
  const value = attr ? target.attr(attr) ?? '' : target.text();
  return value.replace(/\s+/g, ' ').trim();
}

function configFailure(portal: PortalConfig, what: string, _whatJa: string): JobFailure {
  return new JobFailure({
    code: 'portal_config',
    retryable: false,
    message: `portal ${portal.id}: ${what}`,
    // `what` may name settings (TASUKI_PORTAL_<ID>_PASSWORD): it is for the administrator.
    userMessage: {
      ja: `ポータル「${portal.id}」の設定に誤りがあります。管理者に連絡してください。`,
      en: `The settings of the portal "${portal.id}" are wrong. Ask your administrator.`,
    },
  });
}

export function policyFor(portal: PortalConfig, opts: { allowLoopback?: boolean; signal?: AbortSignal }): HttpPolicy {
  const hosts = portal.allowedHosts ?? [new URL(portal.url).hostname, ...(portal.login ? [new URL(portal.login.url).hostname] : [])];
  return { allowedHosts: hosts.map((h) => h.replace(/^\[|\]$/g, '')), allowLoopback: opts.allowLoopback, signal: opts.signal };
}

async function login(portal: PortalConfig, credentials: Credentials | null, policy: HttpPolicy, jar: CookieJar): Promise<void> {
  const form = portal.login!;
  if (!credentials) {
    const vars = credentialVariables(portal.id);
    throw configFailure(
      portal,
      `login credentials are not configured; set ${vars.user} and ${vars.password}`,
      `ログイン情報がありません。${vars.user} と ${vars.password} を設定してください。`,
    );
  }
  const page = await guardedRequest(form.url, { method: 'GET' }, policy, jar);
  const $ = cheerio.load(page.body);
  const formEl = $(`input[name="${form.passwordField}"]`).closest('form');
  const fields: Record<string, string> = {};
  formEl.find('input[type="hidden"][name]').each((_, el) => {
    fields[$(el).attr('name')!] = $(el).attr('value') ?? '';
  });
  Object.assign(fields, form.extraFields ?? {}, { [form.userField]: credentials.user, [form.passwordField]: credentials.password });
  const action = formEl.attr('action');
  const target = action ? new URL(action, page.url).href : page.url;
  const answer = await guardedRequest(target, { method: 'POST', form: fields }, policy, jar);
  // Still looking at a password field means the portal did not accept us.
  if (cheerio.load(answer.body)(`input[name="${form.passwordField}"]`).length > 0) {
    const vars = credentialVariables(portal.id);
    throw configFailure(
      portal,
      `login was refused; check ${vars.user} and ${vars.password}`,
      `ログインできませんでした。${vars.user} と ${vars.password} を確認してください。`,
    );
  }
}

/** Logs in if configured, then collects every order on up to maxPages pages. */
export async function scrapePortal(
  portal: PortalConfig,
  opts: { credentials: Credentials | null; allowLoopback?: boolean; signal?: AbortSignal },
): Promise<{ orders: ScrapedOrder[]; pages: number }> {
  const policy = policyFor(portal, opts);
  // Refuse a portal the guard would refuse before asking for credentials or sending anything.
  checkUrl(portal.url, policy);
  if (portal.login) checkUrl(portal.login.url, policy);
  const jar = new CookieJar();
  if (portal.login) await login(portal, opts.credentials, policy, jar);
  if (!(portal.dedupeField in portal.selectors.fields)) {
    throw configFailure(portal, `dedupeField "${portal.dedupeField}" is not one of selectors.fields`, `dedupeField「${portal.dedupeField}」が selectors.fields にありません。`);
  }
  const orders: ScrapedOrder[] = [];
  const seenKeys = new Set<string>();
  const visited = new Set<string>();
  let next: string | undefined = portal.url;
  let pages = 0;
  while (next && pages < portal.maxPages && !visited.has(next)) {
    visited.add(next);
    const page = await guardedRequest(next, { method: 'GET' }, policy, jar);
    pages++;
    const $ = cheerio.load(page.body);
    if (portal.login && pages === 1 && $(`input[name="${portal.login.passwordField}"]`).length > 0) {
      throw configFailure(portal, 'the order list still shows the login form after logging in', 'ログイン後も注文一覧にログインフォームが表示されます。');
    }
    $(portal.selectors.order).each((_, el) => {
      const scope = $(el);
      const fields: Record<string, string> = {};
      for (const [name, selector] of Object.entries(portal.selectors.fields)) fields[name] = pick($, scope, selector);
      const key = fields[portal.dedupeField] ?? '';
      if (!key || seenKeys.has(key)) return;
      seenKeys.add(key);
      orders.push({ key, fields });
    });
    const href = portal.selectors.nextPage ? $(portal.selectors.nextPage).first().attr('href') : undefined;
    next = href ? new URL(href, page.url).href : undefined;
  }
  return { orders, pages };
}
