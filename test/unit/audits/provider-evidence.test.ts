/**
 * Provider identification from every kind of evidence, one family at a time, with what these
 * providers really send: headers (fingerprints, their server names in header values, base64 too),
 * the page (default / parking pages, cPanel paths, links to their servers, "hosted by"), the TLS
 * certificate (a shared server's names, a provider-only issuer), reverse DNS and nameservers.
 */
import { describe, expect, it } from 'vitest';
import { hostnamesIn, identifyProvider, type ProviderSignals } from '../../../activities/audits/hosting/identify-provider.js';
import { extractPageSignals } from '../../../activities/audits/hosting/page-signals.js';

const base: ProviderSignals = { nameservers: [], reverseDns: [], headers: {} };
const id = (s: Partial<ProviderSignals>) => identifyProvider({ ...base, ...s });
const page = (html: string) => extractPageSignals(html);

describe('page signals', () => {
  it('keeps the title, linked hosts, cPanel paths and whether it is a host’s default page', () => {
    const p = page(
      '<html><head><title>Default Web Site Page</title></head><body><img src="/cgi-sys/images/logo.png"><a href="http://gator4123.hostgator.com/~luna/">x</a><script>var x="ignored"</script> Hosted by HostGator</body></html>',
    );
    expect(p).toMatchObject({ title: 'Default Web Site Page', hosts: ['gator4123.hostgator.com'], panelPaths: ['/cgi-sys/images'], defaultPage: true });
    expect(p.text).not.toContain('ignored');
    expect(page('<title>Boutique</title><p>Bienvenue</p>').defaultPage).toBe(false);
  });
});

describe('header values', () => {
  it('finds host names in plain and base64 values', () => {
    expect(hostnamesIn('c2hhcmVkLmJsdWVob3N0LmNvbQ==')).toContain('shared.bluehost.com');
    expect(hostnamesIn('served by gator4123.hostgator.com')).toEqual(['gator4123.hostgator.com']);
    expect(hostnamesIn('Apache/2.4.57 (cPanel) OpenSSL/1.1.1w mod_bwlimited/1.4')).toEqual([]);
  });
});

