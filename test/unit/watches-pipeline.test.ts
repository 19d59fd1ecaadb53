/** Pure pieces of the watches pipeline: CSV import, sitemap and link discovery, notification content, politeness helpers, staging rows. */
import { describe, expect, it } from 'vitest';
import { parseCsv, readSourcesCsv } from '../../activities/watches/sources-csv.js';
import { internalListingLinks, parseSitemap } from '../../activities/watches/fetch/discover.js';
import { pollAfter } from '../../activities/watches/fetch/politeness.js';
import { parseRobots } from '../../activities/watches/fetch/robots.js';
import { backoff } from '../../activities/watches/fetch/http.js';
import { renderDigestMail, renderListingMail } from '../../activities/watches/notify/render.js';
import { alertOutboxKey } from '../../activities/watches/notify/alerts.js';
import { toStagedRow } from '../../activities/watches/store/snapshot.js';
import { draft } from '../support/watches/drafts.js';

describe('sources CSV', () => {
  it('reads quoted fields, either delimiter, and lists inside cells', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi"""\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
    const { sources, problems, headerError } = readSourcesCsv(
      'name;website;postal_codes;priority;force_browser\nA;https://a.fr/;75015|75016;2;oui\nB;;;;\nC;https://c.fr/;;11;\nD;https://d.fr/;;;maybe',
    );
    expect(headerError).toBeNull();
    expect(sources).toEqual([
      { line: 2, name: 'A', website: 'https://a.fr/', postalCodes: ['75015', '75016'], priority: 2, forceBrowser: true, listingUrls: [] },
    ]);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5]);
  });
  it('numbers rows by the line they end on, across blank lines, CRLF and quoted line breaks; unreadable CSV is a header error', () => {
    const { sources, problems } = readSourcesCsv('name,website,priority\r\n\r\nA,https://a.fr/,1\r\n"B\nbis",https://b.fr/,x\n , \nC,https://c.fr/');
    expect(sources.map((s) => [s.line, s.name])).toEqual([
      [3, 'A'],
      [7, 'C'],
    ]);
    expect(problems).toEqual([{ line: 5, message: 'priority must be an integer 0..10, not "x"' }]);
    expect(readSourcesCsv('name,website\n"A,https://a.fr/').headerError).toMatch(/cannot be read: Quote Not Closed/);
  });
  it('names the missing columns', () => {
    expect(readSourcesCsv('nom,site\nA,b').headerError).toMatch(/missing column\(s\): name, website/);
    expect(readSourcesCsv('').headerError).toMatch(/empty/);
  });
});

describe('discovery', () => {
  it('reads sitemaps and sitemap indexes, and survives garbage', () => {
    expect(parseSitemap('<urlset><url><loc>https://a.fr/biens/</loc></url><url><loc> https://a.fr/contact </loc></url></urlset>').pages).toEqual([
      'https://a.fr/biens/',
      'https://a.fr/contact',
    ]);
    expect(parseSitemap('<sitemapindex><sitemap><loc>https://a.fr/s1.xml</loc></sitemap></sitemapindex>').sitemaps).toEqual(['https://a.fr/s1.xml']);
    expect(parseSitemap('<<<garbage')).toEqual({ pages: [], sitemaps: [] });
  });
  it('follows only same-host links that look like listings', () => {
    const html =
      '<a href="/nos-biens/">Biens</a><a href="/contact">c</a><a href="https://other.fr/annonce/1">x</a><a href="/photo.jpg">p</a><a href="mailto:a@b">m</a><a href="/location/#top">l</a>';
    expect(internalListingLinks(html, 'https://a.fr/')).toEqual(['https://a.fr/nos-biens/', 'https://a.fr/location/']);
  });
});

describe('politeness helpers', () => {
  it('polls briefly while a turn is held and waits exactly otherwise', () => {
    expect(pollAfter(30_000, 2000)).toBeLessThan(105);
    const w = pollAfter(1500, 2000);
    expect(w).toBeGreaterThanOrEqual(1500);
    expect(w).toBeLessThan(1505);
  });
  it('backs off exponentially with jitter, capped', () => {
    expect(backoff(0)).toBeGreaterThanOrEqual(400);
    expect(backoff(0)).toBeLessThanOrEqual(600);
    expect(backoff(20)).toBeLessThanOrEqual(36_000);
  });
  it('reads robots rules for our agent, with crawl-delay and sitemaps', () => {
    const r = parseRobots('https://a.fr/robots.txt', 'User-agent: *\nDisallow: /prive/\nCrawl-delay: 3\nSitemap: https://a.fr/s.xml', 'AtelierWatchBot/1.0');
    expect(r.isAllowed('https://a.fr/prive/x')).toBe(false);
    expect(r.isAllowed('https://a.fr/biens/')).toBe(true);
    expect(r.crawlDelayMs).toBe(3000);
    expect(r.sitemaps).toEqual(['https://a.fr/s.xml']);
  });
});

describe('notifications', () => {
  const l = { id: 9, title: 'T3 <balcon>', price: 450_000, surface: 75, rooms: 3, postalCode: '75015', city: 'Paris', sourceUrl: 'https://a.fr/annonce/9' };
  it('renders a price drop in HTML (escaped) and text, with the unsubscribe link and headers', () => {
    const m = renderListingMail('Paris 15', l, { kind: 'price_drop', oldPrice: 480_000, newPrice: 450_000 }, 'https://x/u?token=t');
    expect(m.subject).toBe('Baisse de prix · T3 <balcon> · 450 000 €');
    expect(m.text).toContain('480 000 € → 450 000 €');
    expect(m.html).toContain('T3 &lt;balcon&gt;');
    expect(m.html).toContain('href="https://x/u?token=t"');
    expect(m.headers['List-Unsubscribe']).toBe('<https://x/u?token=t>');
  });
  it('keys one notification per (alert, listing, event)', () => {
    expect(alertOutboxKey(4, 9, { kind: 'new' })).toBe('watch:alert:4:listing:9:new');
    expect(alertOutboxKey(4, 9, { kind: 'price_drop', oldPrice: 1, newPrice: 2 })).toBe('watch:alert:4:listing:9:price_drop:2');
  });
  it('renders a digest of several listings', () => {
    const m = renderDigestMail(
      'Maisons',
      [
        { listing: l, event: { kind: 'new' } },
        { listing: { ...l, id: 10, title: 'Autre' }, event: { kind: 'new' } },
      ],
      'https://x/u',
    );
    expect(m.subject).toBe('2 annonces pour « Maisons »');
    expect(m.text.match(/^- /gm)).toHaveLength(2);
  });
});

describe('staging rows', () => {
  it('hashes the tracked fields: the same listing hashes the same, a price change does not', () => {
    const a = toStagedRow(draft({ sourceUrl: 'https://a.fr/1' }), null);
    expect(toStagedRow(draft({ sourceUrl: 'https://a.fr/1', quality: 0.1 }), 'fp').content_hash).toBe(a.content_hash);
    expect(toStagedRow(draft({ sourceUrl: 'https://a.fr/1', price: 1 }), null).content_hash).not.toBe(a.content_hash);
    expect(toStagedRow(draft({ sourceUrl: 'https://a.fr/1', surface: 75.456, price: Number.NaN, title: '  ' }), null)).toMatchObject({
      surface: 75.46,
      price: null,
      title: 'https://a.fr/1',
    });
  });
});
