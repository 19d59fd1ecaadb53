/**
 * Watches extraction over the fixture agency sites (sites.json): every detail page gives its listing,
 * list pages give cards, links and pagination (themes included), every site's format is recognised.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { detectFormat, extractPage, type ExtractResult } from '../../activities/watches/extract/index.js';
import { ORIGIN, page } from '../support/watches/extract-page.js';
import { fixtureFile, fixtureSites, readFixture } from '../support/watches-fixtures.js';

const sites = fixtureSites();
const htmlSites = sites.filter((s) => !s.needsBrowser);

describe('detail pages of every fixture site give the listing sites.json expects', () => {
  for (const site of htmlSites) {
    for (const exp of site.listings) {
      if (site.format === 'shopify' && !fixtureFile(site.name, exp.path)) continue;
      it(`${site.name}${exp.path}`, () => {
        const r = page(site.name, exp.path);
        expect(r.format).toBe(site.format);
        expect(r.pageKind).toBe('detail');
        expect(r.needsBrowser).toBe(false);
        expect(r.listings).toHaveLength(1);
        const l = r.listings[0]!;
        expect(l.sourceUrl).toBe(ORIGIN[site.name] + exp.path);
        const { path: _p, ...fields } = exp;
        expect(l).toMatchObject(fields);
        expect(l.photos.length).toBeGreaterThan(0);
        expect(l.photos.every((p) => /^https?:\/\//.test(p))).toBe(true);
        expect(l.description?.length ?? 0).toBeGreaterThan(40);
        expect(l.quality).toBeGreaterThanOrEqual(0.85);
      });
    }
  }
});

describe('list pages give cards, links to every listing and the pagination', () => {
  for (const site of htmlSites) {
    it(`${site.name}: ${site.listPages.join(', ')}`, () => {
      const found = new Map<string, ExtractResult['listings'][number]>();
      const links = new Set<string>();
      const next = new Set<string>();
      for (const path of site.listPages) {
        const r = page(site.name, path);
        expect(r.pageKind).toBe('list');
        expect(r.warnings).toEqual([]);
        for (const l of r.listings) found.set(l.sourceUrl, l);
        for (const u of r.listingLinks) links.add(u);
        for (const u of r.nextPages) next.add(u);
      }
      const expected = site.listings.map((l) => ORIGIN[site.name] + l.path);
      expect([...found.keys()].sort()).toEqual([...expected].sort());
      for (const u of expected) expect(links).toContain(u);
      // Links never point at chrome pages or at the pagination.
      for (const u of links) expect(expected).toContain(u);
      for (const exp of site.listings) {
        const l = found.get(ORIGIN[site.name] + exp.path)!;
        expect(l.price).toBe(exp.price);
        expect(l.transaction).toBe(exp.transaction);
        expect(l.surface).toBe(exp.surface);
        expect(l.propertyType).toBe(exp.propertyType);
        if (exp.rooms !== undefined) expect(l.rooms).toBe(exp.rooms);
      }
      if (site.listPages.length > 1) for (const p of site.listPages.slice(1)) expect(next).toContain(ORIGIN[site.name] + p);
    });
  }

  it('Houzez: the theme is recognised, the footer widget and similar listings are not cards', () => {
    const r = page('agence-du-parc', '/proprietes/');
    expect(r.theme).toBe('houzez');
    expect(r.listings.map((l) => l.title)).toEqual([
      'Appartement T4 avec terrasse – Part-Dieu',
      'Appartement 2 pièces Brotteaux',
      'Maison 6 pièces avec piscine',
    ]);
    expect(r.listings[0]).toMatchObject({ bedrooms: 3, bathrooms: 1, postalCode: '69003', city: 'Lyon', externalId: 'ADP-4410' });
    expect(r.nextPages).toEqual(['https://agence-du-parc.fr/proprietes/page/2/']);
    const detail = page('agence-du-parc', '/propriete/appartement-2-pieces-brotteaux/');
    expect(detail.listings).toHaveLength(1);
    expect(detail.listingLinks).toEqual(expect.arrayContaining(['https://agence-du-parc.fr/propriete/appartement-t4-terrasse-part-dieu/']));
  });

  it.each([
    [
      'realhomes',
      [
        ['Maison 5 pièces Tours Nord', 329_000, 128, 'house', '37100'],
        ['Appartement T2 Vieux Tours', 158_000, 41, 'apartment', '37000'],
      ],
    ],
    [
      'wpresidence',
      [
        ['Villa avec piscine – Amboise', 545_000, 185, 'house', '37400'],
        ['Studio meublé gare', 490, 22, 'apartment', '37000'],
      ],
    ],
    [
      'estatik',
      [
        ['Longère rénovée', 265_000, 140, 'house', '37500'],
        ['Terrain à bâtir', 62_000, 900, 'land', '37600'],
      ],
    ],
    [
      'epl',
      [
        ['Bureaux 95 m² Tours centre', 210_000, 95, 'commercial', '37000'],
        ['Garage fermé', 18_500, 15, 'parking', '37300'],
      ],
    ],
  ] as const)('%s cards', (theme, rows) => {
    const r = extractPage(readFixture(`themes/${theme}.html`), 'https://agence-tours.fr/biens/');
    expect(r.format).toBe('wordpress');
    expect(r.theme).toBe(theme);
    expect(r.listings.map((l) => [l.title, l.price, l.surface, l.propertyType, l.postalCode])).toEqual(rows);
    expect(r.listingLinks).toHaveLength(2);
  });

  it('WP Residence rent card is a rent', () => {
    const r = extractPage(readFixture('themes/wpresidence.html'), 'https://agence-tours.fr/biens/');
    expect(r.listings[1]).toMatchObject({ price: 490, transaction: 'rent', rooms: 1 });
  });
});

describe('site formats', () => {
  it.each([
    ['<meta name="generator" content="WordPress 6.6.2">', {}, 'wordpress'],
    ['<link rel="stylesheet" href="/wp-content/themes/x/style.css">', {}, 'wordpress'],
    ['<html></html>', { Link: '<https://a.fr/wp-json/>; rel="https://api.w.org/"' }, 'wordpress'],
    ['<meta name="generator" content="Wix.com Website Builder"/>', {}, 'wix'],
    ['<html></html>', { 'X-Wix-Request-Id': '1.2.3' }, 'wix'],
    ['<script src="https://cdn.shopify.com/s/x.js"></script>', {}, 'shopify'],
    ['<html></html>', { 'x-shopid': '123' }, 'shopify'],
    ['<html><body>Bonjour</body></html>', {}, 'generic'],
  ] as const)('%s %j → %s', (html, headers, format) => expect(detectFormat(html, 'https://a.fr/', headers)).toBe(format));

  it('every fixture site is recognised', () => {
    for (const site of sites) {
      const file = fixtureFile(site.name, site.listPages[0]!)!;
      expect(detectFormat(readFileSync(file, 'utf8'), ORIGIN[site.name]!), site.name).toBe(site.format);
    }
  });
});
