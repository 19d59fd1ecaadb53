/**
 * Pages that answer 404 during a source run, through the real workflow (real worker, Temporal dev
 * server, PostgreSQL) on a loopback fixture agency site: a navigation link and a stale sitemap entry
 * that are not listing pages are logged in watch_crawl_errors and leave the run `ok`; a listing whose
 * page is gone (still in the stale sitemap) counts a miss each run until it is removed; a 404 on one
 * of the source's own listing pages still makes the run partial.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { RunningWorkers } from '../../workers/run.js';
import type { watchSource, WatchSourceStatus } from '../../workflows/watches.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';
import { agencySite, property, startSite, type FixtureSite, type Property, type Responder } from '../support/watches/sites.js';

let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let site: FixtureSite;
let call: ReturnType<typeof testApp>['call'];

const listings = new Map<string, Property>([
  ['n1', property('n1', { price: 310_000, surface: 48, rooms: 2 })],
  ['n2', property('n2', { price: 455_000, surface: 71, rooms: 3 })],
  ['n3', property('n3', { price: 520_000, surface: 80, rooms: 3 })],
]);
const detailPath = (p: Property): string => `annonce/${p.id}-${p.type === 'house' ? 'maison' : 'appartement'}-${p.rooms}-pieces/`;
const everListed = [...listings.values()];

/** The agency site, with a home page linking to a page that is gone and a sitemap that went stale. */
function withDeadLinks(inner: Responder): Responder {
  return (path, req, s) => {
    if (path === '/') {
      return {
        body: '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Agence</title></head><body><nav><a href="/biens/">Nos biens</a> <a href="/location/gestion-locative/">Gestion locative</a></nav><p>Bienvenue.</p></body></html>',
      };
    }
    if (path === '/sitemap.xml') {
      // every listing it ever had (a stale entry once one is sold) and a page removed long ago
      const urls = ['', 'biens/', 'biens/programme-neuf-2019/', ...everListed.map(detailPath)].map((p) => `<url><loc>${s.url}${p}</loc></url>`).join('');
      return {
        type: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`,
      };
    }
    return inner(path, req, s);
  };
}

async function addSource(body: Record<string, unknown>): Promise<number> {
  const res = await call('/v1/sources', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}
function runSource(sourceId: number): Promise<WatchSourceStatus> {
  return client.workflow.execute<typeof watchSource>('watchSource', {
    workflowId: `e2e-404-${sourceId}-${Date.now()}`,
    taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
    args: [{ sourceId }],
  });
}
const errorsOf = async (runId: number) =>
  (await t.db.selectFrom('watch_crawl_errors').select(['url', 'kind', 'http_status']).where('run_id', '=', runId).orderBy('url').execute()).map((e) => ({
    path: new URL(e.url).pathname,
    kind: e.kind,
    status: e.http_status,
  }));

beforeAll(async () => {
  t = await freshDb();
  site = await startSite(withDeadLinks(agencySite(listings, { flavor: 'wordpress', perPage: 5 })));
  config = testConfig(t.url, { WATCH_POLITENESS_MS: '20', WATCH_REMOVAL_MISSES: '2', WATCH_FETCH_RETRIES: '1' });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['watches']);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await workers?.shutdown();
  await client?.connection.close();
  await site?.close();
  await t?.drop();
});

describe('a 404 during a run', () => {
  let sourceId: number;

  it('on a navigation link or a stale sitemap entry is logged and the run stays ok', async () => {
    sourceId = await addSource({ name: 'Agence aux liens morts', website: site.url });
    const run = await runSource(sourceId);
    expect(run.status).toBe('ok');
    expect(run.pagesFailed).toBe(0);
    expect(run.counts).toMatchObject({ found: 3, new: 3 });
    expect(
      site.requests
        .filter((r) => r.status === 404)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/biens/programme-neuf-2019/', '/location/gestion-locative/']);
    expect(await errorsOf(run.runId!)).toEqual([
      { path: '/biens/programme-neuf-2019/', kind: 'gone', status: 404 },
      { path: '/location/gestion-locative/', kind: 'gone', status: 404 },
    ]);
  });

  it("on a known listing's page counts a miss each run until the listing is removed", async () => {
    const gone = listings.get('n3')!;
    listings.delete('n3');
    const url = `${site.url}${detailPath(gone)}`;

    const second = await runSource(sourceId);
    expect(second.status).toBe('ok');
    expect(second.counts).toMatchObject({ found: 2, removed: 0 });
    expect(await t.db.selectFrom('watch_listings').select(['status', 'missed_runs']).where('source_url', '=', url).executeTakeFirstOrThrow()).toMatchObject({
      status: 'active',
      missed_runs: 1,
    });
    expect(await errorsOf(second.runId!)).toContainEqual({ path: `/${detailPath(gone)}`, kind: 'listing-gone', status: 404 });

    const third = await runSource(sourceId);
    expect(third.status).toBe('ok');
    expect(third.counts).toMatchObject({ found: 2, removed: 1 });
    const row = await t.db.selectFrom('watch_listings').select(['status', 'missed_runs']).where('source_url', '=', url).executeTakeFirstOrThrow();
    expect(row.missed_runs).toBe(2);
    expect(row.status).not.toBe('active');
  });

  it("on one of the source's own listing pages still makes the run partial", async () => {
    const other = await startSite(agencySite(listings, { flavor: 'wix', perPage: 5 }));
    const id = await addSource({ name: 'Agence à la page disparue', website: other.url, listingUrls: [`${other.url}biens/`, `${other.url}biens-anciens/`] });
    const run = await runSource(id).finally(() => other.close());
    expect(run.status).toBe('partial');
    expect(run.pagesFailed).toBe(1);
    expect(await errorsOf(run.runId!)).toContainEqual({ path: '/biens-anciens/', kind: 'http-404', status: 404 });
  });
});
