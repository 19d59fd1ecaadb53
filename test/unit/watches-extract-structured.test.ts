/**
 * Watches extraction from machine-readable data: JSON-LD (graphs, repairs, item lists, currencies,
 * shapes seen in the wild), microdata, and Shopify's /products.json.
 */
import { describe, expect, it } from 'vitest';
import { extractPage, extractShopifyProducts } from '../../activities/watches/extract/index.js';
import { repairJson } from '../../activities/watches/extract/structured/json-ld.js';
import { page } from '../support/watches/extract-page.js';
import { fixtureSites, readFixture } from '../support/watches-fixtures.js';

const sites = fixtureSites();

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
