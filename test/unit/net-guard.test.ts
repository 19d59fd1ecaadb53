import { describe, expect, it } from 'vitest';
import { checkAddress, OutboundRefused, parseAllowlist, parseTargetUrl, resolvePublicTarget } from '../../activities/shared/net-guard.js';

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
  const reason = async (p: Promise<unknown>) => p.then(() => 'ok', (e: OutboundRefused) => e.reason);

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
