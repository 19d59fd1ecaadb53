/**
 * Watches end to end: fixture agency sites on loopback (WordPress with JSON-LD and pagination, Wix,
 * Shopify products.json, a JavaScript single-page site rendered in Chromium, a site answering 429,
 * a garbage page, a dead site), the real worker on the real Temporal dev server, real PostgreSQL,
 * a real SMTP catcher and a webhook receiver. The sites change between runs.
 *
 * One file on purpose (issue 17): the fixture sites and the watches worker (with its Chromium pool)
 * are started once, and the tests build on each other in order (sources registered, crawled, then
 * changed, failing, drained mid-run, searched).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { RunningWorkers } from '../../workers/run.js';
import type { watchFleet, watchSource, WatchSourceStatus, marketStats } from '../../workflows/watches.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';
import { agencySite, garbageSite, minGap, property, shopifySite, spaSite, startSite, type FixtureSite, type Property } from '../support/watches/sites.js';
import { startWebhookReceiver } from '../support/watches/webhook-receiver.js';

const DELAY = 200;
// the next request starts `DELAY` after the previous response; a few ms of timer rounding allowed
const JITTER = 10;
const SECRET = 'e2e-webhook-secret-0123456789';
let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let smtp: MailCatcher;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
let call: ReturnType<typeof testApp>['call'];
const sites: Record<string, FixtureSite> = {};
const ids: Record<string, number> = {};

const wp = new Map<string, Property>([
  ['a1', property('a1', { price: 420_000 })],
  ['a2', property('a2', { price: 480_000, surface: 80 })],
  ['a3', property('a3', { price: 350_000, surface: 52, rooms: 2 })],
  [
    'a4',
    property('a4', {
      title: 'Maison familiale avec jardin',
      type: 'house',
      price: 790_000,
      surface: 140,
      rooms: 6,
      postalCode: '92100',
      city: 'Boulogne-Billancourt',
    }),
  ],
  ['a5', property('a5', { price: 1_250_000, surface: 120, rooms: 5 })],
]);
const wix = new Map<string, Property>([
  ['w1', property('w1', { title: 'Studio rénové', price: 215_000, surface: 24, rooms: 1, postalCode: '75011', city: 'Paris' })],
  ['w2', property('w2', { title: 'Maison de ville', type: 'house', price: 560_000, surface: 110, rooms: 5, postalCode: '93100', city: 'Montreuil' })],
]);
const shop = new Map<string, Property>([['s1', property('s1', { price: 310_000, surface: 40, rooms: 2, postalCode: '75015' })]]);
const spa = new Map<string, Property>([
  ['p1', property('p1', { title: 'Loft atelier', price: 640_000, surface: 95, rooms: 3, postalCode: '75020', city: 'Paris' })],
  ['p2', property('p2', { title: 'Duplex terrasse', price: 720_000, surface: 88, rooms: 4, postalCode: '75020', city: 'Paris' })],
]);
const busy = new Map<string, Property>([
  ['b1', property('b1', { price: 299_000, surface: 35, rooms: 2, postalCode: '69003', city: 'Lyon' })],
  ['b2', property('b2', { price: 305_000, surface: 37, rooms: 2, postalCode: '69003', city: 'Lyon' })],
]);

async function post(path: string, body: unknown) {
  const res = await call(path, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function get<T = Record<string, unknown>>(path: string) {
  const res = await call(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

function runSource(sourceId: number): Promise<WatchSourceStatus> {
  return client.workflow.execute<typeof watchSource>('watchSource', {
    workflowId: `e2e-source-${sourceId}-${Date.now()}`,
    taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
    args: [{ sourceId }],
  });
}
const listingByUrl = (url: string) => t.db.selectFrom('watch_listings').selectAll().where('source_url', '=', url).executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await freshDb();
  smtp = await startMailCatcher();
  hooks = await startWebhookReceiver(SECRET);
  sites.wp = await startSite(agencySite(wp, { flavor: 'wordpress' }));
  sites.wix = await startSite(agencySite(wix, { flavor: 'wix' }));
  sites.shop = await startSite(shopifySite(shop));
  sites.spa = await startSite(spaSite(spa));
  sites.busy = await startSite(agencySite(busy, { flavor: 'wordpress', tooManyFirst: true }));
  sites.garbage = await startSite(garbageSite());
  const dead = await startSite(() => null);
  await dead.close();
  sites.dead = dead;
  config = testConfig(t.url, {
    SMTP_URL: smtp.url,
    WEBHOOK_SIGNING_SECRET: SECRET,
    PUBLIC_BASE_URL: 'https://atelier.test',
    WATCH_POLITENESS_MS: String(DELAY),
    WATCH_REMOVAL_MISSES: '2',
    WATCH_FLAG_AFTER_FAILURES: '2',
    WATCH_FETCH_RETRIES: '1',
    WATCH_BROWSER_POOL_SIZE: '1',
    WATCH_USER_AGENT: 'AtelierWatchBot/1.0 (+https://atelier.test/bot)',
  });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['watches']);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await workers?.shutdown();
  await client?.connection.close();
  await Promise.all(
    Object.entries(sites)
      .filter(([k]) => k !== 'dead')
      .map(([, s]) => s.close()),
  );
  await hooks?.close();
  await smtp?.close();
  await t?.drop();
});

describe('watches end to end', () => {
  it('registers sources and alerts through the API', async () => {
    for (const [name, s] of Object.entries(sites)) {
      const res = await post('/v1/sources', { name: `Agence ${name}`, website: s.url, postalCodes: ['75015'], priority: name === 'wp' ? 1 : 0 });
      expect(res.status, name).toBe(201);
      ids[name] = res.body.id as number;
    }
    const email = await post('/v1/alerts', {
      ownerEmail: 'marie@example.fr',
      name: 'Paris 15e < 500k',
      criteria: { postalCodes: ['75015'], priceMax: 500_000, propertyTypes: ['apartment'] },
    });
    expect(email.status).toBe(201);
    const hook = await post('/v1/alerts', { ownerEmail: 'bot@example.fr', channel: 'webhook', target: hooks.url, criteria: { propertyTypes: ['house'] } });
    expect(hook.status).toBe(201);
  });

  it('crawls the whole fleet: every format, robots, politeness, 429, JS rendering, garbage and a dead site', async () => {
    const totals = await client.workflow.execute<typeof watchFleet>('watchFleet', {
      workflowId: `e2e-fleet-${Date.now()}`,
      taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
      args: [{ scope: 'all', batchSize: 4 }],
    });
    expect(totals).toEqual({ sources: 7, ok: 6, failed: 1 });

    const count = async (name: string) =>
      (await t.db.selectFrom('watch_listings').select('source_url').where('source_id', '=', ids[name]!).execute()).map((r) => r.source_url).sort();
    expect(await count('wp')).toEqual(
      [...wp.values()].map((p) => `${sites.wp!.url}annonce/${p.id}-${p.type === 'house' ? 'maison' : 'appartement'}-${p.rooms}-pieces/`).sort(),
    );
    expect(await count('wix')).toHaveLength(2);
    expect(await count('shop')).toEqual([`${sites.shop!.url}products/s1-bien`]);
    expect(await count('spa')).toHaveLength(2);
    expect(await count('busy')).toHaveLength(2);
    expect(await count('garbage')).toHaveLength(0);

    const a2 = await listingByUrl(`${sites.wp!.url}annonce/a2-appartement-3-pieces/`);
    expect(a2).toMatchObject({ price: 480_000, rooms: 3, postal_code: '75015', city: 'Paris', property_type: 'apartment', status: 'active' });
    expect(Number(a2.surface)).toBe(80);

    const src = await get<{ needsBrowser: boolean; detectedFormat: string }>(`/v1/sources/${ids.spa}`);
    expect(src.needsBrowser).toBe(true);
    expect((await get<{ detectedFormat: string }>(`/v1/sources/${ids.wix}`)).detectedFormat).toBe('wix');
    expect((await get<{ detectedFormat: string }>(`/v1/sources/${ids.shop}`)).detectedFormat).toBe('shopify');

    // robots.txt: the home page links to /prive/, never fetched; every site's requests are spaced
    for (const s of [sites.wp!, sites.busy!]) expect(s.requests.some((r) => r.path.startsWith('/prive/'))).toBe(false);
    for (const [name, s] of Object.entries(sites)) {
      if (name === 'dead' || name === 'spa') continue;
      expect(minGap(s), `${name}: ${JSON.stringify(s.requests)}`).toBeGreaterThanOrEqual(DELAY - JITTER);
    }
    // the SPA's documents (not its script / JSON sub-requests, which the page makes) are spaced too
    const docs = sites.spa!.requests.filter((r) => r.path === '/' || r.path.startsWith('/annonce/'));
    for (let i = 1; i < docs.length; i++) expect(docs[i]!.at - docs[i - 1]!.at).toBeGreaterThanOrEqual(DELAY - JITTER);
    const throttled = sites.busy!.requests.filter((r) => r.path === '/biens/');
    expect(throttled[0]!.status).toBe(429);
    expect(throttled[1]!.at - throttled[0]!.at).toBeGreaterThanOrEqual(990);

    // garbage: no crash, zero listings, the page logged in the run
    const garbageRuns = await get<{ items: Array<{ status: string; found: number; id: number }> }>(`/v1/sources/${ids.garbage}/runs`);
    expect(garbageRuns.items[0]).toMatchObject({ status: 'ok', found: 0 });
    const logged = await t.db.selectFrom('watch_crawl_errors').selectAll().where('run_id', '=', garbageRuns.items[0]!.id).execute();
    expect(logged.map((l) => l.kind)).toEqual(['no-listings']);
    const report = await get<{ run: { errors: number }; errors: { items: Array<Record<string, unknown>>; total: number } }>(
      `/v1/sources/${ids.garbage}/runs/${garbageRuns.items[0]!.id}`,
    );
    expect(report.run.errors).toBe(0);
    expect(report.errors).toMatchObject({ total: 1, items: [{ kind: 'no-listings', counted: false, httpStatus: null }] });

    const deadRuns = await get<{ items: Array<{ status: string; errors: number }> }>(`/v1/sources/${ids.dead}/runs`);
    expect(deadRuns.items[0]).toMatchObject({ status: 'failed' });

    // notifications: one mail per matching listing (75015 apartments <= 500k: a1 a2 a3 s1), one webhook per house (a4, w2)
    const mails = await smtp.waitFor(4, (m) => m.to.includes('marie@example.fr'));
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter((m) => m.to.includes('marie@example.fr'))).toHaveLength(4);
    expect(mails.every((m) => m.html?.includes('https://atelier.test/public/alerts/unsubscribe?token=') && m.text.includes('Se désabonner'))).toBe(true);
    expect(hooks.received).toHaveLength(2);
    expect(hooks.received.every((h) => h.signatureOk && h.body.type === 'listing.new')).toBe(true);
  });

  it('sees a new listing, a price drop, a removal after K misses, and a reappearance', async () => {
    smtp.clear();
    wp.set('a6', property('a6', { price: 399_000, surface: 61 }));
    wp.get('a2')!.price = 455_000;
    const a3 = wp.get('a3')!;
    wp.delete('a3');

    const first = await runSource(ids.wp!);
    expect(first.counts).toEqual({ found: 5, new: 1, updated: 0, priceChanges: 1, sold: 0, removed: 0, reactivated: 0 });
    const a3Url = `${sites.wp!.url}annonce/a3-appartement-2-pieces/`;
    expect(await listingByUrl(a3Url)).toMatchObject({ status: 'active', missed_runs: 1 });
    const mails = await smtp.waitFor(2, (m) => m.to.includes('marie@example.fr'));
    expect(mails.map((m) => m.subject).sort()).toEqual(
      [expect.stringMatching(/^Baisse de prix · .* · 455 000 €$/), expect.stringMatching(/^Nouvelle annonce · .* · 399 000 €$/)].sort(),
    );
    expect(mails.find((m) => m.subject.startsWith('Baisse'))!.text).toContain('480 000 € → 455 000 €');

    const second = await runSource(ids.wp!);
    expect(second.counts).toMatchObject({ found: 5, new: 0, updated: 0, removed: 1 });
    expect(await listingByUrl(a3Url)).toMatchObject({ status: 'removed', missed_runs: 2 });

    wp.set('a3', a3);
    const third = await runSource(ids.wp!);
    expect(third.counts).toMatchObject({ found: 6, new: 0, reactivated: 1, removed: 0 });
    const back = await listingByUrl(a3Url);
    expect(back).toMatchObject({ status: 'active', missed_runs: 0 });

    const detail = await get<{ history: Array<{ event: string }> }>(`/v1/listings/${back.id}`);
    expect(detail.history.map((h) => h.event)).toEqual(['new', 'removed', 'reactivated']);
    const a2 = await listingByUrl(`${sites.wp!.url}annonce/a2-appartement-3-pieces/`);
    const a2Detail = await get<{ history: Array<{ event: string; changes: Record<string, unknown>; priceOld: number; priceNew: number }> }>(
      `/v1/listings/${a2.id}`,
    );
    expect(a2Detail.history[1]).toMatchObject({
      event: 'price_change',
      priceOld: 480_000,
      priceNew: 455_000,
      changes: { price: { old: 480_000, new: 455_000 } },
    });

    // no more mail: the reappearance is not news, and nothing was sent twice
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter((m) => m.to.includes('marie@example.fr'))).toHaveLength(2);

    const runs = await get<{ items: Array<Record<string, unknown>> }>(`/v1/sources/${ids.wp}/runs`);
    expect(runs.items.slice(0, 4).map((r) => [r.new, r.updated, r.priceChanges, r.removed, r.reactivated])).toEqual([
      [0, 0, 0, 0, 1],
      [0, 0, 0, 1, 0],
      [1, 0, 1, 0, 0],
      [5, 0, 0, 0, 0],
    ]);
    expect(runs.items[0]!.durationMs).toBeGreaterThan(0);
  });

  it('flags a source failing N runs in a row and alerts the operator once', async () => {
    await runSource(ids.dead!);
    const src = await get<{ flaggedAt: string | null; consecutiveFailures: number }>(`/v1/sources/${ids.dead}`);
    expect(src).toMatchObject({ consecutiveFailures: 2 });
    expect(src.flaggedAt).not.toBeNull();
    await smtp.waitFor(1, (m) => m.to.includes(config.OPERATOR_EMAIL));
    await runSource(ids.dead!);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter((m) => m.to.includes(config.OPERATOR_EMAIL))).toHaveLength(1);
    const flagged = await get<{ items: Array<{ id: number }> }>('/v1/sources?flagged=true');
    expect(flagged.items.map((s) => s.id)).toEqual([ids.dead]);
  });

  it('survives a worker shut down mid-run (drained; SIGKILL is worker-sigkill.test.ts): no duplicate listing, no duplicate notification', async () => {
    smtp.clear();
    wp.set('a7', property('a7', { price: 333_000, surface: 50 }));
    wp.set('a8', property('a8', { price: 1_100_000, surface: 130, rooms: 5 }));
    sites.wp!.slow = { pattern: /^\/annonce\//, ms: 400 };
    const handle = await client.workflow.start<typeof watchSource>('watchSource', {
      workflowId: `e2e-kill-${Date.now()}`,
      taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
      args: [{ sourceId: ids.wp! }],
    });
    const from = sites.wp!.requests.length;
    while (sites.wp!.requests.slice(from).filter((r) => r.path.startsWith('/annonce/')).length < 2) await new Promise((r) => setTimeout(r, 50));
    await workers.shutdown();
    sites.wp!.slow = { pattern: null, ms: 0 };
    workers = await startTestWorkers(config, t.db, ['watches']);
    const result = await handle.result();
    expect(result, JSON.stringify(result)).toMatchObject({ status: 'ok' });
    expect(result.counts).toMatchObject({ new: 2, removed: 0 });

    const rows = await t.db.selectFrom('watch_listings').select('source_url').where('source_id', '=', ids.wp!).execute();
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.source_url)).size).toBe(8);
    await smtp.waitFor(1, (m) => m.to.includes('marie@example.fr'));
    await new Promise((r) => setTimeout(r, 500));
    const mails = smtp.messages.filter((m) => m.to.includes('marie@example.fr'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('333 000 €');
    const keys = await t.db.selectFrom('outbox').select(['dedupe_key', 'status']).where('dedupe_key', 'like', 'watch:alert:%').execute();
    expect(new Set(keys.map((k) => k.dedupe_key)).size).toBe(keys.length);
    expect(keys.every((k) => k.status === 'sent')).toBe(true);
  });

  it('searches listings with filters, sorting and keyset pagination, and serves market statistics', async () => {
    const page1 = await get<{ items: Array<{ id: number; price: number }>; nextCursor: string }>(
      '/v1/listings?postal_code=75015&property_type=apartment&sort=price_asc&limit=3',
    );
    expect(page1.items.map((i) => i.price)).toEqual([310_000, 333_000, 350_000]);
    const page2 = await get<{ items: Array<{ id: number; price: number }>; nextCursor: string | null }>(
      `/v1/listings?postal_code=75015&property_type=apartment&sort=price_asc&limit=3&cursor=${page1.nextCursor}`,
    );
    expect(page2.items.map((i) => i.price)).toEqual([399_000, 420_000, 455_000]);
    const cheap = await get<{ items: Array<{ price: number }> }>('/v1/listings?price_max=300000&status=all');
    expect(cheap.items.map((i) => i.price).sort()).toEqual([215_000, 299_000]);
    const bad = await call('/v1/listings?cursor=not-a-cursor');
    expect(bad.status).toBe(422);

    await client.workflow.execute<typeof marketStats>('marketStats', {
      workflowId: `e2e-stats-${Date.now()}`,
      taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
    });
    const stats = await get<Record<string, number | string>>('/v1/stats/market?postal_code=75015');
    // 75015: a1..a3, a5..a8 (wp) + s1 (shop) = 8 apartments
    expect(stats).toMatchObject({
      postal_code: '75015',
      active_listings: 8,
      apartments_count: 8,
      price_min: 310_000,
      price_max: 1_250_000,
      listings_added_today: 8,
    });
    expect((await call('/v1/stats/market?postal_code=7501')).status).toBe(422);
  });
});
