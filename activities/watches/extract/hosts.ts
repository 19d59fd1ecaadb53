/**
 * Canonical-host equivalence: a site crawled at one host (a staging copy, a loopback mirror, its
 * www or apex name) often names its production domain in `<link rel=canonical>`, `og:url`, Webflow's
 * `data-wf-domain` and its structured data. URLs on any of these hosts are the same source: they are
 * rebased onto the host the page was fetched from (identity is the URL we fetch, not the canonical).
 */
import type { CheerioAPI } from 'cheerio';

const bare = (h: string): string => h.toLowerCase().replace(/^www\./, '');

/** The hosts (www-less) that name this page's site: its own, its canonical / og:url / declared domain. */
export function siteHosts($: CheerioAPI, pageUrl: string): Set<string> {
  const hosts = new Set<string>();
  try { hosts.add(bare(new URL(pageUrl).host)); } catch { return hosts; }
  const add = (u: string | undefined): void => {
    if (!u) return;
    try { const x = new URL(u.trim(), pageUrl); if (/^https?:$/.test(x.protocol)) hosts.add(bare(x.host)); } catch { /* not a URL */ }
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
