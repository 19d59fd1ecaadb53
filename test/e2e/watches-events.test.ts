/**
 * Listing status and the event feed end to end: a loopback agency site crawled by the real worker
 * on the real Temporal dev server and PostgreSQL, across runs where a price drops, a listing shows
 * "Vendu", another "Sous compromis", one disappears and comes back, a sold one is offered again and
 * a detail page fails. Read back as a user would: `/v1/events`, the run report and its errors,
 * listings, alert mails (SMTP catcher) and market statistics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { RunningWorkers } from '../../workers/run.js';
import type { watchSource, WatchSourceStatus } from '../../workflows/watches.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';
import { agencySite, property, slug, startSite, type FixtureSite, type Property, type Responder } from '../support/watches/sites.js';

let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let smtp: MailCatcher;
let call: ReturnType<typeof testApp>['call'];
let site: FixtureSite;
let other: FixtureSite;
const ids: { site: number; other: number } = { site: 0, other: 0 };
const runIds: number[] = [];
let betweenRuns = '';

const props = new Map<string, Property>([
  ['a1', property('a1', { price: 420_000 })],
  ['a2', property('a2', { price: 480_000, surface: 80 })],
  ['a3', property('a3', { price: 350_000, surface: 52, rooms: 2 })],
  ['a4', property('a4', { price: 390_000, surface: 61 })],
  ['a5', property('a5', { price: 445_000, surface: 70 })],
]);
/** Detail pages answering 500 (a failing URL). */
const broken = new Set<string>();
const urlOf = (id: string) => new URL(slug(props.get(id)!), site.url).href;

type Json = Record<string, unknown>;
type EventItem = {
  id: number;
  type: string;
  listingId: number;
  sourceId: number;
  runId: number;
  sourceUrl: string;
  status: string;
  priceOld: number | null;
  priceNew: number | null;
  changes: Record<string, { old: unknown; new: unknown }>;
  at: string;
};
type Page<T> = { items: T[]; total: number; nextCursor: string | null };

async function get<T = Json>(path: string): Promise<T> {
  const res = await call(path);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}
async function runSite(sourceId: number): Promise<WatchSourceStatus> {
  const out = await client.workflow.execute<typeof watchSource>('watchSource', {
    workflowId: `e2e-events-${sourceId}-${Date.now()}`,
    taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
    args: [{ sourceId }],
  });
  if (sourceId === ids.site) runIds.push(out.runId!);
  return out;
}
const alertMails = () => smtp.messages.filter((m) => m.to.includes('marie@example.fr'));

beforeAll(async () => {
  t = await freshDb();
  smtp = await startMailCatcher();
  const base = agencySite(props, { flavor: 'wordpress', perPage: 5 });
  const respond: Responder = (path, req, s) => {
    if ([...broken].some((id) => path === slug(props.get(id)!))) return { status: 500, body: 'Internal Server Error' };
    return base(path, req, s);
  };
  site = await startSite(respond);
  other = await startSite(agencySite(new Map([['o1', property('o1', { price: 300_000, postalCode: '69003', city: 'Lyon' })]]), { flavor: 'wordpress' }));
  config = testConfig(t.url, {
    SMTP_URL: smtp.url,
    PUBLIC_BASE_URL: 'https://atelier.test',
    WATCH_POLITENESS_MS: '20',
    WATCH_REMOVAL_MISSES: '1',
    WATCH_FETCH_RETRIES: '1',
    WATCH_BROWSER_POOL_SIZE: '0',
  });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['watches']);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await workers?.shutdown();
  await client?.connection.close();
  await site?.close();
  await other?.close();
  await smtp?.close();
  await t?.drop();
});

