/**
 * Which IP addresses an article fetch may reach. Article links come from third parties, so a
 * link to 127.0.0.1, 10.x, 169.254.169.254 (cloud metadata) or fd00::/8 would let a feed make
 * Veille probe its own network (SSRF). Those ranges are refused unless the watchlist lists a
 * range under settings.network.allowRanges.
 */
import { BlockList, isIP } from 'node:net';

/** Special-purpose ranges (RFC 6890 and friends) that are not the public Internet. */
const REFUSED_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT (and some cloud metadata)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const REFUSED_V6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
];

const refused = REFUSED_V4.map(([net, prefix, what]) => ({ list: subnet(net, prefix, 'ipv4'), what }))
  .concat(REFUSED_V6.map(([net, prefix, what]) => ({ list: subnet(net, prefix, 'ipv6'), what })));

function subnet(net: string, prefix: number, type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return list;
}

/** "10.0.0.0/8", "127.0.0.1/32", "fd00::/8"; a bare address means that address alone. */
export function isCidr(value: string): boolean {
  return parseCidr(value) !== null;
}

function parseCidr(value: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = value.trim().split('/');
  if (extra !== undefined) return null;
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { address, prefix, type: family === 4 ? 'ipv4' : 'ipv6' };
}

/** The ranges the watchlist allows, compiled once per settings version. */
export function compileAllowedRanges(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const parsed = parseCidr(range);
    if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.type);
  }
  return list;
}

/**
 * Why `address` must not be fetched, or null when it may be. IPv4 embedded in IPv6
 * (::ffff:10.0.0.1, 64:ff9b::10.0.0.1) is judged as the IPv4 address it carries.
 */
export function refusalReason(address: string, allowed: BlockList): string | null {
  const ip = embeddedIpv4(address) ?? address;
  const family = isIP(ip);
  if (family === 0) return `"${address}" is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (allowed.check(ip, type)) return null;
  const hit = refused.find((r) => r.list.check(ip, type));
  return hit ? `${ip} is a ${hit.what} address` : null;
}

function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::|::)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  // ::ffff:a00:1 (hex form of a mapped address)
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return null;
}
