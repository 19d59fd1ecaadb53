/**
 * The fixture agency sites served over real HTTP on loopback and read back through the extractor;
 * the single-page site rendered by the system Chromium first. Proves the fixtures work as sites (what
 * the pipeline's crawl tests rely on) and that extraction holds on real responses and origins.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../activities/shared/browser.js';
import { extractPage, extractShopifyProducts } from '../../activities/watches/extract/index.js';
import { fixtureSites, serveFixtureSite, type ServedSite } from '../support/watches-fixtures.js';
import { corpusSites, scoreSite, summarize, SCORED_FIELDS, type SiteScore } from '../support/watches-corpus.js';

const sites = fixtureSites();
const served = new Map<string, ServedSite>();

beforeAll(async () => {
  for (const s of sites) served.set(s.name, await serveFixtureSite(s.name));
});
afterAll(async () => {
  for (const s of served.values()) await s.close();
});

async function get(url: string): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

describe('static agency sites over HTTP', () => {
  for (const site of sites.filter((s) => !s.needsBrowser)) {
    it(`${site.name}: list pages lead to every listing, detail pages give its fields`, async () => {
      const origin = served.get(site.name)!.url.replace(/\/$/, '');
      const links = new Set<string>();
      for (const path of site.listPages) {
        const res = await get(origin + path);
        expect(res.status).toBe(200);
        const r = extractPage(res.body, origin + path);
        expect(r.format).toBe(site.format);
        for (const u of r.listingLinks) links.add(u);
      }
      for (const exp of site.listings) {
        expect(links, exp.path).toContain(origin + exp.path);
        const res = await get(origin + exp.path);
        expect(res.status).toBe(200);
        const r = extractPage(res.body, origin + exp.path);
        const { path: _p, ...fields } = exp;
        expect(r.listings).toHaveLength(1);
        expect(r.listings[0]).toMatchObject({ ...fields, sourceUrl: origin + exp.path });
      }
      expect((await get(`${origin}/does-not-exist`)).status).toBe(404);
    });
  }

  it('the Shopify site publishes its catalogue at /products.json', async () => {
    const site = sites.find((s) => s.format === 'shopify')!;
    const origin = served.get(site.name)!.url;
    const res = await get(new URL(site.productsJson!, origin).href);
    expect(res.type).toContain('application/json');
    const listings = extractShopifyProducts(JSON.parse(res.body) as unknown, origin);
    expect(listings.map((l) => l.sourceUrl).sort()).toEqual(site.listings.map((l) => new URL(l.path, origin).href).sort());
  });
});

describe('the JavaScript single-page site', () => {
  let browser: Browser;
  beforeAll(async () => {
    const executablePath = inject('chromiumPath');
    expect(executablePath, 'provisioning must find or install Chromium').toBeTruthy();
    browser = await launchBrowser({ executablePath: executablePath! });
  });
  afterAll(async () => browser?.close());

  it('is a shell over HTTP and full listings once Chromium has rendered it', async () => {
    const site = sites.find((s) => s.needsBrowser)!;
    const origin = served.get(site.name)!.url.replace(/\/$/, '');
    const shell = extractPage((await get(`${origin}/`)).body, `${origin}/`);
    expect(shell.needsBrowser).toBe(true);
    expect(shell.listings).toEqual([]);

    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      await page.waitForSelector('.annonce-item');
      const list = extractPage(await page.content(), `${origin}/`);
      expect(list.needsBrowser).toBe(false);
      expect(list.pageKind).toBe('list');
      expect(list.listings.map((l) => l.sourceUrl).sort()).toEqual(site.listings.map((l) => origin + l.path).sort());

      const exp = site.listings[0]!;
      await page.goto(origin + exp.path);
      await page.waitForSelector('.property-detail');
      const detail = extractPage(await page.content(), origin + exp.path);
      const { path: _p, ...fields } = exp;
      expect(detail.pageKind).toBe('detail');
      expect(detail.listings[0]).toMatchObject(fields);
    } finally {
      await page.close();
    }
  });
});

describe('the agencies corpus served over HTTP', () => {
  it('crawled through loopback at its own origin, it scores as it does offline', async () => {
    const scores: SiteScore[] = [];
    for (const site of corpusSites('agencies')) {
      const server = await serveFixtureSite(site.dir);
      try {
        const origin = server.url.replace(/\/$/, '');
        const read = async (path: string): Promise<string | undefined> => {
          const res = await fetch(origin + path);
          return res.status === 200 ? res.text() : undefined;
        };
        scores.push(await scoreSite(site, read, origin));
        expect(server.requests.length, site.name).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    }
    const total = summarize(scores);
    const misses = scores.flatMap((s) => s.misses.map((m) => `${s.name}: ${m}`)).join('\n');
    expect(total.precision, misses).toBeGreaterThanOrEqual(0.98);
    expect(total.recall, misses).toBeGreaterThanOrEqual(0.97);
    for (const f of SCORED_FIELDS) expect(total.fields[f]!.accuracy, `${f}\n${misses}`).toBeGreaterThanOrEqual(0.95);
  });
});
