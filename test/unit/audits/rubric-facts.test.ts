/**
 * The rubric's facts and advice: each certificate fault with its own reason, the http → https
 * criterion, "unknown" (never pass, never a misleading fail) for whatever a probe could not see,
 * and fixes written for the site's web server and control panel.
 */
import { describe, expect, it } from 'vitest';
import { certificateChecks } from '../../../activities/audits/hosting/certificate-checks.js';
import { extractPageSignals } from '../../../activities/audits/hosting/page-signals.js';
import { detectStack } from '../../../activities/audits/hosting/stack.js';
import { crit, evaluate, FAST_MODERN, http, ok, tls } from './rubric-input.js';

const rec = (r: ReturnType<typeof evaluate>, id: string) => r.recommendations.find((x) => x.id === id)?.text.en ?? '';
const status = (checks: ReturnType<typeof certificateChecks>) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe('certificate facts, each on its own', () => {
  it('a valid chain for the wrong name is a name fault, not an untrusted chain', () => {
    const c = certificateChecks(tls({ hostnameMatch: false, names: ['other.example', 'www.other.example'] }));
    expect(status(c)).toEqual({ 'self-signed': 'pass', chain: 'pass', name: 'fail', dates: 'pass' });
    expect(c.find((x) => x.id === 'name')!.reason.en).toBe('Does not cover site.example: issued for other.example, www.other.example.');
  });

  it('an expired certificate from a trusted CA is a date fault with a trusted chain', () => {
    const c = certificateChecks(tls({ expired: true, daysToExpiry: -3, validTo: '2026-11-18T00:00:00.000Z', authorizationError: 'CERT_HAS_EXPIRED' }));
    expect(status(c)).toEqual({ 'self-signed': 'pass', chain: 'pass', name: 'pass', dates: 'fail' });
  });

  it('self-signed is reported as such, apart from an unknown authority', () => {
    expect(status(certificateChecks(tls({ selfSigned: true, trusted: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' })))).toMatchObject({
      'self-signed': 'fail',
      chain: 'fail',
    });
    const unknownCa = certificateChecks(tls({ trusted: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }));
    expect(status(unknownCa)).toMatchObject({ 'self-signed': 'pass', chain: 'fail' });
    expect(unknownCa.find((x) => x.id === 'chain')!.reason.en).toMatch(/^Chain not trusted \(UNABLE_TO_GET_ISSUER_CERT_LOCALLY\)/);
  });

  it('the SSL criterion carries the checks and names every fault', () => {
    const r = evaluate({
      http: ok(http(FAST_MODERN)),
      tls: ok(tls({ hostnameMatch: false, names: ['x.example'], expired: true, daysToExpiry: -1, authorizationError: 'CERT_HAS_EXPIRED' })),
    });
    const c = crit(r, 'ssl-valid');
    expect(c.status).toBe('fail');
    expect(c.reason.en).toMatch(/Does not cover site\.example.*Expired 1 day/);
    expect(c.checks).toHaveLength(4);
  });
});

describe('http → https', () => {
  it('passes a redirect, fails its absence with advice, and says why it was not checked', () => {
    expect(crit(evaluate({ http: ok(http(FAST_MODERN)) }), 'https-redirect').status).toBe('pass');
    const plain = evaluate({
      http: ok(
        http({ server: 'nginx/1.24.0' }, { httpsRedirect: false, httpsRedirectDetail: 'http://site.example/ answers 200 without redirecting to https' }),
      ),
    });
    expect(crit(plain, 'https-redirect')).toMatchObject({ status: 'fail', blocking: false });
    expect(rec(plain, 'https-redirect')).toContain('return 301 https://$host$request_uri;');
    const untested = evaluate({
      http: ok(http(FAST_MODERN, { httpsRedirect: null, httpsRedirectDetail: 'not tested: the audited URL uses a non-default port (8443)' })),
    });
    expect(crit(untested, 'https-redirect')).toMatchObject({ status: 'unknown', reason: { en: expect.stringMatching(/non-default port/) } });
  });
});

describe('what a probe could not see is unknown', () => {
  const down = () =>
    http({}, { reachable: false, error: 'connection refused (ECONNREFUSED)', status: null, server: { raw: null, family: null, version: null } });
  it('an unreachable site: not-blacklisted unknown, no “No HTTPS”, no browser port error as the page-load fact', () => {
    const r = evaluate({
      http: ok(down()),
      tls: ok(tls({ connected: false, error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9' })),
      browser: ok({
        loaded: false,
        error: 'page.goto: net::ERR_CONNECTION_REFUSED at https://site.example:9/',
        status: null,
        loadMs: null,
        domContentLoadedMs: null,
        requests: 1,
        failedRequests: 1,
        transferredBytes: 0,
        consoleErrors: [],
        screenshot: false,
        screenshotBytes: 0,
      }),
    });
    expect(crit(r, 'reachable').status).toBe('fail');
    expect(crit(r, 'not-blacklisted')).toMatchObject({ status: 'unknown', reason: { en: expect.stringMatching(/^Host not identified: Site unreachable/) } });
    expect(crit(r, 'ssl-valid')).toMatchObject({ status: 'unknown', reason: { en: expect.stringMatching(/cannot be checked/) } });
    expect(crit(r, 'page-load-3s')).toMatchObject({ status: 'unknown', reason: { en: expect.stringMatching(/^Page not loaded: Site unreachable/) } });
    expect(crit(r, 'https-redirect').status).toBe('unknown');
    expect(r.criteria.filter((c) => c.status === 'pass').map((c) => c.id)).toEqual([]);
  });

  it('an http-only site that answers: its closed 443 is a real “No HTTPS”', () => {
    const r = evaluate({
      http: ok(http({ server: 'Apache' }, { finalUrl: 'http://site.example/', httpsRedirect: false })),
      tls: ok(tls({ connected: false, error: 'ECONNREFUSED: connect ECONNREFUSED' })),
    });
    expect(crit(r, 'ssl-valid')).toMatchObject({ status: 'fail', reason: { en: expect.stringMatching(/^No HTTPS on site\.example:443/) } });
  });

  it('Chromium’s own refusal of a port is not a page-load fact', () => {
    const r = evaluate({
      http: ok(http(FAST_MODERN)),
      browser: ok({
        loaded: false,
        error: 'net::ERR_UNSAFE_PORT',
        status: null,
        loadMs: null,
        domContentLoadedMs: null,
        requests: 0,
        failedRequests: 0,
        transferredBytes: 0,
        consoleErrors: [],
        screenshot: false,
        screenshotBytes: 0,
      }),
    });
    expect(crit(r, 'page-load-3s').status).toBe('unknown');
  });

  it('a blacklisted host seen in the headers and page is flagged and gets migration advice', () => {
    const headers = { server: 'Apache', 'x-powered-by': 'PHP/8.1.2', 'x-endurance-cache-level': '2' };
    const page = extractPageSignals('<title>Default Web Site Page</title><img src="/cgi-sys/images/x.png"> HostGator');
    const r = evaluate({ http: ok(http(headers, { page })) }, { nameservers: ['ns1.registrar.example'], page });
    expect(r.blacklisted).toBe(true);
    expect(r.verdict).toBe('incompatible');
    expect(r.recommendations[0]!.id).toBe('migrate');
  });
});

describe('advice per server and panel', () => {
  const failing = (headers: Record<string, string>, html = '<title>x</title>') =>
    evaluate({
      http: ok(http({ 'x-powered-by': 'PHP/7.4.33', ...headers }, { httpsRedirect: false, http2: false, alpn: 'http/1.1', page: extractPageSignals(html) })),
      tls: ok(tls({ protocols: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true } })),
    });

  it('Apache: .htaccess and mod_ directives, never nginx’s', () => {
    const r = failing({ server: 'Apache/2.4.57' });
    expect(rec(r, 'https-redirect')).toContain('RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [L,R=301]');
    expect(rec(r, 'hsts')).toContain('Header always set Strict-Transport-Security');
    expect(rec(r, 'compression')).toContain('AddOutputFilterByType DEFLATE');
    expect(rec(r, 'tls-protocols')).toContain('SSLProtocol -all +TLSv1.2 +TLSv1.3');
    expect(rec(r, 'http2')).toContain('Protocols h2 http/1.1');
    expect(r.recommendations.map((x) => x.text.en).join(' ')).not.toMatch(/ssl_protocols|add_header|gzip on|listen 443/);
  });

  it('nginx: server-block directives', () => {
    const r = failing({ server: 'nginx/1.24.0' });
    expect(rec(r, 'tls-protocols')).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(rec(r, 'hsts')).toContain('add_header Strict-Transport-Security "max-age=63072000" always;');
    expect(rec(r, 'http2')).toContain('listen 443 ssl http2;');
    expect(r.recommendations.map((x) => x.text.en).join(' ')).not.toMatch(/\.htaccess|SSLProtocol/);
  });

  it('LiteSpeed: WebAdmin and the .htaccess rules it reads', () => {
    const r = failing({ server: 'LiteSpeed' });
    expect(rec(r, 'tls-protocols')).toContain('WebAdmin → Listeners → SSL');
    expect(rec(r, 'https-redirect')).toContain('LiteSpeed reads Apache rules');
  });

  it('PHP upgrades in the panel the site runs on: cPanel, Plesk, none', () => {
    const cpanel = failing({ server: 'Apache' }, '<title>x</title><a href="/cgi-sys/defaultwebpage.cgi">x</a>');
    expect(rec(cpanel, 'upgrade-php')).toContain('cPanel → MultiPHP Manager');
    expect(rec(cpanel, 'https-redirect')).toMatch(
      /^Redirect http to https \(301\)\. cPanel → Domains → “Force HTTPS Redirect”\. Otherwise: Apache, in \.htaccess/,
    );
    const plesk = failing({ server: 'nginx', 'x-powered-by': 'PHP/7.4.33, PleskLin' });
    expect(rec(plesk, 'upgrade-php')).toContain('Plesk → PHP Settings');
    const none = failing({ server: 'nginx' });
    expect(rec(none, 'upgrade-php')).toContain('fastcgi_pass');
    expect(rec(none, 'upgrade-php')).not.toMatch(/cPanel|Plesk/);
  });

  it('tells the panel from its evidence', () => {
    expect(detectStack({ server: null, headers: { server: 'Apache/2.4.57 (cPanel) mod_bwlimited/1.4' } })).toMatchObject({
      server: 'unknown',
      panel: 'cpanel',
    });
    expect(detectStack({ server: null, headers: {}, certIssuer: 'cPanel, Inc. (cPanel, Inc. Certification Authority)' }).panel).toBe('cpanel');
    expect(detectStack({ server: null, headers: { panel: 'hpanel' } }).panel).toBe('hpanel');
    expect(detectStack({ server: null, headers: {} })).toEqual({ server: 'unknown', panel: 'none', panelEvidence: [] });
  });
});
