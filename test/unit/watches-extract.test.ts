import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { detectFormat, extractPage, extractShopifyProducts, type ExtractResult } from '../../activities/watches/extract/index.js';
import { repairJson } from '../../activities/watches/extract/structured/json-ld.js';
import { fixtureFile, fixtureSites, readFixture } from '../support/watches-fixtures.js';

const ORIGIN: Record<string, string> = {
  'immo-lumiere': 'https://www.immo-lumiere.fr',
  'agence-du-parc': 'https://agence-du-parc.fr',
  'maison-azur': 'https://www.maisonazur.fr',
  'cotes-immo': 'https://cotes-immo.fr',
  'spa-nexthome': 'https://nexthome.fr',
  'cabinet-graslin': 'http://www.cabinet-graslin.fr',
};

function page(site: string, path: string): ExtractResult {
  const file = fixtureFile(site, path);
  if (!file) throw new Error(`no fixture for ${site}${path}`);
  return extractPage(readFileSync(file, 'utf8'), ORIGIN[site] + path);
}

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

describe('structured data', () => {
  it('reads a Yoast-style @graph with @id references and keeps one listing', () => {
    const r = page('immo-lumiere', '/annonce/appartement-t3-lumineux-bastille/');
    expect(r.warnings).toEqual([]);
    expect(r.listings[0]).toMatchObject({
      bedrooms: 2,
      bathrooms: 1,
      address: '14 rue de la Roquette, 75011 Paris',
      externalId: 'IL-2041',
      features: expect.arrayContaining(['balcony', 'elevator', 'cellar', 'double_glazing']),
    });
    expect(r.listings[0]!.photos).toContain('https://www.immo-lumiere.fr/wp-content/uploads/2026/10/bastille-sejour.jpg');
  });
  it('repairs malformed JSON-LD and says so', () => {
    const r = page('immo-lumiere', '/annonce/maison-de-ville-avec-jardin-montreuil/');
    expect(r.warnings).toContain('repaired malformed JSON-LD block');
    expect(r.listings[0]).toMatchObject({ price: 749_000, surface: 112, rooms: 5, bedrooms: 4, propertyType: 'house' });
    expect(JSON.parse(repairJson('{"a": "x\ny", // c\n "b": [1,2,],}'))).toEqual({ a: 'x\ny', b: [1, 2] });
  });
  it('skips JSON-LD that cannot be repaired and falls back on the page', () => {
    const html = `<html><head><script type="application/ld+json">{"@type": "RealEstateListing", "name": </script></head>
      <body><main><h1>Appartement 2 pièces</h1><p class="price">210 000 €</p><p>Surface : 40 m² – 69007 Lyon</p></main></body></html>`;
    const r = extractPage(html, 'https://a.fr/bien/12');
    expect(r.warnings).toContain('unparseable JSON-LD block skipped');
    expect(r.listings[0]).toMatchObject({ title: 'Appartement 2 pièces', price: 210_000, surface: 40, rooms: 2, postalCode: '69007', city: 'Lyon' });
  });
  it('reads microdata', () => {
    const html = `<html><body><div itemscope itemtype="https://schema.org/Product">
      <h1 itemprop="name">Maison 4 pièces avec jardin</h1><meta itemprop="sku" content="MD-77">
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price" content="312000">312 000 €</span><meta itemprop="priceCurrency" content="EUR"></div>
      <p itemprop="description">Maison de 96 m² à 37000 Tours, 3 chambres, jardin.</p><img itemprop="image" src="/img/m1.jpg"></div></body></html>`;
    const r = extractPage(html, 'https://agence.fr/maison-4-pieces');
    expect(r.pageKind).toBe('detail');
    expect(r.listings[0]).toMatchObject({
      title: 'Maison 4 pièces avec jardin',
      externalId: 'MD-77',
      price: 312_000,
      rooms: 4,
      surface: 96,
      bedrooms: 3,
      postalCode: '37000',
      propertyType: 'house',
      photos: ['https://agence.fr/img/m1.jpg'],
    });
  });
  it('an ItemList with full items on a list page gives one listing per item', () => {
    const ld = {
      '@context': 'https://schema.org',
      '@type': 'ItemList',
      itemListElement: [1, 2].map((i) => ({
        '@type': 'ListItem',
        position: i,
        item: {
          '@type': 'RealEstateListing',
          url: `/bien/${i}`,
          name: `Appartement ${i + 1} pièces`,
          offers: { '@type': 'Offer', price: `${200 + i}000`, priceCurrency: 'EUR' },
          about: {
            '@type': 'Apartment',
            floorSize: { '@type': 'QuantitativeValue', value: 40 + i, unitCode: 'MTK' },
            address: { '@type': 'PostalAddress', postalCode: '31000', addressLocality: 'Toulouse' },
          },
        },
      })),
    };
    const r = extractPage(
      `<html><head><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body><h1>Biens</h1></body></html>`,
      'https://a.fr/biens',
    );
    expect(r.pageKind).toBe('list');
    expect(r.listings.map((l) => [l.sourceUrl, l.price, l.surface, l.rooms, l.city])).toEqual([
      ['https://a.fr/bien/1', 201_000, 41, 2, 'Toulouse'],
      ['https://a.fr/bien/2', 202_000, 42, 3, 'Toulouse'],
    ]);
    expect(r.listingLinks).toEqual(['https://a.fr/bien/1', 'https://a.fr/bien/2']);
  });
  it('ignores offers in another currency', () => {
    const ld = { '@type': 'Product', name: 'Flat in London', offers: { '@type': 'Offer', price: 500000, priceCurrency: 'GBP' } };
    const r = extractPage(`<script type="application/ld+json">${JSON.stringify(ld)}</script><h1>Flat in London</h1>`, 'https://a.co.uk/flat');
    expect(r.listings[0]?.price).toBeUndefined();
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

describe('pages a browser must render', () => {
  it('flags an empty SPA shell and a Next.js shell, with no listing', () => {
    for (const [file, url] of [
      ['spa-nexthome/index.html', 'https://nexthome.fr/'],
      ['nextjs-shell.html', 'https://immo-express.fr/annonces'],
    ]) {
      const r = extractPage(readFixture(file!), url!);
      expect(r.needsBrowser, file).toBe(true);
      expect(r.listings).toEqual([]);
    }
  });
  it('does not flag server-rendered Wix pages nor a short but real page', () => {
    expect(page('maison-azur', '/nos-annonces').needsBrowser).toBe(false);
    expect(extractPage('<html><body><h1>Contact</h1><p>Appelez-nous au 01 02 03 04 05.</p></body></html>', 'https://a.fr/contact').needsBrowser).toBe(false);
  });
  it('reads the page once rendered (what Chromium would return)', () => {
    const rendered = readFixture('spa-nexthome/index.html').replace(
      '<div id="root"></div>',
      `<div id="root"><main><section class="annonces">
      <article class="card annonce-item"><a href="/annonce/nh-5101"><img src="/assets/photos/nh-5101.jpg"></a><h2 class="title"><a href="/annonce/nh-5101">Appartement T3 – Capitole</a></h2><p class="place">31000 Toulouse</p><p class="facts">64 m² · 3 pièces · 2 chambres</p><p class="price">335 000 €</p></article>
      <article class="card annonce-item"><a href="/annonce/nh-5103"><img src="/assets/photos/nh-5103.jpg"></a><h2 class="title"><a href="/annonce/nh-5103">Studio meublé – Carmes</a></h2><p class="place">31000 Toulouse</p><p class="facts">21 m² · 1 pièce</p><p class="price">620 € /mois</p></article>
      </section></main></div>`,
    );
    const r = extractPage(rendered, 'https://nexthome.fr/');
    expect(r.needsBrowser).toBe(false);
    expect(r.listings.map((l) => [l.sourceUrl, l.price, l.transaction, l.surface, l.rooms])).toEqual([
      ['https://nexthome.fr/annonce/nh-5101', 335_000, 'sale', 64, 3],
      ['https://nexthome.fr/annonce/nh-5103', 620, 'rent', 21, 1],
    ]);
  });
});

describe('bad input never throws', () => {
  it('garbage HTML: zero listings and a warning', () => {
    const r = extractPage(readFixture('garbage.html'), 'https://x.fr/');
    expect(r.listings).toEqual([]);
    expect(r.warnings.length).toBeGreaterThan(0);
  });
  it.each([
    ['', 'empty page'],
    ['   ', 'empty page'],
    ['{"products": []}', 'content does not look like HTML'],
    ['\u0000\u0001\u0002\u0003', 'content does not look like HTML'],
  ])('%j warns %s', (html, warning) => {
    const r = extractPage(html, 'https://x.fr/');
    expect(r.listings).toEqual([]);
    expect(r.warnings).toContain(warning);
  });
  it('an invalid page URL or a non-string body', () => {
    expect(extractPage('<p>x</p>', 'not a url').warnings[0]).toMatch(/invalid page URL/);
    expect(extractPage(undefined as unknown as string, 'https://x.fr/').warnings).toEqual(['empty page']);
  });
  it('deeply nested and huge pages', () => {
    const deep = '<div>'.repeat(5000) + '<p>Prix : 100 000 €</p>' + '</div>'.repeat(5000);
    expect(() => extractPage(deep, 'https://x.fr/')).not.toThrow();
    const huge = '<html><body>' + '<p>Bonjour 75011 Paris 12 m² 3 pièces</p>'.repeat(5_000) + '</body></html>';
    const r = extractPage(huge, 'https://x.fr/', { maxHtmlChars: 100_000 });
    expect(r.warnings.some((w) => w.startsWith('page truncated'))).toBe(true);
  });
});

describe("the source's selectors", () => {
  const html = `<html><body><div class="grille">
    <div class="x-bien"><span class="x-nom">Appartement lumineux</span><span class="x-px">245000</span><span class="x-sf">52</span><span class="x-pc">2</span><a class="x-go" href="/fiche?id=81">Voir</a><a href="/agence">Agence</a></div>
    <div class="x-bien"><span class="x-nom">Maison de village</span><span class="x-px">189000</span><span class="x-sf">88</span><span class="x-pc">4</span><a class="x-go" href="/fiche?id=82">Voir</a><a href="/agence">Agence</a></div>
    </div><a class="suiv" href="/liste?start=20">&gt;</a></body></html>`;
  const selectors = { item: '.x-bien', title: '.x-nom', price: '.x-px', surface: '.x-sf', rooms: '.x-pc', link: '.x-go', nextPage: 'a.suiv' };
  it('drive list extraction when automatic detection would not', () => {
    expect(extractPage(html, 'https://a.fr/liste').listings).toEqual([]);
    const r = extractPage(html, 'https://a.fr/liste', { selectors });
    expect(r.listings.map((l) => [l.sourceUrl, l.title, l.price, l.surface, l.rooms])).toEqual([
      ['https://a.fr/fiche?id=81', 'Appartement lumineux', 245_000, 52, 2],
      ['https://a.fr/fiche?id=82', 'Maison de village', 189_000, 88, 4],
    ]);
    expect(r.nextPages).toEqual(['https://a.fr/liste?start=20']);
  });
  it('win over automatic guesses on a detail page', () => {
    const d =
      '<html><body><h1>Titre générique</h1><div class="vrai-titre">Loft 120 m² Canal</div><p class="price">999 €</p><div class="vrai-prix">640 000 €</div><p>75010 Paris, 3 pièces</p></body></html>';
    const r = extractPage(d, 'https://a.fr/loft', { selectors: { title: '.vrai-titre', price: '.vrai-prix' } });
    expect(r.listings[0]).toMatchObject({ title: 'Loft 120 m² Canal', price: 640_000, surface: 120, propertyType: 'apartment', postalCode: '75010' });
  });
  it('an invalid selector is reported, not thrown', () => {
    const r = extractPage(html, 'https://a.fr/liste', { selectors: { item: 'div[[[' } });
    expect(r.warnings.some((w) => w.startsWith('invalid selector'))).toBe(true);
  });
});

describe('Shopify /products.json', () => {
  const json = JSON.parse(readFixture('cotes-immo/products.json')) as unknown;
  it('maps every product to a listing', () => {
    const site = sites.find((s) => s.name === 'cotes-immo')!;
    const listings = extractShopifyProducts(json, 'https://cotes-immo.fr');
    expect(listings).toHaveLength(site.listings.length);
    for (const exp of site.listings) {
      const l = listings.find((x) => x.sourceUrl === `https://cotes-immo.fr${exp.path}`);
      const { path: _p, ...fields } = exp;
      expect(l).toMatchObject(fields);
      expect(l!.photos[0]).toMatch(/^https:\/\/cdn\.shopify\.com\//);
      expect(l!.quality).toBeGreaterThan(0.8);
    }
  });
  it.each([null, 42, 'x', { products: 'no' }, { products: [null, 1, { title: 'sans handle' }] }, []])('tolerates %j', (bad) => {
    expect(extractShopifyProducts(bad, 'https://s.fr')).toEqual([]);
  });
  it('older stores send tags as a comma-separated string', () => {
    const [l] = extractShopifyProducts(
      { products: [{ id: 1, handle: 'm', title: 'Maison', tags: 'Maison, 37000, Tours, 5 pièces, 110 m²', variants: [{ price: '254000.00' }] }] },
      'https://s.fr/',
    );
    expect(l).toMatchObject({
      sourceUrl: 'https://s.fr/products/m',
      price: 254_000,
      rooms: 5,
      surface: 110,
      postalCode: '37000',
      city: 'Tours',
      propertyType: 'house',
      externalId: '1',
    });
  });
});

describe('data quality', () => {
  it('penalises an implausible price per m²', () => {
    const ok = extractPage('<h1>Appartement 3 pièces</h1><p class="price">300 000 €</p><p>60 m² 75011 Paris</p>', 'https://a.fr/1').listings[0]!;
    const odd = extractPage('<h1>Appartement 3 pièces</h1><p class="price">300 000 €</p><p>6 000 m² 75011 Paris</p>', 'https://a.fr/2').listings[0]!;
    expect(odd.quality).toBeLessThan(ok.quality);
  });
});

describe('edge cases of page kinds and links', () => {
  it('the last page of a list with a single card is a list, not a listing', () => {
    const html = `<html><head><meta name="generator" content="WordPress 6.6.2"></head><body><header><a href="/">Agence</a></header><main><h1>Nos biens</h1>
      <article class="property-card"><a href="/annonce/p3-appartement-5-pieces/"><h2>Appartement 5 pièces</h2></a><span class="price">203 000 €</span><span>43 m² · 5 pièces · 75011 Paris</span></article>
      </main><nav class="pagination"><a href="/biens/">1</a></nav></body></html>`;
    const r = extractPage(html, 'http://127.0.0.1:5555/biens/page/2/');
    expect(r.pageKind).toBe('list');
    expect(r.listings.map((l) => [l.sourceUrl, l.price, l.rooms])).toEqual([['http://127.0.0.1:5555/annonce/p3-appartement-5-pieces/', 203_000, 5]]);
    expect(r.nextPages).toEqual(['http://127.0.0.1:5555/biens/']);
  });
  it('a paginated URL without cards is never taken for a listing', () => {
    const r = extractPage('<html><body><h1>Appartement 3 pièces</h1><p>Prix : 300 000 € - 60 m²</p></body></html>', 'https://a.fr/biens/page/3/');
    expect(r.listings).toEqual([]);
  });
  it('links to another port of the same address are another site', () => {
    const html = '<html><body><a href="http://127.0.0.1:6000/annonce/appartement-12/">ailleurs</a><a href="/annonce/appartement-13/">ici</a></body></html>';
    expect(extractPage(html, 'http://127.0.0.1:5000/biens/').listingLinks).toEqual(['http://127.0.0.1:5000/annonce/appartement-13/']);
  });
});

describe('a detail page wrapped in a card-like block', () => {
  it('stays a detail page', () => {
    const html = `<html><body><div id="entete"><a href="/">Accueil</a></div><div class="annonce"><h1>Maison 4 pièces avec jardin</h1>
      <p>Prix : 289 000 € FAI</p><p>Surface : 102 m² - 3 chambres</p><p>Ville : 37000 Tours</p>
      <p><a href="/contact.html?ref=MA-12">Nous contacter pour ce bien</a></p></div></body></html>`;
    const r = extractPage(html, 'https://agence.fr/annonce-MA-12.html');
    expect(r.pageKind).toBe('detail');
    expect(r.listings).toHaveLength(1);
    expect(r.listings[0]).toMatchObject({
      sourceUrl: 'https://agence.fr/annonce-MA-12.html',
      price: 289_000,
      surface: 102,
      rooms: 4,
      bedrooms: 3,
      postalCode: '37000',
      city: 'Tours',
      propertyType: 'house',
    });
    expect(r.listingLinks).toEqual([]);
  });
});

describe('JSON-LD shapes seen in the wild', () => {
  const one = (ld: unknown, url = 'https://a.fr/bien/9') =>
    extractPage(`<html><head><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body><h1>x</h1></body></html>`, url).listings[0];
  it('type arrays, string prices and surfaces, AggregateOffer, string rooms', () => {
    expect(
      one({
        '@context': 'https://schema.org',
        '@type': ['Product', 'RealEstateListing'],
        name: 'Appartement lumineux',
        url: 'https://a.fr/bien/9',
        offers: { '@type': 'AggregateOffer', lowPrice: '450 000 €', priceCurrency: 'EUR' },
        floorSize: '75 m²',
        numberOfRooms: '3',
        address: '12 rue X, 75011 Paris',
      }),
    ).toMatchObject({ title: 'Appartement lumineux', price: 450_000, surface: 75, rooms: 3, postalCode: '75011', city: 'Paris', propertyType: 'apartment' });
  });
  it('an Offer offering a House, square feet converted, a rent by the month', () => {
    expect(
      one({
        '@type': 'Offer',
        name: 'Maison à louer',
        price: 1450,
        priceCurrency: 'EUR',
        priceSpecification: { '@type': 'UnitPriceSpecification', price: 1450, unitCode: 'MON' },
        itemOffered: { '@type': 'House', floorSize: { '@type': 'QuantitativeValue', value: 1000, unitCode: 'FTK' }, numberOfBedrooms: 3 },
      }),
    ).toMatchObject({ price: 1450, transaction: 'rent', surface: 92.9, bedrooms: 3, propertyType: 'house' });
  });
  it('several blocks on one page, one of them unrelated', () => {
    const html = `<script type="application/ld+json">{"@type":"RealEstateAgent","name":"Agence"}</script>
      <script type="application/ld+json">{"@type":"SingleFamilyResidence","name":"Villa 6 pièces","url":"/v/1","offers":{"price":990000,"priceCurrency":"EUR"}}</script><h1>Villa</h1>`;
    const r = extractPage(html, 'https://a.fr/v/1');
    expect(r.pageKind).toBe('detail');
    expect(r.listings).toHaveLength(1);
    expect(r.listings[0]).toMatchObject({ price: 990_000, rooms: 6, propertyType: 'house' });
  });
});
