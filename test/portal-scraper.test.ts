// The portal scraper against a real local portal site: login with CSRF + session cookie,
// pagination, field selectors, and the SSRF guard (addresses, hosts, redirects).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { watchSockets } from '../local/abuse/socketWatch.js';
import { checkAddress, embeddedIpv4 } from '../service/portal/addressPolicy.js';
import { CookieJar, guardedRequest } from '../service/portal/guardedHttp.js';
import { credentialsFromEnv, credentialVariables, scrapePortal } from '../service/portal/portalScraper.js';
import { JobFailure } from '../service/jobFailure.js';
import { demoPortalConfig, startPortalSite, type PortalSite } from '../local/demo-portal/portalSite.js';

let site: PortalSite;
before(async () => {
  site = await startPortalSite({ pageSize: 2 });
  for (let i = 1; i <= 5; i++) site.orders.push({ id: `A-${100 + i}`, client: '株式会社アクメ', title: `看板デザイン ${i}`, due: `2026-12-${10 + i}`, amount: 50_000 * i });
});
after(() => site.close());

const creds = { user: 'office', password: 'secret-pass' };

test('logs in, follows every page and reads each order once', async () => {
  const portal = { ...demoPortalConfig(site.url), maxPages: 10 };
  const { orders, pages } = await scrapePortal(portal, { credentials: creds, allowLoopback: true });
  assert.equal(pages, 3);
  assert.deepEqual(orders.map((o) => o.key), ['A-101', 'A-102', 'A-103', 'A-104', 'A-105']);
  assert.deepEqual(orders[1]!.fields, { orderId: 'A-102', client: '株式会社アクメ', title: '看板デザイン 2', due: '2026-12-12', amount: '100000' });
});

test('maxPages bounds the crawl', async () => {
  const { orders, pages } = await scrapePortal({ ...demoPortalConfig(site.url), maxPages: 1 }, { credentials: creds, allowLoopback: true });
  assert.equal(pages, 1);
  assert.equal(orders.length, 2);
});

test('wrong or missing credentials are permanent failures naming the variables to the administrator, not to staff', async () => {
  const vars = credentialVariables('acme');
  for (const credentials of [{ user: 'office', password: 'wrong' }, null]) {
    await assert.rejects(
      scrapePortal(demoPortalConfig(site.url), { credentials, allowLoopback: true }),
      (err: unknown) => err instanceof JobFailure && !err.retryable && err.message.includes(vars.password) && !err.userMessage.en.includes(vars.password),
    );
  }
  assert.deepEqual(credentialVariables('my-portal'), { user: 'TASUKI_PORTAL_MY_PORTAL_USER', password: 'TASUKI_PORTAL_MY_PORTAL_PASSWORD' });
  assert.deepEqual(credentialsFromEnv('acme', { TASUKI_PORTAL_ACME_USER: 'u', TASUKI_PORTAL_ACME_PASSWORD: 'p' }), { user: 'u', password: 'p' });
  assert.equal(credentialsFromEnv('acme', { TASUKI_PORTAL_ACME_USER: 'u' }), null);
});

