/**
 * Which network addresses the portal scraper may connect to. A configured portal URL, a redirect
 * or a DNS answer must never lead the service to its own network: private ranges, loopback,
 * link-local (169.254.169.254 is the metadata server, which hands out the service account's
 * tokens), CGNAT, multicast, documentation and reserved ranges are all refused. Loopback can be
 * allowed explicitly: by tests, and in local mode by TASUKI_PORTAL_ALLOW_LOOPBACK (the demo portal
 * of `npm start` listens on 127.0.0.1); production configuration refuses that variable.
 */
import { BlockList, isIP } from 'node:net';

const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** The IPv4 address an IPv6 address embeds (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d), if any. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Decides whether one resolved or literal IP address may be contacted. */
export function checkAddress(address: string, opts: { allowLoopback?: boolean } = {}): AddressVerdict {
  const family = isIP(address);
  if (family === 0) return { allowed: false, reason: `${address} is not an IP address` };
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return checkAddress(v4, opts);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (loopback.check(address, type)) {
    return opts.allowLoopback ? { allowed: true } : { allowed: false, reason: `${address} is a loopback address` };
  }
  if (forbidden.check(address, type)) {
    return { allowed: false, reason: `${address} is a private, link-local or reserved address` };
  }
  return { allowed: true };
}
