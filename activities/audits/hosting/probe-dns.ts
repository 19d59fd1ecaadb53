/** DNS probe: A, AAAA, CNAME chain, NS (of the host or its nearest parent zone), MX, reverse DNS. */
import type { Resolver } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { LOOPBACK_NAME } from './resolver.js';
import type { DnsResult } from './types.js';

/** The PTR name of an address: 4.3.2.1.in-addr.arpa, or the nibbles of an IPv6 under ip6.arpa. */
export function arpaName(ip: string): string {
  const addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv4') return `${addr.toByteArray().reverse().join('.')}.in-addr.arpa`;
  const hex = addr
    .toByteArray()
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;
const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

async function soft<T>(p: Promise<T>, empty: T): Promise<{ value: T; error: string | null }> {
  try {
    return { value: await p, error: null };
  } catch (err) {
    return { value: empty, error: code(err) };
  }
}

/** An IP literal or a `localhost` name: its addresses are known without asking DNS (only its PTR is). */
async function addressTarget(resolver: Resolver, name: string): Promise<DnsResult | null> {
  const ips = ipaddr.isValid(name) ? [ipaddr.parse(name).toString()] : LOOPBACK_NAME.test(name) ? ['127.0.0.1', '::1'] : null;
  if (!ips) return null;
  const ptr: Record<string, string[]> = {};
  for (const ip of ips) ptr[ip] = (await soft(resolver.resolvePtr(arpaName(ip)), [] as string[])).value.map((x) => x.toLowerCase());
  return {
    host: name,
    resolves: true,
    error: null,
    a: ips.filter((ip) => !ip.includes(':')),
    aaaa: ips.filter((ip) => ip.includes(':')),
    cnameChain: [],
    nsZone: null,
    ns: [],
    mx: [],
    ptr,
  };
}

export async function probeDns(resolver: Resolver, host: string): Promise<DnsResult> {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const literal = await addressTarget(resolver, name);
  if (literal) return literal;
  const [a, aaaa, mx] = await Promise.all([
    soft(resolver.resolve4(name), [] as string[]),
    soft(resolver.resolve6(name), [] as string[]),
    soft(resolver.resolveMx(name), []),
  ]);

  const cnameChain: string[] = [];
  let current = name;
  for (let i = 0; i < 8; i++) {
    const c = await soft(resolver.resolveCname(current), [] as string[]);
    if (!c.value.length || cnameChain.includes(c.value[0]!)) break;
    cnameChain.push(c.value[0]!);
    current = c.value[0]!;
  }

  // NS records live at the zone apex: walk up from the host to the registrable part.
  let nsZone: string | null = null;
  let ns: string[] = [];
  const labels = name.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const zone = labels.slice(i).join('.');
    const r = await soft(resolver.resolveNs(zone), [] as string[]);
    if (r.value.length) {
      nsZone = zone;
      ns = r.value.map((x) => x.toLowerCase()).sort();
      break;
    }
  }

  const ptr: Record<string, string[]> = {};
  for (const ip of [...a.value.slice(0, 2), ...aaaa.value.slice(0, 1)]) {
    // a PTR query, not resolver.reverse(): that one answers from /etc/hosts first
    const r = await soft(resolver.resolvePtr(arpaName(ip)), [] as string[]);
    ptr[ip] = r.value.map((x) => x.toLowerCase());
  }

  const resolves = a.value.length + aaaa.value.length > 0;
  const error = resolves
    ? null
    : NOT_FOUND.has(a.error ?? '') || NOT_FOUND.has(aaaa.error ?? '')
      ? 'NXDOMAIN / no address'
      : (a.error ?? aaaa.error ?? 'no address');
  return {
    host: name,
    resolves,
    error,
    a: a.value,
    aaaa: aaaa.value,
    cnameChain,
    nsZone,
    ns,
    mx: mx.value.map((m) => ({ exchange: m.exchange.toLowerCase(), priority: m.priority })).sort((x, y) => x.priority - y.priority),
    ptr,
  };
}
