import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_SITES_DIR, startAgencySites, staticFile, type AgencySites } from '../../sandbox/agency-sites.js';

const root = join(AGENCY_SITES_DIR, 'immo-lumiere');

describe('demo agency sites (sandbox/agency-sites)', () => {
  it('maps URL paths to the site files, and anything else to a 404', () => {
    expect(staticFile(root, '/')).toBe(join(root, 'index.html'));
    expect(staticFile(root, '/nos-biens/?page=1#top')).toBe(join(root, 'nos-biens', 'index.html'));
    expect(staticFile(root, '/nos-biens')).toBe(join(root, 'nos-biens', 'index.html'));
    expect(staticFile(root, '/robots.txt')).toBe(join(root, 'robots.txt'));
    expect(staticFile(root, '/absent/')).toBeUndefined();
    expect(staticFile(root, '/%2e%2e/agence-du-parc/robots.txt')).toBeUndefined();
    expect(staticFile(root, '/%E0%A4%A')).toBeUndefined();
    expect(staticFile(root, '/a%00b')).toBeUndefined();
  });

  describe('served', () => {
    let sites: AgencySites;
    beforeAll(async () => {
      sites = await startAgencySites({ port: 0 });
    });
    afterAll(() => sites.stop());

    it('answers each site on its own loopback address, and a malformed path with a 404', async () => {
      expect(sites.sites.map((s) => s.name)).toEqual(['immo-lumiere', 'agence-du-parc']);
      const [lumiere, parc] = sites.sites;
      expect(new URL(lumiere!.url).hostname).not.toBe(new URL(parc!.url).hostname);
      const robots = await fetch(new URL('/robots.txt', parc!.url));
      expect(robots.status).toBe(200);
      expect(robots.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await robots.text()).toMatch(/Crawl-delay: 1/i);
      const page = await fetch(new URL('/nos-biens/', lumiere!.url));
      expect(await page.text()).toContain('"ItemList"');
      const bad = await fetch(`${lumiere!.url}%E0%A4%A`);
      expect(bad.status).toBe(404);
      expect((await fetch(lumiere!.url)).status).toBe(200);
    });
  });
});
