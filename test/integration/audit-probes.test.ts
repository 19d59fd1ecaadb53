/**
 * The audit's probes against the loopback fixtures, resolved through the local DNS server: what
 * each one measures (no Temporal here; the workflow and API are covered end to end).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BrowserPool } from '../../activities/audits/hosting/probe-browser.js';
import { probeDns } from '../../activities/audits/hosting/probe-dns.js';
import { probeHttp } from '../../activities/audits/hosting/probe-http.js';
import { probeTls } from '../../activities/audits/hosting/probe-tls.js';
import { createAuditResolver, resolveGuarded } from '../../activities/audits/hosting/resolver.js';
import { parseAllowlist, type OutboundGuard } from '../../activities/shared/net-guard.js';
import { startAuditFixtures, type AuditFixtures } from '../support/audits/fixtures.js';

let fx: AuditFixtures;
let resolver: ReturnType<typeof createAuditResolver>;
const allow = parseAllowlist(['127.0.0.0/8']);
let guard: OutboundGuard;
const opts = () => ({ guard, timeoutMs: 5000 });
const hostPort = (u: string) => {
  const x = new URL(u);
  return [x.hostname, Number(x.port)] as const;
};

beforeAll(async () => {
  fx = await startAuditFixtures();
  resolver = createAuditResolver([fx.env.DNS_SERVERS!]);
  guard = { allow, lookup: resolver.lookup };
});
afterAll(() => fx.close());

describe('DNS probe', () => {
  it('reads A, NS, MX and reverse DNS through the injected resolver', async () => {
    const d = await probeDns(resolver.resolver, 'litespeed.audit.test');
    expect(d).toMatchObject({
      resolves: true,
      a: ['127.0.0.1'],
      nsZone: 'litespeed.audit.test',
      ns: ['ns1.chemicloud.com', 'ns2.chemicloud.com'],
      ptr: { '127.0.0.1': ['localhost'] },
    });
    expect(d.mx.map((m) => m.exchange)).toEqual(['mx1.litespeed.audit.test', 'mx2.litespeed.audit.test']);
  });
  it('follows a CNAME chain', async () => {
    const d = await probeDns(resolver.resolver, 'alias.audit.test');
    expect(d.cnameChain).toEqual(['edge.alias.audit.test', 'litespeed.audit.test']);
    expect(d.a).toEqual(['127.0.0.1']);
  });
  it('says when a name does not resolve', async () => {
    const d = await probeDns(resolver.resolver, 'nxdomain.audit.test');
    expect(d).toMatchObject({ resolves: false, a: [], error: 'NXDOMAIN / no address' });
  });
});

describe('HTTP probe', () => {
  it('follows http -> https, checks www -> apex, takes the median of samples and reads the stack', async () => {
    const h = await probeHttp(fx.urls.litespeed, { ...opts(), samples: 3 });
    expect(h.chain.map((x) => x.status)).toEqual([301, 200]);
    expect(h).toMatchObject({
      reachable: true,
      status: 200,
      httpsRedirect: true,
      finalUrl: fx.urls.litespeedHttps,
      php: '8.2.10',
      compression: 'gzip',
      http2: true,
      alpn: 'h2',
      http3: true,
    });
    expect(h.server.family).toBe('litespeed');
    expect(h.cms).toMatchObject({ name: 'WordPress', version: '6.4.2' });
    expect(h.canonical).toMatchObject({ apex: 'litespeed.audit.test', www: 'www.litespeed.audit.test', sameSite: true });
    expect(h.samples).toHaveLength(3);
    expect(h.totalMs).toBeGreaterThan(0);
    expect(h.hsts).toMatchObject({ maxAge: 63072000, includeSubDomains: true });
  });
  it('reports HTTP/1.1 only servers through ALPN', async () => {
    const h = await probeHttp(fx.urls.hostgator, { ...opts(), samples: 1 });
    expect(h).toMatchObject({ http2: false, alpn: 'http/1.1', php: '7.4.33' });
    expect(h.canonical).toMatchObject({ www: 'www.hostgator.audit.test', resolves: false, sameSite: null });
  });
  it('measures a slow server and reports a closed port as unreachable', async () => {
    const slow = await probeHttp(fx.urls.slow, { ...opts(), samples: 1 });
    expect(slow.ttfbMs!).toBeGreaterThanOrEqual(2000);
    const down = await probeHttp(fx.urls.unreachable, { ...opts(), samples: 1 });
    expect(down).toMatchObject({ reachable: false, error: 'connection refused (ECONNREFUSED)' });
  });
  it('refuses a name that resolves to a private address unless allow-listed', async () => {
    await expect(resolveGuarded('private.audit.test', resolver.lookup, allow)).rejects.toMatchObject({ reason: 'private-address' });
    const h = await probeHttp('http://private.audit.test:80/', { ...opts(), samples: 1 });
    expect(h.reachable).toBe(false);
    expect(h.error).toMatch(/refused: private\.audit\.test resolves to 10\.1\.2\.3/);
    await expect(resolveGuarded('private.audit.test', resolver.lookup, parseAllowlist(['10.0.0.0/8']))).resolves.toHaveLength(1);
  });
});

describe('TLS probe', () => {
  const extraCa = () => [fx.ca.cert];
  it('trusts the fixture CA when given, checks the name, expiry, key and versions', async () => {
    const [h, p] = hostPort(fx.urls.litespeedHttps);
    const t = await probeTls(h, p, { ...opts(), extraCa: extraCa() });
    expect(t).toMatchObject({
      connected: true,
      trusted: true,
      selfSigned: false,
      hostnameMatch: true,
      expired: false,
      issuer: 'Atelier Test (Atelier Audit Test CA)',
      key: { type: 'RSA', bits: 2048 },
    });
    expect(t.daysToExpiry).toBeGreaterThanOrEqual(88);
    expect(t.protocols).toEqual({ TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
    const untrusted = await probeTls(h, p, opts());
    expect(untrusted.trusted).toBe(false);
  });
  it('reports an expired certificate, a self-signed one, and legacy versions', async () => {
    const [eh, ep] = hostPort(fx.urls.expired);
    const e = await probeTls(eh, ep, { ...opts(), extraCa: extraCa() });
    // OpenSSL checks trust before dates: the chain of an expired CA-signed certificate is trusted
    expect(e).toMatchObject({ expired: true, trusted: true, authorizationError: 'CERT_HAS_EXPIRED', names: ['expired.audit.test'] });
    expect(e.daysToExpiry).toBeLessThan(0);
    const [sh, sp] = hostPort(fx.urls.selfsigned);
    expect(await probeTls(sh, sp, { ...opts(), extraCa: extraCa() })).toMatchObject({ selfSigned: true, trusted: false });
    const [th, tp] = hostPort(fx.urls.tls10);
    const t = await probeTls(th, tp, { ...opts(), extraCa: extraCa() });
    expect(t.protocols).toEqual({ TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true });
  });
  it('says when nothing listens', async () => {
    const [h, p] = hostPort(fx.urls.unreachable);
    expect(await probeTls(h, p, opts())).toMatchObject({ connected: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('browser probe', () => {
  it('loads the page in Chromium (test names mapped to loopback), counts requests, keeps console errors, takes a screenshot', async () => {
    const pool = new BrowserPool({
      executablePath: inject('chromiumPath')!,
      extraArgs: [`--host-resolver-rules=${fx.env.AUDIT_BROWSER_HOST_RULES}`],
      idleCloseMs: 1000,
    });
    try {
      const { result, screenshot } = await pool.probe(fx.urls.hostgator, { timeoutMs: 10_000, guard });
      expect(result).toMatchObject({ loaded: true, status: 200, screenshot: true });
      expect(result.requests).toBeGreaterThanOrEqual(1);
      expect(result.transferredBytes).toBeGreaterThan(200);
      expect(result.loadMs).toBeGreaterThan(0);
      expect(result.consoleErrors).toEqual(['widget: timeout after 30s']);
      expect(screenshot!.subarray(1, 4).toString()).toBe('PNG');
      const denied = await pool.probe('http://private.audit.test:80/', { timeoutMs: 5000, guard });
      expect(denied.result.loaded).toBe(false);
      expect(denied.result.error).toMatch(/ERR_BLOCKED_BY_CLIENT/);
    } finally {
      await pool.close();
    }
  });
});
