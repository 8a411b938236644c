/**
 * The only way the portal scraper talks to the network: HTTP(S) requests that
 * - go only to hosts on the portal's allow-list (checked for the first URL and every redirect),
 * - resolve DNS themselves, before any socket exists, and refuse the request if ANY answer is a
 *   forbidden address (addressPolicy.ts); the connection then uses exactly the checked address,
 *   so a DNS answer that changes between check and connect (rebinding) cannot slip through,
 * - follow at most a few redirects by hand, re-checking each hop,
 * - carry a small per-host cookie jar (form login sessions), and stop at a size and time limit.
 * Failures are JobFailures: policy refusals and 4xx are permanent (the configuration must
 * change), network errors, 429 and 5xx are retryable.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { JobFailure } from '../jobFailure.js';
import { checkAddress } from './addressPolicy.js';

export type HttpPolicy = {
  /** Host names (no port) the requests may go to; compared case-insensitively. */
  allowedHosts: string[];
  /** Only tests set this: their portal site listens on loopback. */
  allowLoopback?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
  /**
   * Resolves a host name to all its addresses (default: the system resolver, dns.lookup with
   * all). Tests pass a stub so that names for private, link-local or public addresses can be
   * tried without any packet leaving the machine.
   */
  resolve?: (hostname: string) => Promise<Array<{ address: string; family: number }>>;
};

export type HttpResponse = { url: string; status: number; headers: http.IncomingHttpHeaders; body: string };

/** Cookies per host: name → value. Enough for a session cookie set at login. */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  store(host: string, setCookie: string[] | undefined): void {
    if (!setCookie) return;
    const jar = this.byHost.get(host) ?? new Map<string, string>();
    for (const line of setCookie) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // An expired cookie (logout) is removed rather than sent back.
      if (/;\s*max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.byHost.set(host, jar);
  }

  header(host: string): string | undefined {
    const jar = this.byHost.get(host);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function refused(reason: string): JobFailure {
  return new JobFailure({
    code: 'portal_address_refused',
    retryable: false,
    message: `portal request refused: ${reason}`,
    userMessage: {
      ja: 'このポータルのアドレスには接続しない設定です。管理者に連絡してください。',
      en: 'tasuki is set not to connect to this portal\'s address. Ask your administrator.',
    },
  });
}

/** Checks a URL against the policy before any connection; returns it parsed. */
export function checkUrl(raw: string, policy: HttpPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused(`${raw} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(`${url.protocol} URLs are not allowed`);
  if (url.username || url.password) throw refused('URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!policy.allowedHosts.some((h) => h.toLowerCase() === host)) throw refused(`host ${host} is not in the portal's allowed hosts`);
  if (isIP(host)) {
    const verdict = checkAddress(host, policy);
    if (!verdict.allowed) throw refused(verdict.reason);
  }
  return url;
}

const systemResolve = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

/** The one address a request may connect to: every answer checked, the first one used. */
async function checkedAddress(url: URL, policy: HttpPolicy): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // IP literals were checked by checkUrl.
  if (isIP(host)) return { address: host, family: isIP(host) };
  // A resolver error (ENOTFOUND, EAI_AGAIN) is thrown as is: the caller reports it as retryable.
  const answers = await (policy.resolve ?? systemResolve)(host);
  if (answers.length === 0) throw refused(`${host} did not resolve`);
  for (const answer of answers) {
    const verdict = checkAddress(answer.address, policy);
    if (!verdict.allowed) throw refused(`${host} resolves to ${verdict.reason}`);
  }
  return answers[0]!;
}

/** A lookup that always answers the address already checked (no second DNS query to rebind). */
function pinnedLookup(target: { address: string; family: number }): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (err: null, addrs: Array<{ address: string; family: number }>) => void)(null, [target]);
    } else {
      callback(null, target.address, target.family);
    }
  };
}

async function once(url: URL, init: { method: string; headers: Record<string, string>; body?: string }, policy: HttpPolicy): Promise<HttpResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  const maxBytes = policy.maxBytes ?? 5_000_000;
  const target = await checkedAddress(url, policy);
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: init.method,
        headers: init.headers,
        lookup: pinnedLookup(target),
        timeout: policy.timeoutMs ?? 15_000,
        signal: policy.signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(refused(`the page at ${url.href} is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ url: url.href, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${policy.timeoutMs ?? 15_000} ms`)));
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** GET or POST with the policy enforced on every hop; cookies kept in `jar`. */
export async function guardedRequest(
  rawUrl: string,
  init: { method?: 'GET' | 'POST'; form?: Record<string, string> },
  policy: HttpPolicy,
  jar: CookieJar,
): Promise<HttpResponse> {
  let url = checkUrl(rawUrl, policy);
  let method = init.method ?? 'GET';
  let body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  const maxRedirects = policy.maxRedirects ?? 5;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'tasuki-portal-scraper/1', accept: 'text/html,application/xhtml+xml' };
    const cookie = jar.header(url.host);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    let res: HttpResponse;
    try {
      res = await once(url, { method, headers, body }, policy);
    } catch (err) {
      if (err instanceof JobFailure) throw err;
      if (policy.signal?.aborted) throw err;
      throw new JobFailure({
        code: 'portal_unreachable',
        retryable: true,
        message: `portal request to ${url.href} failed: ${(err as Error).message}`,
        cause: err,
        userMessage: {
          ja: `ポータル ${url.host} に接続できませんでした。しばらくして再試行します。`,
          en: `Could not reach the portal ${url.host}; tasuki will try again.`,
        },
      });
    }
    const setCookie = res.headers['set-cookie'];
    jar.store(url.host, Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : undefined);
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && location) {
      if (hop >= maxRedirects) throw refused(`more than ${maxRedirects} redirects from ${rawUrl}`);
      url = checkUrl(new URL(location, url).href, policy);
      if (res.status !== 307 && res.status !== 308) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    if (res.status === 429 || res.status >= 500) {
      const retryAfter = Number(res.headers['retry-after']);
      throw new JobFailure({
        code: 'portal_unavailable',
        retryable: true,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
        message: `portal answered ${res.status} for ${url.href}`,
        userMessage: { ja: 'ポータルが一時的に応答しません。', en: 'The portal is temporarily unavailable.' },
      });
    }
    if (res.status >= 400) {
      throw new JobFailure({
        code: 'portal_http_error',
        retryable: false,
        message: `portal answered ${res.status} for ${url.href}; check the URLs in TASUKI_PORTALS`,
        userMessage: {
          ja: 'ポータルがエラーを返しました。管理者に連絡してください。',
          en: 'The portal answered with an error. Ask your administrator.',
        },
      });
    }
    return res;
  }
}
