/**
 * SSRF attempts against the portal scraper's guard (service/portal/guardedHttp.ts), none of which
 * may reach anything: host names that a stub resolver maps to private, link-local, metadata,
 * CGNAT, multicast and reserved addresses (IPv4, IPv6, and IPv6 forms that carry an IPv4 address:
 * mapped, NAT64, 6to4, Teredo; one bad answer among good ones), IP literals in every spelling a
 * URL parser accepts, other schemes, credentials in the URL, hosts off the allow-list, and each of
 * those again as the target of a redirect from a portal on loopback.
 *
 * No packet leaves the machine: names resolve through the stub, so a refused name is refused
 * before any socket exists (checked per attempt with the socket watch: no connection to the
 * attempt's host), and the only connections made are the redirecting hops to the loopback portal.
 */
import { CookieJar, guardedRequest, type HttpPolicy } from '../../service/portal/guardedHttp.js';
import { JobFailure } from '../../service/jobFailure.js';
import { isLoopback, type SocketWatch } from './socketWatch.js';

/** What the stub resolver answers: every name here would lead somewhere forbidden. */
export const STUB_DNS: Readonly<Record<string, ReadonlyArray<{ address: string; family: number }>>> = {
  'metadata.google.internal': [{ address: '169.254.169.254', family: 4 }],
  'intranet.example': [{ address: '10.0.0.5', family: 4 }],
  'printer.example': [{ address: '192.168.1.20', family: 4 }],
  'vpc.example': [{ address: '172.16.3.4', family: 4 }],
  'cgnat.example': [{ address: '100.64.1.1', family: 4 }],
  'zero.example': [{ address: '0.0.0.0', family: 4 }],
  'multicast.example': [{ address: '224.0.0.251', family: 4 }],
  'broadcast.example': [{ address: '255.255.255.255', family: 4 }],
  'docs-range.example': [{ address: '192.0.2.10', family: 4 }],
  'loopback.example': [{ address: '127.0.0.1', family: 4 }],
  'ula.example': [{ address: 'fd12:3456::1', family: 6 }],
  'linklocal6.example': [{ address: 'fe80::1', family: 6 }],
  'mapped.example': [{ address: '::ffff:169.254.169.254', family: 6 }],
  'mapped-hex.example': [{ address: '::ffff:a9fe:a9fe', family: 6 }],
  'mapped-long.example': [{ address: '0:0:0:0:0:ffff:0a00:0001', family: 6 }],
  'nat64.example': [{ address: '64:ff9b::a9fe:a9fe', family: 6 }],
  'nat64-local.example': [{ address: '64:ff9b:1::10.0.0.1', family: 6 }],
  '6to4.example': [{ address: '2002:a9fe:a9fe::1', family: 6 }],
  'teredo.example': [{ address: '2001:0:a9fe:a9fe::1', family: 6 }],
  'teredo-client.example': [{ address: '2001:0:808:808::f5ff:fffa', family: 6 }],
  'rebind.example': [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }],
};

const stubResolve = async (hostname: string) => {
  const answers = STUB_DNS[hostname.toLowerCase()];
  if (!answers) throw Object.assign(new Error(`stub DNS: no such name ${hostname}`), { code: 'ENOTFOUND' });
  return [...answers];
};

/** URLs refused on their own: names above, literals, schemes, credentials, foreign hosts. */
export function ssrfUrls(): string[] {
  return [
    ...Object.keys(STUB_DNS).map((name) => `http://${name}/computeMetadata/v1/`),
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:a9fe:a9fe::]/',
    'http://[fd00::1]:8080/',
    'http://[fe80::1]/',
    'http://[::]/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://10.1.2.3:8443/admin',
    'http://0.0.0.0:8080/',
    'https://192.168.0.1/',
    'file:///etc/passwd',
    'ftp://intranet.example/',
    'gopher://intranet.example:70/',
    'data:text/html,hi',
    'javascript:alert(1)',
    'http://user:pass@intranet.example/',
    'http://not-allowed.example/',
  ];
}

export type SsrfResult = { tried: number; refused: number; reached: string[]; socketsToForbidden: string[] };

/**
 * Tries every URL directly and through a redirect from the loopback `portalUrl` (whose
 * `/redirect?to=` answers 302). The allow-list names every host, so refusals come from the
 * address checks, not from the list; only the redirecting portal's loopback may be reached.
 */
export async function trySsrf(portalUrl: string, watch: SocketWatch): Promise<SsrfResult> {
  const urls = ssrfUrls();
  const hosts = new Set<string>(['127.0.0.1', ...Object.keys(STUB_DNS)]);
  for (const u of urls) {
    try {
      hosts.add(new URL(u).hostname.replace(/^\[|\]$/g, '').toLowerCase());
    } catch {
      // data: and javascript: have no host
    }
  }
  hosts.delete('not-allowed.example');
  const direct: HttpPolicy = { allowedHosts: [...hosts], resolve: stubResolve, timeoutMs: 3000, maxRedirects: 3 };
  // The redirecting portal is on loopback, so that one hop is allowed; loopback.example stays
  // refused as a redirect target only through its own check (allowLoopback lets it pass), so it
  // is tried directly only.
  const viaPortal: HttpPolicy = { ...direct, allowLoopback: true };
  const result: SsrfResult = { tried: 0, refused: 0, reached: [], socketsToForbidden: [] };
  const attempt = async (url: string, policy: HttpPolicy, target: string) => {
    result.tried++;
    const before = watch.targets.length;
    try {
      await guardedRequest(url, {}, policy, new CookieJar());
      result.reached.push(url);
    } catch (err) {
      if (err instanceof JobFailure && err.code === 'portal_address_refused') result.refused++;
      else result.reached.push(`${url} (${err instanceof Error ? err.message : String(err)})`);
    }
    // The only connection an attempt may make is the redirecting hop to the loopback portal.
    for (const t of watch.targets.slice(before)) {
      if (t.host.toLowerCase() === target || !isLoopback(t.host)) result.socketsToForbidden.push(`${url} → ${t.host}:${t.port}`);
    }
  };
  for (const url of urls) {
    let target = '';
    try {
      target = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    } catch {
      // no host
    }
    await attempt(url, direct, target || '(none)');
    if (target !== 'loopback.example' && !/^(?:127\.|0x7f|2130706433|0177)/.test(target)) {
      await attempt(`${portalUrl}/redirect?to=${encodeURIComponent(url)}`, viaPortal, target || '(none)');
    }
  }
  return result;
}
