/**
 * The audit's DNS: node:dns `Resolver` pointed at DNS_SERVERS (tests: a local server on loopback),
 * or the system's when the list is empty. Probes connect through the guarded lookup
 * (`shared/guarded-connect.ts`) over this resolver, so every connection's address passed the net
 * guard at connect time.
 */
import { Resolver } from 'node:dns/promises';
import { lookup as systemLookup } from 'node:dns/promises';
import { resolveHost, type Allowlist, type Lookup } from '../../shared/net-guard.js';

export interface AuditResolver {
  resolver: Resolver;
  /** A / AAAA of a host: through the configured servers, or getaddrinfo when none are set. */
  lookup: Lookup;
  custom: boolean;
}

/** `localhost` and `*.localhost` are loopback by definition (RFC 6761 §6.3): no resolver is asked. */
export const LOOPBACK_NAME = /(?:^|\.)localhost\.?$/i;
const LOOPBACK = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

export function createAuditResolver(servers: readonly string[], timeoutMs = 2000): AuditResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length) resolver.setServers([...servers]);
  const viaServers: Lookup = servers.length
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
  const lookup: Lookup = async (host) => (LOOPBACK_NAME.test(host) ? LOOPBACK.map((a) => ({ ...a })) : viaServers(host));
  return { resolver, lookup, custom: servers.length > 0 };
}

/** Resolves a host and checks every address with the net guard (IP literals skip the lookup, not the check). */
export function resolveGuarded(host: string, lookup: Lookup, allow: Allowlist): Promise<{ address: string; family: number }[]> {
  return resolveHost(host, allow, lookup);
}
