/**
 * Canonical-host equivalence: a site crawled at one host (a staging copy, a loopback mirror, its
 * www or apex name) often names its production domain in `<link rel=canonical>`, `og:url`, Webflow's
 * `data-wf-domain` and its structured data. URLs on any of these hosts are the same source: they are
 * rebased onto the host the page was fetched from (identity is the URL we fetch, not the canonical).
 */
import type { CheerioAPI } from 'cheerio';
import type { FourDigitCountry } from './places.js';

const bare = (h: string): string => h.toLowerCase().replace(/^www\./, '');

/** The hosts (www-less) that name this page's site: its own, its canonical / og:url / declared domain. */
export function siteHosts($: CheerioAPI, pageUrl: string): Set<string> {
  const hosts = new Set<string>();
  try {
    hosts.add(bare(new URL(pageUrl).host));
  } catch {
    return hosts;
  }
  const add = (u: string | undefined): void => {
    if (!u) return;
    try {
      const x = new URL(u.trim(), pageUrl);
      if (/^https?:$/.test(x.protocol)) hosts.add(bare(x.host));
    } catch {
      /* not a URL */
    }
  };
  add($('link[rel="canonical"]').attr('href'));
  add($('meta[property="og:url"]').attr('content'));
  const wf = $('html').attr('data-wf-domain');
  if (wf) hosts.add(bare(wf));
  return hosts;
}

/** `url` on one of the site's hosts, moved onto the page's own origin; other URLs unchanged. */
export function rebaseUrl(url: string, pageUrl: string, hosts: Set<string>): string {
  try {
    const u = new URL(url, pageUrl);
    const page = new URL(pageUrl);
    if (u.host === page.host || !hosts.has(bare(u.host))) return u.href;
    return new URL(u.pathname + u.search + u.hash, page.origin).href;
  } catch {
    return url;
  }
}

/**
 * Rewrites, in place, every link of the page that names one of the site's hosts (its production
 * domain, its www or apex twin) onto the page's own origin, so cards, listing links and pagination
 * read them as the same site (WordPress themes print absolute links on the configured domain).
 */
export function rebaseLinks($: CheerioAPI, pageUrl: string, hosts: Set<string>): void {
  let pageHost: string;
  try {
    pageHost = new URL(pageUrl).host;
  } catch {
    return;
  }
  if (hosts.size <= 1) return;
  $('a[href]').each((_i, el) => {
    const href = $(el).attr('href')!;
    if (!/^(https?:)?\/\//i.test(href.trim())) return;
    try {
      const u = new URL(href.trim(), pageUrl);
      if (u.host !== pageHost && hosts.has(bare(u.host))) $(el).attr('href', rebaseUrl(u.href, pageUrl, hosts));
    } catch {
      /* not a URL */
    }
  });
}

const countries = new WeakMap<CheerioAPI, FourDigitCountry | null>();

/**
 * The country of a page whose postal codes have four digits (Belgium, Switzerland, Luxembourg), from
 * its language tag (`fr-BE`, `og:locale` fr_CH) or its site's domain (.be, .ch, .lu); undefined otherwise.
 */
export function siteCountry($: CheerioAPI, pageUrl: string): FourDigitCountry | undefined {
  const known = countries.get($);
  if (known !== undefined) return known ?? undefined;
  const tags = `${$('html').attr('lang') ?? ''} ${$('meta[property="og:locale"]').attr('content') ?? ''}`;
  const byTag = /[-_](BE|CH|LU)\b/i.exec(tags)?.[1];
  const byHost = [...siteHosts($, pageUrl)].map((h) => /\.(be|ch|lu)$/i.exec(h.replace(/:\d+$/, ''))?.[1]).find(Boolean);
  const c = (byTag ?? byHost)?.toUpperCase() as FourDigitCountry | undefined;
  countries.set($, c ?? null);
  return c;
}
