/**
 * Outbound target checks for scrapers, audits and webhooks: only http(s), and never a private,
 * loopback, link-local or otherwise non-public address unless the allow-list names it (tests
 * allow 127.0.0.0/8). `checkAddress` is pure; `resolveHost` / `resolvePublicTarget` add the DNS
 * lookup. Connections go through `guarded-connect.ts`, which runs the same check at connect time.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export type RefusalReason = 'invalid-url' | 'unsupported-scheme' | 'private-address' | 'unresolvable';

export class OutboundRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

const PUBLIC_RANGES = new Set(['unicast']);

export interface Allowlist {
  cidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  hosts: Set<string>;
}

/** Parses OUTBOUND_ALLOWLIST entries: CIDRs ("127.0.0.0/8", "::1/128"), single IPs, or host names. */
export function parseAllowlist(entries: readonly string[]): Allowlist {
  const list: Allowlist = { cidrs: [], hosts: new Set() };
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e.includes('/')) list.cidrs.push(ipaddr.parseCIDR(e));
    else if (ipaddr.isValid(e)) {
      const ip = ipaddr.parse(e);
      list.cidrs.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else list.hosts.add(e);
  }
  return list;
}

const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);

/**
 * The IPv4 address an IPv6 address carries, where the packet would really go: IPv4-mapped
 * (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96), IPv4-compatible (::/96), NAT64
 * (64:ff9b::/96) and 6to4 (2002::/16). Null when it carries none (or none we can place).
 */
export function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = addr.parts;
  switch (addr.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return v4(p[6]!, p[7]!);
    case 'rfc6052': // 64:ff9b::/96 only; the local-use 64:ff9b:1::/48 has no fixed place for it
      return p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 ? v4(p[6]!, p[7]!) : null;
    case '6to4':
      return v4(p[1]!, p[2]!);
    case 'unicast': // ::/96 (IPv4-compatible, deprecated): ipaddr.js classes it as unicast
      return p.slice(0, 6).every((x) => x === 0) ? v4(p[6]!, p[7]!) : null;
    default:
      return null;
  }
}

function allowListed(addr: ipaddr.IPv4 | ipaddr.IPv6, allow: Allowlist): boolean {
  return allow.cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

/**
 * Whether connecting to `ip` is allowed: a public unicast address, or one the allow-list names.
 * An IPv6 address that carries an IPv4 address is judged by that IPv4 address (so
 * `::7f00:1`, `64:ff9b::7f00:1` and `2002:7f00:1::` are loopback); the other transition ranges
 * (Teredo, local-use NAT64) are refused unless the allow-list names them.
 */
export function checkAddress(ip: string, allow: Allowlist): { ok: boolean; range: string } {
  const addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6') {
    const inner = embeddedIPv4(addr as ipaddr.IPv6);
    if (inner) {
      const outer = addr.range();
      const r = checkAddress(inner.toString(), allow);
      return {
        ok: r.ok || allowListed(addr, allow),
        range: outer === 'ipv4Mapped' ? r.range : `${r.range} in ${outer === 'unicast' ? 'ipv4Compatible' : outer}`,
      };
    }
  }
  const range = addr.range();
  if (PUBLIC_RANGES.has(range)) return { ok: true, range };
  return { ok: allowListed(addr, allow), range };
}

/** Validates the URL's shape: absolute http(s) with a host. */
export function parseTargetUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new OutboundRefused('invalid-url', `not an absolute URL: ${JSON.stringify(input.slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundRefused('unsupported-scheme', `only http and https are supported, not ${url.protocol.replace(':', '')}`);
  }
  if (!url.hostname) throw new OutboundRefused('invalid-url', 'the URL has no host');
  return url;
}

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;
export const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/** What an outbound connection is checked against: the allow-list and the resolver. */
export interface OutboundGuard {
  allow: Allowlist;
  lookup: Lookup;
}

/**
 * Resolves `host` (an IP literal skips the lookup, not the check) and refuses it when any address
 * is non-public and not allow-listed (checking every address stops a name that resolves to both a
 * public and a private address). Returns the addresses, all checked.
 */
export async function resolveHost(host: string, allow: Allowlist, lookup: Lookup = systemLookup): Promise<Array<{ address: string; family: number }>> {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  let addresses: Array<{ address: string; family: number }>;
  if (ipaddr.isValid(h)) addresses = [{ address: h, family: h.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(h);
    } catch (err) {
      throw new OutboundRefused('unresolvable', `${h} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (addresses.length === 0) throw new OutboundRefused('unresolvable', `${h} has no address`);
  if (!allow.hosts.has(h)) {
    for (const a of addresses) {
      const { ok, range } = checkAddress(a.address, allow);
      if (!ok) throw new OutboundRefused('private-address', `${h} resolves to ${a.address} (${range}), which is not a public address`);
    }
  }
  return addresses;
}

/** `resolveHost` for a URL, after checking its shape. */
export async function resolvePublicTarget(input: string, allow: Allowlist, lookup: Lookup = systemLookup) {
  const url = parseTargetUrl(input);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return { url, host, addresses: await resolveHost(host, allow, lookup) };
}
