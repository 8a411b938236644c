/**
 * Which network addresses the portal scraper may connect to. A configured portal URL, a redirect
 * or a DNS answer must never lead the service to its own network: private ranges, loopback,
 * link-local (169.254.169.254 is the metadata server, which hands out the service account's
 * tokens), CGNAT, multicast, documentation and reserved ranges are all refused. Loopback can be
 * allowed explicitly: by tests, and in local mode by TASUKI_PORTAL_ALLOW_LOOPBACK (the demo portal
 * of `npm start` listens on 127.0.0.1); production configuration refuses that variable.
 *
 * IPv6 addresses that carry an IPv4 address (mapped, NAT64, 6to4, Teredo) are judged by the IPv4
 * address they carry: ::ffff:a9fe:a9fe is the metadata server. The local-use NAT64 prefix
 * 64:ff9b:1::/48 is refused outright (it only ever leads into a private network).
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
  ['::', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** The 16 bytes of an IPv6 address (zone id ignored, embedded dotted quad allowed), or null. */
function ipv6Bytes(address: string): number[] | null {
  const text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  const head = dotted ? dotted[1]! + '0:0' : text;
  const tail = dotted ? dotted.slice(2, 6).map(Number) : null;
  if (tail && tail.some((n) => n > 255)) return null;
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const bytes = all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]);
  if (tail) bytes.splice(12, 4, ...tail);
  return bytes;
}

const quad = (b: number[]) => b.join('.');
const zero = (b: number[], from: number, to: number) => b.slice(from, to).every((x) => x === 0);

/**
 * The IPv4 addresses an IPv6 address carries, which is where a packet to it really goes:
 * IPv4-mapped ::ffff:0:0/96 (and IPv4-translated ::ffff:0:0:0/96), IPv4-compatible ::/96,
 * NAT64 64:ff9b::/96, 6to4 2002::/16 (bytes 2–5), and Teredo 2001::/32 (its server, bytes 4–7,
 * and its client, bytes 12–15 inverted). Any textual form counts (compressed, expanded, hex or
 * dotted tail), because the address is parsed rather than matched as text.
 */
export function embeddedIpv4(address: string): string[] {
  const b = ipv6Bytes(address);
  if (!b) return [];
  if (zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return [quad(b.slice(12))];
  if (zero(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zero(b, 10, 12)) return [quad(b.slice(12))];
  // ::/96 holds :: and ::1 themselves; those stay IPv6 (unspecified, loopback).
  if (zero(b, 0, 12) && !(zero(b, 12, 15) && b[15]! <= 1)) return [quad(b.slice(12))];
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(b, 4, 12)) return [quad(b.slice(12))];
  if (b[0] === 0x20 && b[1] === 0x02) return [quad(b.slice(2, 6))];
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) return [quad(b.slice(4, 8)), quad(b.slice(12).map((x) => x ^ 0xff))];
  return [];
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Decides whether one resolved or literal IP address may be contacted. */
export function checkAddress(address: string, opts: { allowLoopback?: boolean } = {}): AddressVerdict {
  const family = isIP(address);
  if (family === 0) return { allowed: false, reason: `${address} is not an IP address` };
  if (family === 6) {
    const carried = embeddedIpv4(address);
    for (const v4 of carried) {
      const verdict = checkAddress(v4, opts);
      if (!verdict.allowed) return { allowed: false, reason: `${address} carries ${verdict.reason}` };
    }
    if (carried.length) return { allowed: true };
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
