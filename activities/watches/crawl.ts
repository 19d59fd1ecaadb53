/**
 * Crawling one page of a source: fetch over HTTP (or render in Chromium when the source needs
 * it), extract, stage the listings for the run, and answer the links to follow. Problems are
 * answered, not thrown: one bad page never fails a run.
 */
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/client.js';
import { listingIdByUrl } from '../../db/queries/watches.js';
import type { SourceSelectors } from '../../db/schema/watches.js';
import type { BrowserPool } from '../shared/browser-pool.js';
import { extractPage, extractShopifyProducts, type ListingDraft } from './extract/index.js';
import { fingerprint } from './match/fingerprint.js';
import { internalListingLinks, normalizeUrl, parseSitemap, sameSite, LISTING_PATH } from './fetch/discover.js';
import { FetchRefused, type Fetcher } from './fetch/http.js';
import { stageRows, toStagedRow } from './store/snapshot.js';
import type { PageProblem } from './store/runs.js';

export interface CrawlContext {
  db: Db;
  logger: Logger;
  fetcher: Fetcher;
  pool: BrowserPool | null;
  userAgent: string;
  timeoutMs: number;
  heartbeat: () => void;
  /** The activity's cancellation signal (seen while it heartbeats): aborts fetches and renders. */
  signal?: AbortSignal;
}

export interface SourcePlan {
  sourceId: number;
  website: string;
  selectors: SourceSelectors;
  useBrowser: boolean;
  /** The source's own listing pages (its configured seeds): a 404 there fails the page. */
  listingUrls?: string[];
}

export interface PageOutcome {
  url: string;
  ok: boolean;
  staged: number;
  links: string[];
  format: string | null;
  /** The page only yielded its listings once rendered: remember it for the source. */
  learnedNeedsBrowser: boolean;
  problem: PageProblem | null;
}

const SHOPIFY_PRODUCTS = /\/products\.json$/;

function toProblem(url: string, err: unknown): PageProblem {
  if (err instanceof FetchRefused) return { url, kind: err.kind, message: err.message };
  return { url, kind: 'fetch-error', message: (err as Error).message ?? String(err) };
}

async function render(ctx: CrawlContext, url: string): Promise<{ url: string; status: number; body: string; contentType: string }> {
  if (!ctx.pool) throw new Error('page needs a browser but no Chromium pool is configured');
  const guardSub = async (sub: string) => {
    if (!/^https?:/.test(sub)) return true;
    // third-party scripts and images are not fetched by the crawler
    if (!sameSite(sub, url)) return false;
    const rules = await ctx.fetcher.robotsFor(sub);
    return rules.isAllowed(sub);
  };
  // the whole render (document and the sub-requests it makes) holds the host's politeness turn
  const r = await ctx.fetcher.withPageTurn(
    url,
    () =>
      ctx.pool!.render(url, {
        userAgent: ctx.userAgent,
        timeoutMs: ctx.timeoutMs,
        guard: ctx.fetcher.guard,
        signal: ctx.signal,
        allowRequest: guardSub,
        onProgress: ctx.heartbeat,
      }),
    ctx.signal,
  );
  return { url: r.url, status: r.status, body: r.html, contentType: 'text/html' };
}

async function stage(ctx: CrawlContext, runId: number, listings: ListingDraft[], fromDetail = false): Promise<number> {
  if (listings.length === 0) return 0;
  return stageRows(
    ctx.db,
    runId,
    listings.map((l) => toStagedRow(l, fingerprintOf(l), fromDetail)),
  );
}

function fingerprintOf(l: ListingDraft): string | null {
  try {
    return fingerprint(l) || null;
  } catch {
    return null;
  }
}

