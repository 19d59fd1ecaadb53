/**
 * Watches extraction by kind of page: shells a browser must render, the source's own selectors,
 * list or detail page, card-like blocks, data quality, and bad input that never throws.
 */
import { describe, expect, it } from 'vitest';
import { extractPage } from '../../activities/watches/extract/index.js';
import { page } from '../support/watches/extract-page.js';
import { readFixture } from '../support/watches-fixtures.js';

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

describe('data quality', () => {
  it('penalises an implausible price per m²', () => {
    const ok = extractPage('<h1>Appartement 3 pièces</h1><p class="price">300 000 €</p><p>60 m² 75011 Paris</p>', 'https://a.fr/1').listings[0]!;
    const odd = extractPage('<h1>Appartement 3 pièces</h1><p class="price">300 000 €</p><p>6 000 m² 75011 Paris</p>', 'https://a.fr/2').listings[0]!;
    expect(odd.quality).toBeLessThan(ok.quality);
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
