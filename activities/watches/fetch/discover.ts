/**
 * Finding listing pages when a source names none: the site's sitemaps (robots.txt `Sitemap:` lines
 * and /sitemap.xml, one level of sitemap index), filtered to URLs that look like listing or
 * search pages, plus the home page, whose internal listing-looking links the crawl then follows
 * (bounded by the page budget).
 */
import { textOf } from '../../../core/text-of.js';
import { load } from 'cheerio';
import { XMLParser } from 'fast-xml-parser';
import { isFilterLink } from '../extract/links.js';

/** Paths that usually hold listings or listing searches on French agency sites (and others). */
export const LISTING_PATH =
  /(annonce|bien|biens|propriet|property|properties|listing|immobilier|vente|acheter|achat|location|louer|offre|catalog|products|appartement|maison|terrain|programme|estate|for-sale|a-vendre|a-louer)/i;

const xml = new XMLParser({ ignoreAttributes: true, isArray: (name) => name === 'url' || name === 'sitemap' });

/** Reads a sitemap or sitemap index: { pages, sitemaps } (absolute URLs as written). */
export function parseSitemap(body: string): { pages: string[]; sitemaps: string[] } {
  try {
    const doc = xml.parse(body) as { urlset?: { url?: Array<{ loc?: unknown }> }; sitemapindex?: { sitemap?: Array<{ loc?: unknown }> } };
    const locs = (items: Array<{ loc?: unknown }> | undefined) => (items ?? []).map((i) => textOf(i.loc).trim()).filter((s) => /^https?:\/\//.test(s));
    return { pages: locs(doc.urlset?.url), sitemaps: locs(doc.sitemapindex?.sitemap) };
  } catch {
    return { pages: [], sitemaps: [] };
  }
}

export function sameSite(url: string, origin: string): boolean {
  try {
    return new URL(url).host === new URL(origin).host;
  } catch {
    return false;
  }
}

/**
 * Internal links of a page whose path looks like listings (the bounded crawl's next hops); the
 * page's other-language versions (`hreflang`) and list filters (`?category=`, `?tag=`…) are not
 * followed: they repeat listings already reached and spend the page budget.
 */
export function internalListingLinks(html: string, pageUrl: string, limit = 30): string[] {
  const $ = load(html);
  const out = new Set<string>();
  $('a[href]').each((_, el) => {
    if (out.size >= limit) return false;
    const href = $(el).attr('href');
    if (!href || href.startsWith('#') || /^(mailto|tel|javascript):/i.test(href) || $(el).attr('hreflang') !== undefined) return;
    let u: URL;
    try {
      u = new URL(href, pageUrl);
    } catch {
      return;
    }
    u.hash = '';
    if (!sameSite(u.href, pageUrl) || !/^https?:$/.test(u.protocol)) return;
    if (/\.(jpe?g|png|gif|webp|svg|pdf|zip|css|js|ico|mp4)$/i.test(u.pathname)) return;
    if (LISTING_PATH.test(u.pathname + u.search) && !isFilterLink(u.href)) out.add(u.href);
    return;
  });
  return [...out];
}

/** Normalises a URL for the visited set (no fragment). */
export function normalizeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url;
  }
}
