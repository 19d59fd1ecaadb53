/**
 * The extraction corpus (test/fixtures/watches/corpus/*, plus the original fixture sites) crawled
 * offline and scored against its ground truth, and the causes of issue 13 one by one on small pages.
 */
import { describe, expect, it } from 'vitest';
import { extractPage, extractShopifyProducts } from '../../activities/watches/extract/index.js';
import { parsePostalCity } from '../../activities/watches/extract/french/postal.js';
import { parsePriceInfo } from '../../activities/watches/extract/french/prices.js';
import { parseRooms, parseSurface } from '../../activities/watches/extract/french/surface-rooms.js';
import { corpusSites, scoreCorpus, SCORED_FIELDS } from '../support/watches-corpus.js';

describe('the extraction corpus', () => {
  it('has at least 20 agency sites besides the original fixtures', () => {
    expect(corpusSites('agencies').length).toBeGreaterThanOrEqual(20);
  });

  it('scores precision >= 0.98, recall >= 0.97 and every field >= 0.95', async () => {
    const score = await scoreCorpus(corpusSites('all'));
    const misses = score.sites.flatMap((s) => s.misses.map((m) => `${s.name}: ${m}`));
    expect(score.precision, misses.join('\n')).toBeGreaterThanOrEqual(0.98);
    expect(score.recall, misses.join('\n')).toBeGreaterThanOrEqual(0.97);
    for (const f of SCORED_FIELDS) {
      const acc = score.fields[f];
      expect(acc, f).toBeDefined();
      expect(acc!.accuracy, `${f}\n${misses.join('\n')}`).toBeGreaterThanOrEqual(0.95);
    }
  });
});

const wrap = (body: string, head = ''): string => `<!doctype html><html><head><title>t</title>${head}</head><body>${body}</body></html>`;

