/**
 * The audit's DNS: node:dns `Resolver` pointed at DNS_SERVERS (tests: a local server on loopback),
 * or the system's when the list is empty. Probes connect to the addresses it gives, after the
 * net guard has checked them, so what is audited is what was checked.
 */
import { Resolver } from 'node:dns/promises';
import { lookup as systemLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { checkAddress, OutboundRefused, type Allowlist, type Lookup } from '../../shared/net-guard.js';
import ipaddr from 'ipaddr.js';

export interface AuditResolver {
  resolver: Resolver;
  /** A / AAAA of a host: through the configured servers, or getaddrinfo when none are set. */
  lookup: Lookup;
  custom: boolean;
}

export function createAuditResolver(servers: readonly string[], timeoutMs = 2000): AuditResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length) resolver.setServers([...servers]);
  const lookup: Lookup = servers.length
    ? async (host) => {
        const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
        const out = [
          ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
          ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
        ];
        if (!out.length) {
          const err = (v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : new Error('no address')) as NodeJS.ErrnoException;
          throw err;
        }
        return out;
      }
    : (host) => systemLookup(host, { all: true, verbatim: true });
  return { resolver, lookup, custom: servers.length > 0 };
}

/**
 * Resolves a host and checks every address with the net guard; returns the first usable address.
 * IP literals skip the lookup but not the check.
 */
export async function resolveGuarded(host: string, lookup: Lookup, allow: Allowlist): Promise<{ address: string; family: number }[]> {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  let addrs: Array<{ address: string; family: number }>;
  if (ipaddr.isValid(h)) addrs = [{ address: h, family: h.includes(':') ? 6 : 4 }];
  else {
    try {
      addrs = await lookup(h);
    } catch (err) {
      throw new OutboundRefused('unresolvable', `${h} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (!addrs.length) throw new OutboundRefused('unresolvable', `${h} has no address`);
  if (!allow.hosts.has(h)) {
    for (const a of addrs) {
      const { ok, range } = checkAddress(a.address, allow);
      if (!ok) throw new OutboundRefused('private-address', `${h} resolves to ${a.address} (${range}), which is not a public address`);
    }
  }
  return addrs;
}

/** A `lookup` for net / tls / http options that answers with guarded addresses (IPv4 first). */
export function guardedLookupFn(lookup: Lookup, allow: Allowlist): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolveGuarded(hostname, lookup, allow).then(
      (addrs) => {
        const sorted = [...addrs].sort((a, b) => a.family - b.family);
        if (options?.all) callback(null, sorted);
        else callback(null, sorted[0]!.address, sorted[0]!.family);
      },
      (err) => callback(Object.assign(err as Error, { code: (err as OutboundRefused).reason === 'unresolvable' ? 'ENOTFOUND' : 'EREFUSED_PRIVATE' })),
    );
  }) as LookupFunction;
}