/** Crawls one page for run `runId`. `seed` pages also yield their internal listing-looking links. */
export async function crawlPage(ctx: CrawlContext, plan: SourcePlan, runId: number, url: string, seed: boolean): Promise<PageOutcome> {
  const out: PageOutcome = { url, ok: false, staged: 0, links: [], format: null, learnedNeedsBrowser: false, problem: null };
  try {
    const u = new URL(url);
    if (SHOPIFY_PRODUCTS.test(u.pathname)) {
      const page = await ctx.fetcher.fetchPage(url, { accept: 'application/json', signal: ctx.signal });
      if (page.status >= 400) return { ...out, problem: { url, kind: `http-${page.status}`, message: `answered ${page.status}` } };
      const products = extractShopifyProducts(JSON.parse(page.body) as unknown, u.origin);
      out.staged = await stage(ctx, runId, products);
      out.format = 'shopify';
      if (products.length > 0) {
        const next = new URL(url);
        next.searchParams.set('page', String(Number(next.searchParams.get('page') ?? '1') + 1));
        out.links.push(next.href);
      }
      return { ...out, ok: true };
    }

    let page = plan.useBrowser ? await render(ctx, url) : await ctx.fetcher.fetchPage(url, { signal: ctx.signal });
    if (page.status === 404 || page.status === 410) {
      const gone = await gonePage(ctx, plan, url, page.status);
      if (gone) return { ...out, ok: true, problem: gone };
    }
    if (page.status >= 400) return { ...out, problem: { url, kind: `http-${page.status}`, message: `answered ${page.status}` } };
    if (page.contentType && !/html|xml|text\/plain/i.test(page.contentType)) {
      return { ...out, ok: true, problem: { url, kind: 'no-listings', message: `not a page (${page.contentType})` } };
    }
    let res = extractPage(page.body, page.url, { selectors: plan.selectors });
    if (!plan.useBrowser && res.needsBrowser && ctx.pool) {
      const rendered = await render(ctx, url);
      const again = extractPage(rendered.body, rendered.url, { selectors: plan.selectors });
      if (again.listings.length + again.listingLinks.length > res.listings.length + res.listingLinks.length) {
        out.learnedNeedsBrowser = true;
        res = again;
        page = rendered;
      }
    }
    out.format = res.format;
    if (res.format === 'shopify' && seed) out.links.push(`${u.origin}/products.json?limit=250&page=1`);
    out.staged = await stage(ctx, runId, res.listings, res.pageKind === 'detail');
    const links = new Set([...res.listingLinks, ...res.nextPages].filter((l) => sameSite(l, plan.website)).map(normalizeUrl));
    if (seed) for (const l of internalListingLinks(page.body, page.url)) links.add(normalizeUrl(l));
    out.links.push(...links);
    out.ok = true;
    if (res.listings.length === 0 && out.links.length === 0) {
      const message = `no listings and no links found${res.warnings.length ? `: ${res.warnings.join('; ')}` : ''}`;
      ctx.logger.warn({ url, sourceId: plan.sourceId, warnings: res.warnings }, 'page without listings');
      out.problem = { url, kind: 'no-listings', message };
    }
    return out;
  } catch (err) {
    if (ctx.signal?.aborted) throw err; // cancelled: not a page problem
    const problem = toProblem(url, err);
    if (problem.kind !== 'robots') ctx.logger.warn({ url, sourceId: plan.sourceId, kind: problem.kind, err: problem.message }, 'page failed');
    return { ...out, ok: problem.kind === 'robots', problem };
  }
}

/**
 * A page that answered 404 / 410 and is neither the source's home page nor one of its listing pages:
 * a navigation or contact link, a stale sitemap entry, a listing taken down. It is logged (kind
 * `gone`, or `listing-gone` for a listing the source holds, which then counts a miss toward its
 * removal because the run did not see it) and does not fail the page, so the run is not partial.
 * Undefined for the source's own pages: their 404 fails the page.
 */
async function gonePage(ctx: CrawlContext, plan: SourcePlan, url: string, status: number): Promise<PageProblem | undefined> {
  const own = [plan.website, ...(plan.listingUrls ?? [])].map(normalizeUrl);
  if (own.includes(normalizeUrl(url))) return undefined;
  const known = await listingIdByUrl(ctx.db, plan.sourceId, normalizeUrl(url));
  ctx.logger.info({ url, sourceId: plan.sourceId, status, listing: known ?? null }, 'page gone');
  return known !== undefined
    ? { url, kind: 'listing-gone', status, message: `answered ${status}: listing ${known} is gone (counts as a miss toward its removal)` }
    : { url, kind: 'gone', status, message: `answered ${status}: not a page of the source's listings (the run is not partial)` };
}

/** The seeds of a run: the source's listing pages when given, else home page + sitemap listing URLs. */
export async function discoverSeeds(ctx: CrawlContext, plan: SourcePlan, listingUrls: string[], maxPages: number): Promise<string[]> {
  if (listingUrls.length > 0) return listingUrls.slice(0, maxPages).map(normalizeUrl);
  const origin = new URL(plan.website).origin;
  const seeds = new Set<string>([normalizeUrl(plan.website)]);
  try {
    const rules = await ctx.fetcher.robotsFor(plan.website);
    const sitemaps = new Set([...rules.sitemaps.filter((s) => sameSite(s, origin)), `${origin}/sitemap.xml`]);
    let budget = 4;
    const queue = [...sitemaps];
    while (queue.length && budget-- > 0) {
      const sm = queue.shift()!;
      const res = await ctx.fetcher.fetchPage(sm, { accept: 'application/xml,text/xml', signal: ctx.signal }).catch(() => null);
      if (!res || res.status >= 400) continue;
      const { pages, sitemaps: nested } = parseSitemap(res.body);
      for (const n of nested)
        if (sameSite(n, origin) && !sitemaps.has(n)) {
          sitemaps.add(n);
          queue.push(n);
        }
      for (const p of pages) {
        if (seeds.size >= maxPages) break;
        if (sameSite(p, origin) && LISTING_PATH.test(new URL(p).pathname)) seeds.add(normalizeUrl(p));
      }
    }
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    ctx.logger.debug({ err: (err as Error).message, website: plan.website }, 'no sitemap');
  }
  return [...seeds].slice(0, maxPages);
}
