/**
 * The general rules the unseen corpus sites (rennes-cesson-immo … marais-bastille-immo) called for,
 * one small page each: production-domain links, filter and other-language links, worded former
 * prices, related-listing badges, bare-text labels, Belgian places, postal codes in URL slugs.
 */
import { describe, expect, it } from 'vitest';
import { extractPage } from '../../activities/watches/extract/index.js';
import { statusInText } from '../../activities/watches/extract/status.js';
import { parsePlace, placeFromSlug } from '../../activities/watches/extract/places.js';
import { parsePropertyType } from '../../activities/watches/extract/french/property-types.js';
import { internalListingLinks } from '../../activities/watches/fetch/discover.js';

const wrap = (body: string, head = '', lang = 'fr'): string =>
  `<!doctype html><html lang="${lang}"><head><title>t</title>${head}</head><body>${body}</body></html>`;

describe('links on unseen sites', () => {
  it('cards linking to the apex production domain are the crawled site', () => {
    const card = (slug: string, price: string): string =>
      `<div class="item-listing-wrap"><h2 class="item-title"><a href="https://agence.fr/propriete/${slug}/">Maison ${slug}</a></h2><ul><li class="item-price">${price}</li></ul><p>5 pièces · 120 m²</p></div>`;
    const r = extractPage(
      wrap(card('a', '300 000€') + card('b', '410 000€'), '<link rel="canonical" href="https://www.agence.fr/biens/">'),
      'http://127.0.0.1:9/biens/',
    );
    expect(r.listings.map((l) => l.sourceUrl)).toEqual(['http://127.0.0.1:9/propriete/a/', 'http://127.0.0.1:9/propriete/b/']);
  });

  it("a run does not follow a seed's language picker or list filters", () => {
    const html = wrap(
      '<nav><a href="/biens-a-vendre">Biens</a> <a href="/biens-a-vendre?category=Maisons">Maisons</a> <a href="/en/properties-for-sale" hreflang="en">EN</a> <a href="/annonces?type=vente&amp;id=12">Annonce 12</a></nav>',
    );
    expect(internalListingLinks(html, 'http://127.0.0.1:9/')).toEqual(['http://127.0.0.1:9/biens-a-vendre', 'http://127.0.0.1:9/annonces?type=vente&id=12']);
  });

  it('category filters and other-language versions are neither card links nor listing links', () => {
    const card = (slug: string, price: string): string =>
      `<div class="summary-item"><div class="summary-metadata-container--above-title"><a href="/biens?category=Maisons">Maisons</a></div><div class="summary-title"><a href="/biens/${slug}">Maison ${slug}</a></div><p>6 pièces · 200 m² · ${price}</p></div>`;
    const page = wrap(
      `${card('x', '900 000 €')}${card('y', '950 000 €')}<a href="/en/properties/x" hreflang="en">EN</a>`,
      '<link rel="alternate" hreflang="en" href="/en/properties">',
    );
    const r = extractPage(page, 'http://127.0.0.1:9/biens');
    expect(r.listings.map((l) => l.sourceUrl)).toEqual(['http://127.0.0.1:9/biens/x', 'http://127.0.0.1:9/biens/y']);
    expect(r.listingLinks.some((u) => /category|\/en\//.test(u))).toBe(false);
  });
});

describe('fields on unseen sites', () => {
  it('a former price said in words is the previous price', () => {
    const l = extractPage(
      wrap(
        '<h1>Apartment with sea view</h1><ul><li><strong>Price:</strong> <span class="was">Was €329,000</span> <span class="now">Now €312,000</span></li><li>Habitable area: 68 sq m</li></ul>',
      ),
      'https://a.co.uk/p/1',
    ).listings[0]!;
    expect(l).toMatchObject({ price: 312000, previousPrice: 329000 });
  });

  it("a related listing's sold badge is not the listing's status", () => {
    const html = wrap(
      '<div class="property-detail-v1"><h1>T3 vue mer</h1><p class="prix">Prix : 595 000 €</p><p>Surface : 78 m²</p><div class="similar-property-wrap"><div class="item-listing-wrap"><span class="label-status">Vendu</span><a href="/p/2">Studio</a> 189 000 €</div></div></div>',
    );
    expect(extractPage(html, 'https://a.fr/p/1').listings[0]!.status).toBe('active');
  });

  it('status sentences and Belgian words', () => {
    expect(statusInText('Ce bien a été vendu par notre agence.')).toBe('sold');
    expect(statusInText('Ce bien est vendu loué, idéal investisseur.')).toBeUndefined();
    expect(statusInText('Sous option')).toBe('under_offer');
  });

  it('a bare text label before its value element', () => {
    const html = wrap(
      '<div class="top">Agence – 22 boulevard Foch – 49100 ANGERS</div><main><h1>Maison 5 pièces</h1><p>Prix : 312 000 €</p><ul><li>Surface habitable<strong>118 m²</strong></li><li>Ville<strong>Avrillé</strong></li><li>Code postal<strong>49240</strong></li></ul></main>',
    );
    expect(extractPage(html, 'https://a.fr/annonce/1').listings[0]).toMatchObject({ postalCode: '49240', city: 'Avrillé', surface: 118 });
  });

  it('building plots are land', () => {
    expect(parsePropertyType('Building plot with outline planning, Ploërmel')).toBe('land');
  });
});

describe('second unseen round', () => {
  it('in-page listings whose only links are contact buttons, one of them showing its fees too', () => {
    const card = (id: string, price: string, extra = ''): string =>
      `<article class="fiche" id="${id}"><h2>Maison ${id}</h2><p class="prix">${price}</p><ul><li>5 pièces</li><li>120 m²</li></ul><p>${extra}</p><a href="/contact?bien=${id}">Visiter</a></article>`;
    const page = wrap(
      `<main>${card('r1', '329 000 €', 'Honoraires inclus (313 333 € hors honoraires), charges 1 100 €/an.')}${card('r2', '585 000 €')}${card('r3', '299 000 €')}</main>`,
    );
    expect(extractPage(page, 'https://a.fr/nos-biens').listings.map((l) => l.sourceUrl)).toEqual([
      'https://a.fr/nos-biens#r1',
      'https://a.fr/nos-biens#r2',
      'https://a.fr/nos-biens#r3',
    ]);
  });

  it('a surface written m<sup>2</sup> after its label', () => {
    const html = wrap(
      '<div id="wpestate_property_page"><h1>Chalet aux Praz</h1><div class="price_area">2 480 000 €</div><div class="listing_detail"><strong>Surface habitable:</strong> 240 m<sup>2</sup></div><div class="listing_detail"><strong>Pièces:</strong> 7</div></div>',
    );
    expect(extractPage(html, 'https://a.fr/propriete/chalet/').listings[0]).toMatchObject({ surface: 240, rooms: 7 });
  });
});

describe('places on unseen sites', () => {
  it('four-digit postal codes only on Belgian, Swiss or Luxembourg pages, never inside an amount', () => {
    expect(parsePlace('Avenue du Fort-Jaco, 1180 Uccle', 'BE')).toEqual({ postalCode: '1180', city: 'Uccle' });
    expect(parsePlace('Avenue du Fort-Jaco, 1180 Uccle')).toEqual({});
    expect(parsePlace('Prix demandé : 695.000 € Uccle', 'BE')).toEqual({});
    expect(parsePlace('Évian-les-Bains (74500)', 'CH')).toEqual({ postalCode: '74500', city: 'Évian-les-Bains' });
    const page = wrap(
      '<header>Chaussée d\'Alsemberg 800 - 1180 Uccle</header><main><h1>Appartement 2 chambres</h1><p class="addr">Rue du Belvédère, 1050 Ixelles</p><p>Prix demandé : 425.000 €</p><p>Superficie habitable : 110 m²</p><p>Chambres : 2</p></main>',
      '',
      'fr-BE',
    );
    expect(extractPage(page, 'https://a.be/fr/bien/1').listings[0]).toMatchObject({ postalCode: '1050', city: 'Ixelles', price: 425000 });
  });

  it('a postal code written only in the URL slug, with the town before it', () => {
    expect(placeFromSlug('https://a.fr/fr/propriete/vente-maison-boulogne-billancourt-92100-8812401')).toEqual({
      postalCode: '92100',
      city: 'Boulogne-Billancourt',
    });
    expect(placeFromSlug('https://a.fr/annonce/vente-appartement-paris-11eme-75011-8812345')).toEqual({ postalCode: '75011' });
    expect(placeFromSlug('https://a.fr/annonce/8812345')).toEqual({});
    expect(placeFromSlug('https://a.fr/biens/le-mans-72000', 'Belle maison au Mans, Le Mans centre')).toEqual({ postalCode: '72000', city: 'Le Mans' });
  });
});