test('loopback is refused unless explicitly allowed', async () => {
  await assert.rejects(
    scrapePortal(demoPortalConfig(site.url), { credentials: creds }),
    (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused' && !err.retryable,
  );
});

test('a host name that resolves to loopback is refused (DNS answers are checked)', async () => {
  // localhost resolves to 127.0.0.1 / ::1: allowed as a host, refused as an address.
  await assert.rejects(
    guardedRequest(`http://localhost:${site.port}/login`, {}, { allowedHosts: ['localhost'] }, new CookieJar()),
    (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused' && /loopback/.test(err.message),
  );
  const ok = await guardedRequest(`http://localhost:${site.port}/login`, {}, { allowedHosts: ['localhost'], allowLoopback: true }, new CookieJar());
  assert.equal(ok.status, 200);
});

test('redirects are re-checked: to the metadata server, to another host, to a non-http scheme', async () => {
  const policy = { allowedHosts: ['127.0.0.1', '169.254.169.254'], allowLoopback: true };
  for (const [to, pattern] of [
    ['http://169.254.169.254/computeMetadata/v1/', /private, link-local/],
    ['http://example.com/', /not in the portal's allowed hosts/],
    ['file:///etc/passwd', /file: URLs/],
    ['http://[::ffff:10.0.0.1]/', /not in the portal's allowed hosts/],
  ] as const) {
    await assert.rejects(
      guardedRequest(`${site.url}/redirect?to=${encodeURIComponent(to)}`, {}, policy, new CookieJar()),
      (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused' && pattern.test(err.message),
      to,
    );
  }
});

test('address policy: private, link-local, mapped and reserved addresses', () => {
  for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', 'fd00::1', 'fe80::1', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '::']) {
    assert.equal(checkAddress(ip).allowed, false, ip);
    assert.equal(checkAddress(ip, { allowLoopback: true }).allowed, false, ip);
  }
  for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
    assert.equal(checkAddress(ip).allowed, false, ip);
    assert.equal(checkAddress(ip, { allowLoopback: true }).allowed, true, ip);
  }
  for (const ip of ['8.8.8.8', '2001:4860:4860::8888', '203.0.114.1']) assert.equal(checkAddress(ip).allowed, true, ip);
});

test('address policy: IPv6 addresses are judged by the IPv4 address they carry, in any spelling', () => {
  const metadata = [
    '::ffff:169.254.169.254', '::FFFF:a9fe:a9fe', '0:0:0:0:0:ffff:a9fe:a9fe', '0000::ffff:169.254.169.254', // IPv4-mapped ::ffff:0:0/96
    '::ffff:0:a9fe:a9fe', // IPv4-translated
    '64:ff9b::a9fe:a9fe', '64:ff9b::169.254.169.254', '64:ff9b:0:0:0:0:a9fe:a9fe', // NAT64 64:ff9b::/96
    '2002:a9fe:a9fe::', '2002:a9fe:a9fe:1::1', // 6to4 2002::/16
    '2001:0:a9fe:a9fe::1', // Teredo server
    '2001:0:808:808::5601:5601', // Teredo client (inverted bits: 169.254.169.254... ^0xff)
  ];
  for (const ip of metadata) {
    const verdict = checkAddress(ip, { allowLoopback: true });
    assert.equal(verdict.allowed, false, ip);
    assert.match((verdict as { reason: string }).reason, /carries .* private, link-local or reserved/, ip);
  }
  assert.deepEqual(embeddedIpv4('2001:0:4136:e378:8000:63bf:3fff:fdd2'), ['65.54.227.120', '192.0.2.45'], "RFC 4380's example: server and client");
  for (const ip of ['::ffff:10.0.0.1', '64:ff9b::192.168.0.1', '2002:c0a8:0001::1', '2002:0a00:0001::']) assert.equal(checkAddress(ip).allowed, false, ip);
  assert.equal(checkAddress('64:ff9b:1::808:808').allowed, false, 'local-use NAT64 is refused outright');
  for (const ip of ['::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:0808:0808::1']) assert.equal(checkAddress(ip).allowed, true, ip);
  assert.equal(checkAddress('2002:7f00:0001::', { allowLoopback: true }).allowed, true, 'loopback inside 6to4 follows allowLoopback');
  assert.equal(checkAddress('2002:7f00:0001::').allowed, false);
});

test('a stub resolver: names for forbidden addresses are refused before any socket is opened', async () => {
  const answers: Record<string, string[]> = {
    'metadata.example': ['169.254.169.254'],
    'intranet.example': ['10.0.0.5'],
    'mapped.example': ['::ffff:a9fe:a9fe'],
    'nat64.example': ['64:ff9b::a9fe:a9fe'],
    'rebind.example': ['93.184.216.34', '192.168.0.1'],
  };
  const resolve = async (host: string) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const policy = { allowedHosts: [...Object.keys(answers), '127.0.0.1'], resolve, allowLoopback: true };
  const watch = watchSockets();
  try {
    for (const host of Object.keys(answers)) {
      const before = watch.created;
      await assert.rejects(
        guardedRequest(`http://${host}/latest/meta-data/`, {}, policy, new CookieJar()),
        (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused' && err.message.includes(host),
        host,
      );
      assert.equal(watch.created, before, `no socket for ${host}`);
      // The same names as redirect targets: only the hop to the loopback portal is connected.
      await assert.rejects(guardedRequest(`${site.url}/redirect?to=${encodeURIComponent(`http://${host}/`)}`, {}, policy, new CookieJar()), (err: unknown) => err instanceof JobFailure && err.code === 'portal_address_refused', `redirect to ${host}`);
    }
    assert.deepEqual(watch.violations, [], 'every connection went to loopback');
    assert.ok(watch.targets.every((t) => t.host === '127.0.0.1'), JSON.stringify(watch.targets));
  } finally {
    watch.stop();
  }
});

test('a 503 from the portal is retryable with its Retry-After, a 404 is not', async () => {
  await assert.rejects(
    guardedRequest(`${site.url}/status/503`, {}, { allowedHosts: ['127.0.0.1'], allowLoopback: true }, new CookieJar()),
    (err: unknown) => err instanceof JobFailure && err.retryable && err.retryAfterSeconds === 7,
  );
  await assert.rejects(guardedRequest(`${site.url}/nope`, {}, { allowedHosts: ['127.0.0.1'], allowLoopback: true }, new CookieJar()), (err: unknown) => err instanceof JobFailure && !err.retryable && err.code === 'portal_http_error');
});
