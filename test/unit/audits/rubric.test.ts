import { describe, expect, it } from 'vitest';
import { CRITERIA } from '../../../activities/audits/hosting/criteria.js';
import { crit, dns, evaluate, failed, FAST_MODERN, http, ok, tls } from './rubric-input.js';

describe('rubric', () => {
  it('covers every row of the brief’s three tables', () => {
    const byTier = (t: string) => CRITERIA.filter((c) => c.tier === t).length;
    expect(byTier('minimum')).toBe(11); // the brief's 8 rows + reachable, not blacklisted, https redirect
    expect(byTier('recommended')).toBe(12);
    expect(byTier('enterprise')).toBe(10);
  });

  it('marks a blacklisted shared plan incompatible whatever else passes', () => {
    const r = evaluate({ http: ok(http(FAST_MODERN)) }, { nameservers: ['ns1.hostgator.com'], reverseDns: ['gator1234.hostgator.com'] });
    expect(r.verdict).toBe('incompatible');
    expect(r.blacklisted).toBe(true);
    expect(crit(r, 'not-blacklisted')).toMatchObject({ status: 'fail' });
    expect(crit(r, 'not-blacklisted').reason.fr).toMatch(/HostGator.*liste noire.*CPU 25%, timeout 30s/);
    expect(crit(r, 'cpu-no-25-limit').status).toBe('fail');
    expect(r.score).toBeLessThan(40);
    expect(r.recommendations[0]).toMatchObject({ id: 'migrate', priority: 1 });
    expect(r.recommendations[0]!.text.fr).toMatch(/ChemiCloud.*Le Plan Business HostGator NE résout PAS/);
  });

  it('grades Apache as "works, but slow": passes the minimum with a warning, fails LiteSpeed/NGINX', () => {
    const r = evaluate(
      { http: ok(http({ server: 'Apache/2.4.57', 'x-powered-by': 'PHP/8.1.2', 'cache-control': 'max-age=300', 'content-encoding': 'gzip' })) },
      { reverseDns: ['vps-1.vps.ovh.net'] },
    );
    expect(crit(r, 'not-apache-lamp')).toMatchObject({ status: 'pass' });
    expect(crit(r, 'not-apache-lamp').warning?.fr).toMatch(/fonctionne, mais lent/);
    expect(crit(r, 'litespeed-nginx')).toMatchObject({ status: 'fail' });
    expect(r.verdict).toBe('minimum');
    expect(r.recommendations.map((x) => x.id)).toContain('architecture');
  });

  it('does not let a missing CDN or compression decide the host’s tier, but recommends them', () => {
    const r = evaluate(
      {
        http: ok(
          http({ server: 'nginx/1.24.0', 'x-powered-by': 'PHP/8.3.1', 'cache-control': 'public, max-age=60', 'strict-transport-security': 'max-age=31536000' }),
        ),
      },
      { reverseDns: ['static.1.2.3.4.clients.your-server.de'] },
    );
    expect(crit(r, 'cdn')).toMatchObject({ status: 'fail', blocking: false });
    expect(crit(r, 'compression')).toMatchObject({ status: 'fail', blocking: false });
    expect(r.verdict).toBe('enterprise');
    expect(r.recommendations.map((x) => x.id)).toEqual(expect.arrayContaining(['cdn', 'compression']));
  });

  it('fails PHP below 8.0 and asks for the upgrade in the brief’s terms', () => {
    const r = evaluate({ http: ok(http({ server: 'nginx', 'x-powered-by': 'PHP/7.4.33' })) });
    expect(crit(r, 'php-8.0')).toMatchObject({ status: 'fail' });
    expect(r.verdict).toBe('incompatible');
    expect(r.recommendations.find((x) => x.id === 'upgrade-php')!.text.fr).toMatch(/minimum 8\.0/);
  });

  it('grants enterprise when every observable top-tier check passes', () => {
    const r = evaluate(
      { http: ok(http({ ...FAST_MODERN, 'cf-ray': '1-CDG', server: 'cloudflare' })) },
      { reverseDns: ['ec2-1-2-3-4.eu-west-3.compute.amazonaws.com'] },
    );
    expect(r.verdict).toBe('enterprise');
    expect(crit(r, 'autoscaling').status).toBe('pass');
    expect(r.score).toBeGreaterThanOrEqual(80);
  });

  it('stops at recommended when TLS 1.0 is still accepted, saying why', () => {
    const r = evaluate({
      http: ok(http({ ...FAST_MODERN, 'cf-ray': 'x' })),
      tls: ok(tls({ protocols: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true } })),
    });
    expect(r.verdict).toBe('recommended');
    expect(crit(r, 'tls-legacy-refused')).toMatchObject({ status: 'fail' });
    expect(r.blockers.map((b) => b.criterion)).toContain('tls-legacy-refused');
    expect(r.recommendations.map((x) => x.id)).toContain('tls-protocols');
  });

  it('caps a slow site (> 2 s) at minimum and recommends speed, CDN and cache', () => {
    const r = evaluate({ http: ok(http({ server: 'nginx' }, { totalMs: 2300, ttfbMs: 2200, samples: [{ ttfbMs: 2200, totalMs: 2300 }] })) });
    expect(crit(r, 'response-2s')).toMatchObject({ status: 'fail' });
    expect(crit(r, 'response-2s').reason.en).toMatch(/too slow: median 2300 ms/);
    expect(r.verdict).toBe('minimum');
    expect(r.recommendations.map((x) => x.id)).toEqual(expect.arrayContaining(['speed', 'cdn', 'cache']));
    const order = r.recommendations.map((x) => x.id);
    expect(order.indexOf('cdn')).toBeLessThan(order.indexOf('speed'));
  });

  it('fails certificates that are expired, self-signed or for another name', () => {
    const h = ok(http({ server: 'nginx' }));
    expect(
      crit(evaluate({ http: h, tls: ok(tls({ expired: true, daysToExpiry: -3, authorizationError: 'CERT_HAS_EXPIRED' })) }), 'ssl-valid').reason.en,
    ).toMatch(/Expired 3 day/);
    expect(crit(evaluate({ http: h, tls: ok(tls({ selfSigned: true, trusted: false })) }), 'ssl-valid').reason.en).toMatch(/Self-signed/);
    const wrong = evaluate({ http: h, tls: ok(tls({ hostnameMatch: false, hostnameError: "Host: site.example. is not in the cert's altnames" })) });
    expect(crit(wrong, 'ssl-valid')).toMatchObject({ status: 'fail' });
    expect(wrong.verdict).toBe('incompatible');
  });

  it('fails a server error and an unreachable site, and says a domain does not resolve', () => {
    const e500 = evaluate({ http: ok(http({ server: 'nginx' }, { status: 500 })) });
    expect(crit(e500, 'reachable').reason.en).toMatch(/HTTP error 500 \(server error\)/);
    expect(e500.verdict).toBe('incompatible');
    const down = evaluate({ http: ok(http({}, { reachable: false, error: 'connection refused (ECONNREFUSED)', status: null })) });
    expect(crit(down, 'reachable').reason.en).toMatch(/ECONNREFUSED/);
    expect(crit(down, 'php-8.0').status).toBe('unknown');
    const nx = evaluate({
      dns: ok(dns({ resolves: false, a: [], error: 'NXDOMAIN / no address' })),
      http: { ok: false, skipped: true, error: 'does not resolve' },
      tls: { ok: false, skipped: true, error: 'does not resolve' },
    });
    expect(nx.verdict).toBe('incompatible');
    expect(crit(nx, 'reachable').reason.fr).toMatch(/ne résout pas/);
  });

  it('turns a failed probe into unknown criteria, never a crash, and withholds required tiers', () => {
    const r = evaluate({ http: ok(http(FAST_MODERN)), tls: failed('TLS probe crashed') });
    expect(crit(r, 'ssl-valid')).toMatchObject({ status: 'unknown' });
    expect(crit(r, 'ssl-valid').reason.en).toMatch(/TLS probe failed: TLS probe crashed/);
    expect(crit(r, 'tls-legacy-refused').status).toBe('unknown');
    expect(r.verdict).toBe('incompatible');
    expect(r.blockers[0]!.criterion).toBe('ssl-valid');
  });

  it('judges the page load from the browser probe, unknown when it did not run', () => {
    const browser = (loadMs: number) =>
      ok({
        loaded: true,
        error: null,
        status: 200,
        loadMs,
        domContentLoadedMs: loadMs - 50,
        requests: 12,
        failedRequests: 0,
        transferredBytes: 50_000,
        consoleErrors: [],
        screenshot: true,
        screenshotBytes: 9000,
      });
    expect(crit(evaluate({ http: ok(http(FAST_MODERN)), browser: browser(900) }), 'page-load-3s')).toMatchObject({
      status: 'pass',
      reason: { en: 'Page loaded in 900 ms (DOMContentLoaded 850 ms, 12 requests, 0 console error(s)).' },
    });
    expect(crit(evaluate({ http: ok(http(FAST_MODERN)), browser: browser(4200) }), 'page-load-3s').status).toBe('fail');
    expect(crit(evaluate({ http: ok(http(FAST_MODERN)), browser: failed('Chromium crashed') }), 'page-load-3s')).toMatchObject({
      status: 'unknown',
      reason: { en: 'Browser probe failed: Chromium crashed' },
    });
    expect(crit(evaluate({ http: ok(http(FAST_MODERN)) }), 'page-load-3s').reason.en).toBe('Browser not run: not requested.');
  });

  it('keeps what cannot be seen from outside unknown, for the host to confirm', () => {
    const r = evaluate({ http: ok(http(FAST_MODERN)) });
    for (const id of ['ram-1gb', 'database', 'storage-ssd', 'bandwidth-10gb', 'ram-2gb', 'backup-daily', 'cpu-4-cores', 'apm', 'support-24-7']) {
      expect(crit(r, id)).toMatchObject({ status: 'unknown', observable: false });
    }
    expect(r.checklist.some((c) => /25 %/.test(c.fr))).toBe(true);
  });
});