describe('causes of issue 13, one page each', () => {
  it('structured data naming the canonical production domain is the same source', () => {
    const html = wrap(
      '<h1>Maison 4 pièces</h1><p>Prix : 300 000 €</p>',
      '<link rel="canonical" href="https://www.agence.fr/biens/m4/"><script type="application/ld+json">{"@type":"RealEstateListing","url":"https://agence.fr/biens/m4/","name":"Maison 4 pièces","offers":{"price":300000,"priceCurrency":"EUR"},"about":{"@type":"House","numberOfRooms":4,"floorSize":{"value":90,"unitCode":"MTK"},"address":{"postalCode":"44000","addressLocality":"Nantes"}}}</script>',
    );
    const r = extractPage(html, 'http://127.0.0.1:9/biens/m4/');
    expect(r.pageKind).toBe('detail');
    expect(r.listings[0]).toMatchObject({ sourceUrl: 'http://127.0.0.1:9/biens/m4/', price: 300000, rooms: 4, postalCode: '44000' });
  });

  it('a struck-through price is the previous price, never the price', () => {
    for (const struck of [
      '<del>250 000 €</del>',
      '<s>250 000 €</s>',
      '<strike>250 000 €</strike>',
      '<span style="text-decoration: line-through">250 000 €</span>',
      '<span class="old-price">250 000 €</span>',
    ]) {
      const r = extractPage(wrap(`<h1>Appartement 3 pièces</h1><p>Prix : ${struck} 235 000 €</p><p>Surface : 60 m²</p>`), 'https://a.fr/annonce/1');
      expect(r.listings[0], struck).toMatchObject({ price: 235000, previousPrice: 250000 });
    }
  });

  it('cards sharing one contact link are told apart by their ids', () => {
    const card = (id: string, price: string): string =>
      `<div class="bien" id="${id}"><h3>Maison ${id}</h3><p>5 pièces · 100 m²</p><p>${price}</p><a href="/contact">Contact</a></div>`;
    const r = extractPage(wrap(card('b1', '200 000 €') + card('b2', '300 000 €') + card('b3', '400 000 €')), 'https://a.fr/biens');
    expect(r.listings.map((l) => l.sourceUrl)).toEqual(['https://a.fr/biens#b1', 'https://a.fr/biens#b2', 'https://a.fr/biens#b3']);
  });

  it('French place forms: arrondissements, City CODE, Code postal', () => {
    expect(parsePostalCity('LYON 3EME (69003)')).toEqual({ postalCode: '69003', city: 'Lyon' });
    expect(parsePostalCity('Paris 15e')).toEqual({ postalCode: '75015', city: 'Paris' });
    expect(parsePostalCity('Marseille 6ème arrondissement')).toEqual({ postalCode: '13006', city: 'Marseille' });
    expect(parsePostalCity('Adresse : Bordeaux 33200')).toEqual({ postalCode: '33200', city: 'Bordeaux' });
  });

  it("the listing's own label/value place beats the agency address in the header", () => {
    const html = wrap(
      '<div class="top">Agence X – 5 rue Dessoles – 32000 AUCH – 05 62 00 00 00</div><h1>Maison</h1><table><tr><th>Ville</th><td>Fleurance (32500)</td></tr><tr><th>Prix</th><td>150 000 €</td></tr><tr><th>Pièces</th><td>4</td></tr><tr><th>Chambres</th><td>3</td></tr></table>',
    );
    const l = extractPage(html, 'https://a.fr/annonce-1.html').listings[0]!;
    expect(l).toMatchObject({ postalCode: '32500', city: 'Fleurance', rooms: 4, bedrooms: 3 });
  });

  it('sold and under-offer listings carry their status', () => {
    const one = (badge: string): string | undefined =>
      extractPage(wrap(`<h1>Maison 5 pièces</h1>${badge}<p>Prix : 300 000 €</p><p>Surface : 120 m²</p>`), 'https://a.fr/annonce/2').listings[0]?.status;
    expect(one('<span class="badge">VENDU</span>')).toBe('sold');
    expect(one('<div class="ribbon-vendu"></div>')).toBe('sold');
    expect(one('<p><strong>Sous compromis</strong></p>')).toBe('under_offer');
    expect(one('<p>Under offer</p>')).toBe('under_offer');
    expect(one('<p>Appartement vendu loué, idéal investisseur.</p>')).toBe('active');
  });

  it('a price on request stays empty and never falls back to another amount of the page', () => {
    const l = extractPage(
      wrap('<h1>Villa 6 pièces</h1><p>Prix : Nous consulter</p><p>Surface : 200 m²</p><p>6 pièces, 4 chambres</p><p>Taxe foncière : 2 300 €</p>'),
      'https://a.fr/annonce/3',
    ).listings[0]!;
    expect(l.price).toBeUndefined();
    expect(l.priceQualifier).toBe('on_request');
    expect(parsePriceInfo('à partir de 189 000 €')).toMatchObject({ price: 189000, qualifier: 'from' });
  });

  it('studios and English pages', () => {
    const l = extractPage(wrap('<h1>Studio Vaugirard</h1><p>Prix : 205 000 €</p><p>Surface : 18 m²</p>'), 'https://a.fr/annonce/4').listings[0]!;
    expect(l).toMatchObject({ propertyType: 'apartment', propertySubtype: 'studio', rooms: 1 });
    expect(parseRooms('6 rooms, 4 bedrooms')).toBe(6);
    expect(parseSurface('Living area: 1,130 sq ft')).toBe(105);
    expect(parseSurface('210 sq m')).toBe(210);
    expect(parsePriceInfo('€1,250,000')?.price).toBe(1250000);
  });

  it('Shopify services and fees are not listings', () => {
    const products = {
      products: [
        { title: 'Estimation offerte', handle: 'estimation', product_type: 'Service', variants: [{ price: '0.00' }] },
        { title: 'Frais de dossier', handle: 'frais', product_type: 'Frais', variants: [{ price: '150.00' }] },
        {
          title: 'Maison 5 pièces',
          handle: 'maison',
          product_type: 'Maison',
          tags: ['120 m²', 'Vendu'],
          variants: [{ price: '300000.00', compare_at_price: '320000.00' }],
        },
      ],
    };
    const out = extractShopifyProducts(products, 'https://shop.fr/');
    expect(out.map((l) => l.sourceUrl)).toEqual(['https://shop.fr/products/maison']);
    expect(out[0]).toMatchObject({ status: 'sold', previousPrice: 320000, price: 300000 });
  });
});
