import { describe, expect, it } from 'vitest';
import { checkAddress, type OutboundRefused, parseAllowlist, parseTargetUrl, resolvePublicTarget } from '../../activities/shared/net-guard.js';

const none = parseAllowlist([]);

describe('checkAddress', () => {
  it('allows public unicast addresses', () => {
    expect(checkAddress('93.184.216.34', none).ok).toBe(true);
    expect(checkAddress('2606:4700::6810:84e5', none).ok).toBe(true);
  });
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '100.64.0.1'])(
    'refuses %s',
    (ip) => expect(checkAddress(ip, none).ok).toBe(false),
  );
  it.each([
    ['::7f00:1', 'loopback in ipv4Compatible'],
    ['::a00:1', 'private in ipv4Compatible'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:0:7f00:1', 'loopback in rfc6145'],
    ['64:ff9b::7f00:1', 'loopback in rfc6052'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal in rfc6052'],
    ['2002:7f00:1::', 'loopback in 6to4'],
    ['2002:c0a8:101::1', 'private in 6to4'],
    ['64:ff9b:1::7f00:1', 'rfc6052'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
  ])('refuses %s (IPv4 carried in IPv6 is judged by the IPv4 address)', (ip, range) => {
    expect(checkAddress(ip, none)).toEqual({ ok: false, range });
  });
  it('allows IPv6 that carries a public IPv4 address, and public IPv4 / IPv6', () => {
    for (const ip of ['::ffff:93.184.216.34', '64:ff9b::5db8:d822', '2002:5db8:d822::1', '93.184.216.34', '2a00:1450:4007:80e::200e'])
      expect(checkAddress(ip, none).ok, ip).toBe(true);
  });
  it('an allow-listed IPv4 range also allows its IPv4-compatible / NAT64 forms', () => {
    const loop = parseAllowlist(['127.0.0.0/8']);
    expect(checkAddress('::7f00:1', loop).ok).toBe(true);
    expect(checkAddress('64:ff9b::7f00:1', loop).ok).toBe(true);
    expect(checkAddress('::a00:1', loop).ok).toBe(false);
  });
  it('lets the allow-list through, and only what it names', () => {
    const allow = parseAllowlist(['127.0.0.0/8', '::1']);
    expect(checkAddress('127.0.0.5', allow).ok).toBe(true);
    expect(checkAddress('::1', allow).ok).toBe(true);
    expect(checkAddress('10.0.0.1', allow).ok).toBe(false);
  });
});

describe('resolvePublicTarget', () => {
  const lookup = async (host: string) => {
    const table: Record<string, string[]> = { 'public.test': ['93.184.216.34'], 'mixed.test': ['93.184.216.34', '10.0.0.7'], 'intranet.test': ['10.0.0.7'] };
    const a = table[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: 4 }));
  };
  const reason = async (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: OutboundRefused) => e.reason,
    );

  it('resolves a public name', async () => {
    const r = await resolvePublicTarget('https://public.test/x', none, lookup);
    expect(r.addresses).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });
  it('refuses bad URLs, other schemes, private and unresolvable targets with a reason', async () => {
    expect(await reason(resolvePublicTarget('not a url', none, lookup))).toBe('invalid-url');
    expect(await reason(resolvePublicTarget('ftp://public.test/', none, lookup))).toBe('unsupported-scheme');
    expect(await reason(resolvePublicTarget('file:///etc/passwd', none, lookup))).toBe('unsupported-scheme');
    expect(await reason(resolvePublicTarget('http://intranet.test/', none, lookup))).toBe('private-address');
    expect(await reason(resolvePublicTarget('http://mixed.test/', none, lookup))).toBe('private-address');
    expect(await reason(resolvePublicTarget('http://127.0.0.1:8080/', none, lookup))).toBe('private-address');
    expect(await reason(resolvePublicTarget('http://[::1]/', none, lookup))).toBe('private-address');
    expect(await reason(resolvePublicTarget('http://nowhere.test/', none, lookup))).toBe('unresolvable');
  });
  it('allows a named host from the allow-list', async () => {
    expect(await reason(resolvePublicTarget('http://intranet.test/', parseAllowlist(['intranet.test']), lookup))).toBe('ok');
  });
  it('parseTargetUrl keeps the URL', () => {
    expect(parseTargetUrl('https://exemple.fr/a?b=1').hostname).toBe('exemple.fr');
  });
});