describe('listing status and events through the API', () => {
  it('crawls two sources once: every listing new', async () => {
    for (const [name, s] of [
      ['site', site],
      ['other', other],
    ] as const) {
      const res = await call('/v1/sources', { method: 'POST', body: JSON.stringify({ name: `Agence ${name}`, website: s.url }) });
      expect(res.status).toBe(201);
      ids[name] = ((await res.json()) as { id: number }).id;
    }
    const alert = await call('/v1/alerts', {
      method: 'POST',
      body: JSON.stringify({ ownerEmail: 'marie@example.fr', name: 'Paris 15e', criteria: { postalCodes: ['75015'] } }),
    });
    expect(alert.status).toBe(201);
    expect((await runSite(ids.site)).counts).toMatchObject({ found: 5, new: 5 });
    expect((await runSite(ids.other)).counts).toMatchObject({ found: 1, new: 1 });
    await smtp.waitFor(5, (m) => m.to.includes('marie@example.fr'));
    const listing = await get<Page<Json>>(`/v1/listings?source_id=${ids.site}&limit=5`);
    expect(listing.items.every((l) => l.status === 'active' && l.priceQualifier === null && l.previousPrice === null)).toBe(true);
    betweenRuns = new Date().toISOString();
  });

  it('a price drop, "Vendu", "Sous compromis" and a disappearance: one event each, one alert mail', async () => {
    smtp.clear();
    props.get('a1')!.price = 399_000;
    Object.assign(props.get('a2')!, { badge: 'Vendu', price: 450_000 }); // sold, and cheaper: no alert
    props.get('a3')!.badge = 'Sous compromis';
    const a4 = props.get('a4')!;
    props.delete('a4');
    const run = await runSite(ids.site);
    expect(run).toMatchObject({ status: 'ok', counts: { found: 4, new: 0, updated: 1, priceChanges: 1, sold: 1, removed: 1, reactivated: 0 } });
    props.set('a4', a4);

    // the alert hears of the price drop only (the outbox row of each notification is sent in the run)
    const keys = await t.db.selectFrom('outbox').select(['dedupe_key', 'status']).where('dedupe_key', 'like', 'watch:alert:%price_drop%').execute();
    expect(keys.map((k) => [k.dedupe_key.replace(/^watch:alert:\d+:listing:\d+:/, ''), k.status])).toEqual([['price_drop:399000', 'sent']]);
    expect(alertMails().map((m) => m.subject)).toEqual([expect.stringMatching(/^Baisse de prix · .* · 399 000 €$/)]);

    const feed = await get<Page<EventItem>>(`/v1/events?since=${encodeURIComponent(betweenRuns)}&source=${ids.site}`);
    expect(feed.total).toBe(4);
    const byType = Object.fromEntries(feed.items.map((e) => [e.type, e]));
    expect(Object.keys(byType).sort()).toEqual(['price_change', 'removed', 'sold', 'updated']);
    expect(byType.price_change).toMatchObject({
      sourceUrl: urlOf('a1'),
      priceOld: 420_000,
      priceNew: 399_000,
      changes: { price: { old: 420_000, new: 399_000 } },
      runId: run.runId,
      sourceId: ids.site,
      status: 'active',
    });
    expect(byType.sold).toMatchObject({
      sourceUrl: urlOf('a2'),
      status: 'sold',
      priceOld: 480_000,
      priceNew: 450_000,
      changes: { status: { old: 'active', new: 'sold' } },
    });
    expect(byType.updated).toMatchObject({ sourceUrl: urlOf('a3'), status: 'under_offer', changes: { status: { old: 'active', new: 'under_offer' } } });
    expect(byType.removed).toMatchObject({ sourceUrl: urlOf('a4'), status: 'removed' });

    const a1 = await get<Json>(`/v1/listings/${byType.price_change!.listingId}`);
    expect(a1).toMatchObject({ price: 399_000, previousPrice: 420_000, status: 'active' });
    const sold = await get<Page<Json>>(`/v1/listings?source_id=${ids.site}&status=sold,under_offer`);
    expect(sold.items.map((l) => [l.sourceUrl, l.status]).sort()).toEqual([
      [urlOf('a2'), 'sold'],
      [urlOf('a3'), 'under_offer'],
    ]);
    expect((await get<Page<Json>>(`/v1/listings?source_id=${ids.site}`)).total).toBe(2);
    expect((await get<Page<Json>>(`/v1/listings?source_id=${ids.site}&status=inactive`)).items.map((l) => l.sourceUrl)).toEqual([urlOf('a4')]);

    // the run's report: its counts and the same events
    const report = await get<{ run: Json; events: Page<EventItem>; errors: Page<Json> }>(`/v1/sources/${ids.site}/runs/${run.runId}`);
    expect(report.run).toMatchObject({ id: run.runId, status: 'ok', found: 4, updated: 1, priceChanges: 1, sold: 1, removed: 1, errors: 0 });
    expect(report.events.items.map((e) => e.id).sort()).toEqual(feed.items.map((e) => e.id).sort());
    expect(report.errors).toEqual({ items: [], total: 0, nextCursor: null });
  });

  it('leaves sold and under-offer listings out of market statistics', async () => {
    const refreshed = await call('/v1/stats/market/refresh', { method: 'POST' });
    expect(refreshed.status).toBe(200);
    const stats = await get<Json>('/v1/stats/market?postal_code=75015');
    // on offer: a1 399k, a5 445k; a2 sold, a3 under offer, a4 removed
    expect(stats).toMatchObject({ active_listings: 2, sold_listings: 1, under_offer_listings: 1, price_min: 399_000, price_max: 445_000, apartments_count: 2 });
  });

  it('a listing back and a sold one offered again are reactivated; a failing page is in the run errors', async () => {
    smtp.clear();
    props.get('a2')!.badge = undefined; // offered again, at the price it sold at: no alert
    broken.add('a5');
    const run = await runSite(ids.site);
    expect(run).toMatchObject({ status: 'partial', counts: { reactivated: 2, new: 0, sold: 0, priceChanges: 0, removed: 0 } });
    expect(alertMails()).toHaveLength(0);
    broken.clear();

    const re = await get<Page<EventItem>>(`/v1/sources/${ids.site}/runs/${run.runId}/events?type=reactivated`);
    expect(re.items.map((e) => [e.sourceUrl, e.status]).sort()).toEqual([
      [urlOf('a2'), 'active'],
      [urlOf('a4'), 'active'],
    ]);
    const a2 = re.items.find((e) => e.sourceUrl === urlOf('a2'))!;
    expect(a2.changes.status).toEqual({ old: 'sold', new: 'active' });

    const report = await get<{ run: Json; errors: Page<Json> }>(`/v1/sources/${ids.site}/runs/${run.runId}`);
    expect(report.run).toMatchObject({ status: 'partial', errors: 1, reactivated: 2 });
    expect(report.errors.total).toBe(1);
    expect(report.errors.items[0]).toMatchObject({ url: urlOf('a5'), kind: 'http-500', httpStatus: 500, counted: true });
    expect(Date.parse(report.errors.items[0]!.at as string)).toBeGreaterThan(Date.parse(betweenRuns));
    const errors = await get<Page<Json>>(`/v1/sources/${ids.site}/runs/${run.runId}/errors?limit=1`);
    expect(errors).toMatchObject({ total: 1, nextCursor: null, items: [{ url: urlOf('a5'), kind: 'http-500', httpStatus: 500 }] });
    const list = await get<Page<Json>>(`/v1/sources/${ids.site}/runs?limit=3`);
    expect(list.items.map((r) => [r.priceChanges, r.sold, r.reactivated])).toEqual([
      [0, 0, 2],
      [1, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('pages the feed by cursor with its total, filters by type and source, and keeps time bounds', async () => {
    const all = await get<Page<EventItem>>('/v1/events?limit=200');
    // site: 5 new, 4 in the second run, 2 reactivated; other: 1 new
    expect(all.total, JSON.stringify(all.items.map((e) => [e.type, e.sourceUrl, e.changes]))).toBe(12);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<EventItem> = await get<Page<EventItem>>(`/v1/events?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.total).toBe(12);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((e) => e.id));
    expect(new Set(seen).size).toBe(12);
    // newest first
    const times = all.items.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const news = await get<Page<EventItem>>('/v1/events?type=new');
    expect(news.total).toBe(6);
    expect((await get<Page<EventItem>>(`/v1/events?type=new&source=${ids.other}`)).items.map((e) => e.sourceId)).toEqual([ids.other]);
    const changes = await get<Page<EventItem>>('/v1/events?type=price_change,sold');
    expect(changes.items.map((e) => e.type).sort()).toEqual(['price_change', 'sold']);
    expect((await get<Page<EventItem>>(`/v1/events?until=${encodeURIComponent(betweenRuns)}`)).total).toBe(6);
    expect((await get<Page<EventItem>>(`/v1/events?since=${encodeURIComponent(betweenRuns)}&until=${encodeURIComponent(betweenRuns)}`)).total).toBe(0);
  });

  it('refuses bad parameters with 422 problem+json, an unknown run with 404', async () => {
    const bad = [
      '/v1/events?since=yesterday',
      '/v1/events?until=2026-13-01T00:00:00Z',
      '/v1/events?since=2026-12-01T00:00:00%2B15:00',
      '/v1/events?type=bogus',
      '/v1/events?source=0',
      '/v1/events?source=1e3',
      '/v1/events?limit=0',
      '/v1/events?limit=201',
      '/v1/events?cursor=not-a-cursor',
      `/v1/events?cursor=${Buffer.from('[1,2,3]').toString('base64url')}`,
      `/v1/events?cursor=${Buffer.from('["1764583200000001","evt"]').toString('base64url')}`,
      '/v1/events?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z',
      '/v1/events?source=%00',
      `/v1/sources/${ids.site}/runs/0`,
      `/v1/sources/${ids.site}/runs/x/errors`,
      `/v1/sources/${ids.site}/runs/${runIds[0]}/errors?cursor=zz`,
      `/v1/sources/${ids.site}/runs/${runIds[0]}/events?type=gone`,
      '/v1/listings?status=closed',
    ];
    for (const path of bad) {
      const res = await call(path);
      expect(res.status, path).toBe(422);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    }
    const otherRun = (await get<Page<Json>>(`/v1/sources/${ids.other}/runs`)).items[0]!.id as number;
    for (const path of [
      `/v1/sources/${ids.site}/runs/${otherRun}`,
      `/v1/sources/${ids.site}/runs/999999/errors`,
      `/v1/sources/999999/runs/${runIds[0]}/events`,
    ]) {
      const res = await call(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    }
  });
});
