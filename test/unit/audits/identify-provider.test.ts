import { describe, expect, it } from 'vitest';
import { hostMatches, identifyProvider } from '../../../activities/audits/hosting/identify-provider.js';
import { PROVIDERS } from '../../../activities/audits/hosting/providers.js';

const none = { nameservers: [], reverseDns: [], headers: {} };

describe('provider data', () => {
  it('holds every provider of the brief’s matrix and blacklist, and the common others, with a class', () => {
    const names = PROVIDERS.map((p) => p.name);
    for (const n of [
      'ChemiCloud',
      'SiteGround',
      'A2 Hosting',
      'Cloudways',
      'Kinsta',
      'WP Engine',
      'HostGator',
      'GoDaddy',
      'Bluehost',
      'NameCheap',
      'o2switch',
      'Hostinger',
      'IONOS',
      'Infomaniak',
      'DigitalOcean',
      'Amazon Web Services',
      'Cloudflare',
      'Scaleway',
      'Gandi',
      'Hetzner',
    ]) {
      expect(names).toContain(n);
    }
    expect(names.some((n) => n.startsWith('OVHcloud'))).toBe(true);
    expect(
      PROVIDERS.filter((p) => p.class === 'shared-blacklisted')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['bluehost', 'godaddy', 'hostgator', 'namecheap', 'newfold']);
    expect(new Set(PROVIDERS.map((p) => p.id)).size).toBe(PROVIDERS.length);
  });
});

describe('identifyProvider', () => {
  it('matches suffixes on label boundaries only', () => {
    expect(hostMatches('gator4321.hostgator.com.', 'hostgator.com')).toBe(true);
    expect(hostMatches('nothostgator.com', 'hostgator.com')).toBe(false);
    expect(hostMatches('ns-1234.awsdns-12.org', 'awsdns-')).toBe(true);
  });

  it('identifies HostGator shared hosting from reverse DNS and nameservers, as blacklisted with high confidence', () => {
    const id = identifyProvider({
      nameservers: ['ns1234.hostgator.com', 'ns1235.hostgator.com'],
      reverseDns: ['gator4321.hostgator.com'],
      headers: { server: 'Apache' },
    });
    expect(id.hosting).toMatchObject({ id: 'hostgator', class: 'shared-blacklisted', blacklisted: true });
    expect(id.confidence).toBe('high');
    expect(id.hosting!.evidence.map((e) => e.kind).sort()).toEqual(['nameserver', 'nameserver', 'rdns']);
  });

  it('prefers where the site runs (reverse DNS) over who serves its DNS (nameservers)', () => {
    const id = identifyProvider({ nameservers: ['ns01.domaincontrol.com'], reverseDns: ['cluster021.hosting.ovh.net'], headers: {} });
    expect(id.hosting).toMatchObject({ id: 'ovh-shared', class: 'shared' });
    expect(id.dns).toMatchObject({ id: 'godaddy' });
  });

  it('picks the specific OVH entry over the generic one', () => {
    expect(identifyProvider({ ...none, reverseDns: ['vps-1a2b3c.vps.ovh.net'] }).hosting).toMatchObject({ id: 'ovh-vps', class: 'vps' });
  });

  it('reports a CDN apart and does not take its nameservers for the host', () => {
    const id = identifyProvider({
      nameservers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
      reverseDns: [],
      headers: { server: 'cloudflare', 'cf-ray': '1-CDG' },
    });
    expect(id.cdn.map((c) => c.id)).toEqual(['cloudflare']);
    expect(id.hosting).toBeNull();
    expect(id.dns).toMatchObject({ id: 'cloudflare' });
  });

  it('recognises managed hosts from their headers, even behind a CDN', () => {
    const id = identifyProvider({ nameservers: [], reverseDns: [], headers: { 'x-kinsta-cache': 'HIT', 'cf-ray': 'x' } });
    expect(id.hosting).toMatchObject({ id: 'kinsta', class: 'managed', recommended: true });
    expect(id.cdn.map((c) => c.id)).toEqual(['cloudflare']);
  });

  it('takes nameservers alone as a low-confidence guess, and answers none with no evidence', () => {
    expect(identifyProvider({ ...none, nameservers: ['dns1.bluehost.com'] })).toMatchObject({ hosting: { id: 'bluehost' }, confidence: 'low' });
    expect(identifyProvider(none)).toEqual({ hosting: null, cdn: [], dns: null, confidence: 'none' });
  });
});
