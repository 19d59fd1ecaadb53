/**
 * The extraction corpus: the fixture agency sites of test/fixtures/watches (sites.json, the
 * original six) and test/fixtures/watches/corpus/<site>/ (each with its ground truth in
 * truth.json), crawled offline the way a source run crawls them (seeds, then listing links and
 * pagination, Shopify's /products.json, the better-quality version of a URL kept) and scored
 * against the truth: precision, recall and per-field accuracy. Pure: files in, figures out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractPage, extractShopifyProducts, type ListingDraft } from '../../activities/watches/extract/index.js';
import { internalListingLinks } from '../../activities/watches/fetch/discover.js';
import { fixtureFile, fixtureSites, WATCH_FIXTURES } from './watches-fixtures.js';
import { textOf } from '../../core/text-of.js';

/** A site is crawled at this origin; its markup may name its production domain (canonical, JSON-LD). */
export const CORPUS_ORIGIN = 'http://127.0.0.1:8765';

/**
 * The fields scored. An original-corpus listing scores the ones it states; an agencies-corpus listing
 * scores them all, a field it leaves out (or sets to null) meaning "the extractor must give none".
 */
export const SCORED_FIELDS = [
  'price',
  'priceQualifier',
  'previousPrice',
  'transaction',
  'surface',
  'rooms',
  'bedrooms',
  'postalCode',
  'city',
  'propertyType',
  'propertySubtype',
  'status',
] as const;
export type ScoredField = (typeof SCORED_FIELDS)[number];

export interface TruthListing extends Partial<Record<ScoredField, string | number | null>> {
  /** Path (and fragment, for listings that only exist as a block of a page) relative to the site's origin. */
  path: string;
  title?: string;
}

export interface CorpusSite {
  name: string;
  /** Directory under test/fixtures/watches. */
  dir: string;
  corpus: 'original' | 'agencies';
  description: string;
  /** Pages a run starts from (the source's listing pages, or its home page). */
  seeds: string[];
  listings: TruthListing[];
}

const ORIGINAL_DEFAULTS = { status: 'active' } as const;

/** Every scorable site: the original fixtures (without the single-page app) and the agencies corpus. */
export function corpusSites(which: 'original' | 'agencies' | 'all' = 'all'): CorpusSite[] {
  const out: CorpusSite[] = [];
  if (which !== 'agencies') {
    for (const s of fixtureSites()) {
      if (s.needsBrowser) continue;
      out.push({
        name: s.name,
        dir: s.name,
        corpus: 'original',
        description: s.description,
        seeds: s.listPages,
        listings: s.listings.map((l) => ({ ...ORIGINAL_DEFAULTS, ...l, title: l.title })),
      });
    }
  }
  if (which !== 'original') {
    const root = join(WATCH_FIXTURES, 'corpus');
    for (const name of existsSync(root) ? readdirSync(root).sort() : []) {
      const truthFile = join(root, name, 'truth.json');
      if (!existsSync(truthFile)) continue;
      const t = JSON.parse(readFileSync(truthFile, 'utf8')) as { description: string; seeds: string[]; listings: TruthListing[] };
      out.push({ name, dir: `corpus/${name}`, corpus: 'agencies', description: t.description, seeds: t.seeds, listings: t.listings });
    }
  }
  return out;
}

export interface CrawledSite {
  pages: string[];
  listings: Map<string, ListingDraft>;
}

const noHash = (u: string): string => {
  const x = new URL(u);
  x.hash = '';
  return x.href;
};

/** Reads a page of a site by path: the body, or undefined for a 404. */
export type PageReader = (path: string) => Promise<string | undefined>;

/** The fixture files themselves (the scorer's default). */
export function fileReader(site: CorpusSite): PageReader {
  return async (path) => {
    const f = fixtureFile(site.dir, path);
    return f ? readFileSync(f, 'utf8') : undefined;
  };
}

/**
 * Crawls a fixture site as a run would (seeds, their listing links and pagination, at most
 * `maxPages`), at `origin`, reading pages with `read` (files by default, HTTP in the served test).
 */