describe('identifyProvider, per family', () => {
  it('HostGator from its headers and page alone: Endurance page cache, its server name, /cgi-sys/ and its name', () => {
    const r = id({
      headers: { server: 'Apache', 'x-endurance-cache-level': '2', 'x-server': 'gator4123.hostgator.com' },
      page: page('<title>Default Web Site Page</title><a href="/cgi-sys/defaultwebpage.cgi">cPanel</a> <p>HostGator</p>'),
    });
    expect(r.hosting).toMatchObject({ id: 'hostgator', blacklisted: true });
    expect(r.confidence).toBe('high');
    const kinds = r.hosting!.evidence.map((e) => `${e.kind}: ${e.detail}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'header: x-server names gator4123.hostgator.com',
        'header: x-endurance-cache-level: 2',
        expect.stringMatching(/^page: .*HostGator/),
      ]),
    );
  });

  it('the Newfold page-cache header alone: the HostGator / Bluehost family, blacklisted', () => {
    const r = id({ headers: { 'x-newfold-cache-level': '2' } });
    expect(r.hosting).toMatchObject({ id: 'newfold', blacklisted: true });
  });

  it('Bluehost from its base64 host-header, the family header joining it', () => {
    const r = id({ headers: { 'host-header': 'c2hhcmVkLmJsdWVob3N0LmNvbQ==', 'x-endurance-cache-level': '2' } });
    expect(r.hosting).toMatchObject({ id: 'bluehost', blacklisted: true });
    expect(r.hosting!.evidence).toHaveLength(2);
  });

  it('GoDaddy from its parking page and its assets, and from a shared server’s certificate', () => {
    expect(
      id({ page: page('<title>Coming Soon</title><img src="https://img1.wsimg.com/x.png"><p>Future home of something quite cool</p>') }).hosting,
    ).toMatchObject({ id: 'godaddy', blacklisted: true });
    const cert = id({ certificate: { issuer: 'GoDaddy.com, Inc. (Go Daddy Secure Certificate Authority - G2)', names: ['*.prod.phx3.secureserver.net'] } });
    expect(cert).toMatchObject({ hosting: { id: 'godaddy' }, confidence: 'high' });
    // a GoDaddy-issued certificate alone is a weak hint: people buy them for sites hosted anywhere
    expect(id({ certificate: { issuer: 'Starfield Technologies (Starfield Secure CA - G2)', names: ['www.shop.fr'] } })).toMatchObject({
      hosting: { id: 'godaddy' },
      confidence: 'low',
    });
  });

  it('NameCheap from the reverse DNS of its shared servers', () => {
    expect(id({ reverseDns: ['server123-3.web-hosting.com'] }).hosting).toMatchObject({ id: 'namecheap', blacklisted: true });
  });

  it('a page that merely mentions a provider is no evidence; “hosted by” is', () => {
    expect(id({ page: page('<title>Avis</title><p>Nous avons quitté GoDaddy et Bluehost l’an dernier.</p>') }).hosting).toBeNull();
    expect(id({ page: page('<title>Agence</title><footer>Site hébergé par o2switch</footer>') }).hosting).toMatchObject({ id: 'o2switch' });
  });

  it('OVHcloud shared hosting from its load balancer headers and its cluster certificate', () => {
    expect(id({ headers: { 'x-iplb-instance': '42', 'x-iplb-request-id': 'AB' } }).hosting).toMatchObject({ id: 'ovh-shared', class: 'shared' });
    expect(id({ certificate: { issuer: "Let's Encrypt (R11)", names: ['*.cluster021.hosting.ovh.net'] } }).hosting).toMatchObject({ id: 'ovh-shared' });
  });

  it('o2switch from its Server banner', () => {
    expect(id({ headers: { server: 'o2switch-PowerBoost-v3' } }).hosting).toMatchObject({ id: 'o2switch', class: 'shared' });
  });

  it('Hostinger from its platform / panel headers and its CDN', () => {
    expect(id({ headers: { platform: 'hostinger', panel: 'hpanel', server: 'hcdn' } }).hosting).toMatchObject({ id: 'hostinger' });
    expect(id({ reverseDns: ['srv123.hstgr.io'] }).hosting).toMatchObject({ id: 'hostinger' });
  });

  it('IONOS, Infomaniak, LWS, PlanetHoster from reverse DNS or their page', () => {
    expect(id({ reverseDns: ['infong1234.kundenserver.de'] }).hosting).toMatchObject({ id: 'ionos', class: 'mixed' });
    expect(id({ reverseDns: ['web27.ha.infomaniak.ch'] }).hosting).toMatchObject({ id: 'infomaniak' });
    expect(id({ page: page('<title>Site en construction</title><p>Ce domaine est hébergé chez LWS</p>') }).hosting).toMatchObject({ id: 'lws' });
    expect(id({ reverseDns: ['node12-ca.n0c.com'] }).hosting).toMatchObject({ id: 'planethoster' });
  });

  it('SiteGround, Kinsta and WP Engine (recommended) from their headers and certificates', () => {
    expect(id({ headers: { 'host-header': '6b7412fb82ca5edfd0917e3957f05d89', 'x-proxy-cache': 'HIT' } }).hosting).toMatchObject({
      id: 'siteground',
      recommended: true,
    });
    expect(id({ headers: { 'ki-cache-type': 'None', 'cf-ray': 'x' } }).hosting).toMatchObject({ id: 'kinsta', recommended: true });
    const wpe = id({
      headers: { 'x-pass-why': '', 'x-powered-by': 'WP Engine' },
      certificate: { issuer: "Let's Encrypt (R10)", names: ['site.wpengine.com', 'www.site.fr'] },
    });
    expect(wpe.hosting).toMatchObject({ id: 'wpengine' });
    expect(new Set(wpe.hosting!.evidence.map((e) => e.kind))).toEqual(new Set(['header', 'certificate']));
  });

  it('Cloudflare in front from its headers and its certificate; the issuer alone is not the host', () => {
    const r = id({
      headers: { server: 'cloudflare', 'cf-ray': '1-CDG' },
      certificate: { issuer: 'Cloudflare, Inc. (Cloudflare Inc ECC CA-3)', names: ['sni.cloudflaressl.com', 'site.fr'] },
    });
    expect(r.cdn.map((c) => c.id)).toEqual(['cloudflare']);
    expect(r.hosting).toBeNull();
  });

  it('every fact comes with its evidence and weight', () => {
    const r = id({ reverseDns: ['gator4123.hostgator.com'], nameservers: ['ns1.hostgator.com'] });
    for (const e of r.hosting!.evidence)
      expect(e).toEqual({ providerId: 'hostgator', kind: expect.any(String), detail: expect.any(String), weight: expect.any(Number) });
  });
});
