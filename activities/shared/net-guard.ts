/**
 * Outbound target checks for scrapers, audits and webhooks: only http(s), and never a private,
 * loopback, link-local or otherwise non-public address unless the allow-list names it (tests
 * allow 127.0.0.0/8). `checkAddress` is pure; `resolvePublicTarget` adds the DNS lookup.
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

/** Whether connecting to `ip` is allowed: a public unicast address, or one the allow-list names. */
export function checkAddress(ip: string, allow: Allowlist): { ok: boolean; range: string } {
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  const range = addr.range();
  if (PUBLIC_RANGES.has(range)) return { ok: true, range };
  const allowed = allow.cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
  return { ok: allowed, range };
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

/**
 * Resolves the URL's host and refuses it when any address is non-public and not allow-listed
 * (checking every address stops a name that resolves to both a public and a private address).
 * Returns the addresses, so callers can connect to exactly what was checked.
 */
export async function resolvePublicTarget(input: string, allow: Allowlist, lookup: Lookup = systemLookup) {
  const url = parseTargetUrl(input);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  let addresses: Array<{ address: string; family: number }>;
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(host);
    } catch (err) {
      throw new OutboundRefused('unresolvable', `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (addresses.length === 0) throw new OutboundRefused('unresolvable', `${host} has no address`);
  if (!allow.hosts.has(host)) {
    for (const a of addresses) {
      const { ok, range } = checkAddress(a.address, allow);
      if (!ok) throw new OutboundRefused('private-address', `${host} resolves to ${a.address} (${range}), which is not a public address`);
    }
  }
  return { url, host, addresses };
}