export async function crawlSite(site: CorpusSite, read: PageReader = fileReader(site), origin = CORPUS_ORIGIN, maxPages = 80): Promise<CrawledSite> {
  const listings = new Map<string, ListingDraft>();
  const keep = (l: ListingDraft): void => {
    const prev = listings.get(l.sourceUrl);
    if (!prev || l.quality >= prev.quality) listings.set(l.sourceUrl, l);
  };
  const queue: Array<{ url: string; seed: boolean }> = site.seeds.map((p) => ({ url: noHash(origin + p), seed: true }));
  const seen = new Set(queue.map((q) => q.url));
  const pages: string[] = [];
  while (queue.length && pages.length < maxPages) {
    const { url, seed } = queue.shift()!;
    const path = url.slice(origin.length);
    const push = (u: string): void => {
      let abs: string;
      try {
        abs = noHash(u);
      } catch {
        return;
      }
      if (!abs.startsWith(`${origin}/`) || seen.has(abs)) return;
      seen.add(abs);
      queue.push({ url: abs, seed: false });
    };
    if (/\/products\.json/.test(path)) {
      const body = await read('/products.json');
      if (body) for (const l of extractShopifyProducts(JSON.parse(body) as unknown, `${origin}/`)) keep(l);
      pages.push(path);
      continue;
    }
    const html = await read(path);
    if (html === undefined) continue; // a 404
    pages.push(path);
    const r = extractPage(html, url);
    for (const l of r.listings) keep(l);
    for (const u of [...r.listingLinks, ...r.nextPages]) push(u);
    if (seed) for (const u of internalListingLinks(html, url)) push(u);
    if (r.format === 'shopify' && seed) push(`${origin}/products.json`);
  }
  return { pages, listings };
}

const foldCity = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[-'’\s]+/g, ' ')
    .replace(/\bst\b/g, 'saint')
    .trim();

/** Is the extracted value the truth's value? (null / undefined in the truth: nothing extracted.) */
export function fieldRight(field: ScoredField, truth: unknown, got: unknown): boolean {
  if (truth === null || truth === undefined) return got === undefined || got === null;
  if (got === undefined || got === null) return false;
  if (field === 'surface') return Math.abs(Number(truth) - Number(got)) <= 0.5;
  if (field === 'city') return foldCity(textOf(truth)) === foldCity(textOf(got));
  return truth === got;
}

export interface FieldScore {
  right: number;
  total: number;
}
export interface SiteScore {
  name: string;
  corpus: CorpusSite['corpus'];
  expected: number;
  extracted: number;
  matched: number;
  precision: number;
  recall: number;
  fields: Partial<Record<ScoredField, FieldScore>>;
  /** What went wrong, for a person reading the bench output. */
  misses: string[];
}

export async function scoreSite(site: CorpusSite, read?: PageReader, origin = CORPUS_ORIGIN): Promise<SiteScore> {
  const { listings } = await crawlSite(site, read, origin);
  const fields: SiteScore['fields'] = {};
  const misses: string[] = [];
  let matched = 0;
  const expectedUrls = new Set<string>();
  for (const exp of site.listings) {
    const url = origin + exp.path;
    expectedUrls.add(url);
    const got = listings.get(url);
    if (!got) {
      misses.push(`missing ${exp.path}`);
      continue;
    }
    matched++;
    for (const f of SCORED_FIELDS) {
      // The agencies corpus states every field its pages give: a field it leaves out must stay empty.
      if (!(f in exp) && site.corpus === 'original') continue;
      const s = (fields[f] ??= { right: 0, total: 0 });
      s.total++;
      const value = (got as unknown as Record<string, unknown>)[f];
      if (fieldRight(f, exp[f], value)) s.right++;
      else misses.push(`${exp.path} ${f}: expected ${JSON.stringify(exp[f])}, got ${JSON.stringify(value)}`);
    }
  }
  for (const u of listings.keys()) if (!expectedUrls.has(u)) misses.push(`extra ${u.slice(origin.length)}`);
  const extracted = listings.size;
  return {
    name: site.name,
    corpus: site.corpus,
    expected: site.listings.length,
    extracted,
    matched,
    precision: extracted === 0 ? 1 : matched / extracted,
    recall: site.listings.length === 0 ? 1 : matched / site.listings.length,
    fields,
    misses,
  };
}

export interface CorpusScore {
  sites: SiteScore[];
  expected: number;
  extracted: number;
  matched: number;
  precision: number;
  recall: number;
  fields: Partial<Record<ScoredField, FieldScore & { accuracy: number }>>;
}

export async function scoreCorpus(sites: CorpusSite[]): Promise<CorpusScore> {
  return summarize(await Promise.all(sites.map((s) => scoreSite(s))));
}

/** Totals over per-site scores. */
export function summarize(scores: SiteScore[]): CorpusScore {
  const sum = (k: 'expected' | 'extracted' | 'matched'): number => scores.reduce((a, s) => a + s[k], 0);
  const fields: CorpusScore['fields'] = {};
  for (const f of SCORED_FIELDS) {
    const right = scores.reduce((a, s) => a + (s.fields[f]?.right ?? 0), 0);
    const total = scores.reduce((a, s) => a + (s.fields[f]?.total ?? 0), 0);
    if (total > 0) fields[f] = { right, total, accuracy: right / total };
  }
  const expected = sum('expected');
  const extracted = sum('extracted');
  const matched = sum('matched');
  return {
    sites: scores,
    expected,
    extracted,
    matched,
    precision: extracted === 0 ? 1 : matched / extracted,
    recall: expected === 0 ? 1 : matched / expected,
    fields,
  };
}
