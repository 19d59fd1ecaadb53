/**
 * Cursor pagination on every list route (issue 11): rows inserted straight into a fresh database
 * (no workflow started), each route walked page by page with its cursor through the real app:
 * every row seen once, in the route's order, `total` counting the filtered rows, `nextCursor`
 * null on the last page, and a tampered cursor answered 422. Time-ordered lists get rows that
 * share a timestamp or differ by one microsecond, where a millisecond cursor would skip or repeat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { DEFAULT_THRESHOLDS } from '../../core/contracts/monitors.js';
import { freshDb, type TestDb } from '../support/db.js';
import { testApp, testClient, testConfig } from '../support/platform.js';

let t: TestDb;
let client: Client;
let call: ReturnType<typeof testApp>['call'];
let sourceId: number;
let runId: number;

beforeAll(async () => {
  t = await freshDb();
  const config = testConfig(t.url);
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
  const db = t.db;
  await sql`insert into watch_alerts (owner_email, criteria, channel, target, frequency, unsubscribe_token)
    select case when g % 4 = 0 then 'other@example.fr' else 'marie@example.fr' end, '{}', 'email', 'marie@example.fr', 'immediate', 'tok-' || g
    from generate_series(1, 29) g`.execute(db);
  // created_at: 4 rows per instant, instants one microsecond apart
  await sql`insert into audit_reports (id, url, domain, status, created_at)
    select 'audit-' || lpad(g::text, 36, '0'), 'https://a.example.fr/', case when g % 5 = 0 then 'b.example.fr' else 'a.example.fr' end, 'completed',
      timestamptz '2026-12-01T10:00:00.000001Z' + (g / 4) * interval '1 microsecond'
    from generate_series(1, 31) g`.execute(db);
  await sql`insert into monitors (id, url, host, interval_seconds, alert_email, thresholds, deleted_at)
    select 'monitor-m' || g || '.example.fr', 'https://m' || g || '.example.fr/', 'm' || g || '.example.fr', 60, 'ops@example.fr', ${JSON.stringify(DEFAULT_THRESHOLDS)}::jsonb,
      case when g % 6 = 0 then now() end
    from generate_series(1, 27) g`.execute(db);
  const src = await sql<{
    id: number;
  }>`insert into watch_sources (name, website, selectors) select 'Agence ' || g, 'https://s' || g || '.example.fr/', '{}' from generate_series(1, 23) g returning id`.execute(
    db,
  );
  sourceId = Number(src.rows[0]!.id);
  await sql`insert into watch_crawl_runs (source_id, run_key, workflow_id)
    select case when g % 3 = 0 then ${Number(src.rows[1]!.id)}::bigint else ${sourceId}::bigint end, 'run-' || g, 'wf-' || g from generate_series(1, 25) g`.execute(
    db,
  );
  // one statement: every run starts at the same now(), so only the id orders them
  await sql`insert into sync_runs (id, mode, dry_run, trigger, status)
    select 'sync-incremental-' || lpad(g::text, 4, '0'), 'incremental', false, 'api', case when g % 4 = 0 then 'failed' else 'completed' end
    from generate_series(1, 26) g`.execute(db);
  await sql`insert into sync_runs (id, mode, dry_run, trigger, status) values ('sync-full-late', 'full', false, 'schedule', 'completed')`.execute(db);
  await sql`insert into sync_conflicts (entity, sage_id, field, rule, status)
    select 'customer', 'C-' || g, 'email', 'newest', case when g % 3 = 0 then 'resolved' else 'held' end from generate_series(1, 24) g`.execute(db);
  // prices in steps of 1000 with 3 listings per price, some without a price
  await sql`insert into watch_listings (source_id, source_url, title, price, surface, content_hash)
    select ${sourceId}::bigint, 'https://s1.example.fr/a/' || g, 'Appartement ' || g, case when g % 7 = 0 then null else 200000 + (g / 3) * 1000 end, 40 + (g % 4) * 0.25, 'h' || g
    from generate_series(1, 30) g`.execute(db);
  await sql`insert into interventions (customer_sage_id, subject)
    select case when g % 5 = 0 then 'C-2' else 'C-1' end, 'Visite ' || g from generate_series(1, 28) g`.execute(db);
  // listing events: 4 per instant, instants one microsecond apart, over the first run of the source; page errors of that run
  runId = Number((await sql<{ id: number }>`select min(id) as id from watch_crawl_runs where source_id = ${sourceId}`.execute(db)).rows[0]!.id);
  await sql`insert into watch_listing_history (listing_id, run_id, event, at)
    select (select min(id) from watch_listings) + g % 30, case when g % 5 = 0 then null else ${runId}::bigint end,
      (array['new', 'price_change', 'updated', 'sold', 'removed', 'reactivated'])[1 + g % 6],
      timestamptz '2026-12-01T10:00:00.000001Z' + (g / 4) * interval '1 microsecond'
    from generate_series(1, 33) g`.execute(db);
  await sql`insert into watch_crawl_errors (run_id, url, kind, message, http_status)
    select ${runId}::bigint, 'https://s1.example.fr/a/' || g, 'http-500', 'answered 500', 500 from generate_series(1, 21) g`.execute(db);
});
afterAll(async () => {
  await client?.connection.close();
  await t?.drop();
});

type Page = { total: number; nextCursor: string | null } & Record<string, unknown>;

/** Walks a list route page by page; answers the ids in the order seen and the totals reported. */
async function walk(path: string, field: string, limit: number) {
  const ids: Array<string | number> = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, path).toBe(200);
    const body = (await res.json()) as Page;
    const items = body[field] as Array<{ id: string | number }>;
    expect(items.length).toBeLessThanOrEqual(limit);
    if (body.nextCursor) expect(items.length).toBe(limit);
    ids.push(...items.map((i) => i.id));
    totals.add(body.total);
    cursor = body.nextCursor;
    expect(++pages).toBeLessThan(50);
  } while (cursor);
  return { ids, totals: [...totals], pages };
}

const expectedIds = async (q: string) =>
  (await sql.raw<{ id: string | number }>(q).execute(t.db)).rows.map((r) => (typeof r.id === 'string' && /^\d+$/.test(r.id) ? Number(r.id) : r.id));

const cases = () => [
  {
    path: '/v1/alerts?email=marie@example.fr',
    field: 'items',
    limit: 5,
    order: `select id from watch_alerts where owner_email = 'marie@example.fr' order by id`,
  },
  {
    path: '/v1/audits?domain=a.example.fr',
    field: 'audits',
    limit: 4,
    order: `select id from audit_reports where domain = 'a.example.fr' order by created_at desc, id desc`,
  },
  { path: '/v1/audits', field: 'audits', limit: 7, order: `select id from audit_reports order by created_at desc, id desc` },
  { path: '/v1/monitors', field: 'monitors', limit: 4, order: `select id from monitors where deleted_at is null order by id` },
  { path: `/v1/sources/${sourceId}/runs`, field: 'items', limit: 3, order: `select id from watch_crawl_runs where source_id = ${sourceId} order by id desc` },
  { path: '/v1/sources', field: 'items', limit: 6, order: `select id from watch_sources order by id` },
  {
    path: '/v1/sync/runs?status=completed',
    field: 'runs',
    limit: 5,
    order: `select id from sync_runs where status = 'completed' order by started_at desc, id desc`,
  },
  { path: '/v1/sync/conflicts?status=held', field: 'conflicts', limit: 4, order: `select id from sync_conflicts where status = 'held' order by id desc` },
  { path: '/v1/listings', field: 'items', limit: 7, order: `select id from watch_listings order by id desc` },
  { path: '/v1/listings?sort=price_asc', field: 'items', limit: 4, order: `select id from watch_listings where price is not null order by price, id` },
  { path: '/v1/listings?sort=surface_desc&q=appartement', field: 'items', limit: 5, order: `select id from watch_listings order by surface desc, id desc` },
  { path: '/v1/events', field: 'items', limit: 5, order: `select id from watch_listing_history order by at desc, id desc` },
  {
    path: '/v1/events?type=new,price_change,sold',
    field: 'items',
    limit: 3,
    order: `select id from watch_listing_history where event in ('new', 'price_change', 'sold') order by at desc, id desc`,
  },
  {
    path: `/v1/sources/${sourceId}/runs/${runId}/events`,
    field: 'items',
    limit: 4,
    order: `select id from watch_listing_history where run_id = ${runId} order by at desc, id desc`,
  },
  {
    path: `/v1/sources/${sourceId}/runs/${runId}/errors`,
    field: 'items',
    limit: 6,
    order: `select id from watch_crawl_errors where run_id = ${runId} order by id`,
  },
  {
    path: '/v1/interventions?customerSageId=C-1',
    field: 'interventions',
    limit: 6,
    order: `select id from interventions where customer_sage_id = 'C-1' order by id desc`,
  },
];

describe('cursor pagination with the total', () => {
  it('walks every list route: each row once, in order, the total under the filter, nextCursor null at the end', async () => {
    for (const c of cases()) {
      const want = await expectedIds(c.order);
      expect(want.length, c.path).toBeGreaterThan(c.limit * 2);
      const got = await walk(c.path, c.field, c.limit);
      expect(got.ids, c.path).toEqual(want);
      expect(got.totals, c.path).toEqual([want.length]);
      expect(got.pages, c.path).toBe(Math.ceil(want.length / c.limit));
    }
  });

  it('answers a page with nextCursor null when everything fits, and the default page size', async () => {
    const res = await call('/v1/monitors');
    const body = (await res.json()) as Page & { monitors: unknown[] };
    expect(body.monitors).toHaveLength(23);
    expect(body).toMatchObject({ total: 23, nextCursor: null });
  });

  it('refuses a tampered or foreign cursor with 422 on every route', async () => {
    const tampered = [
      'not-a-cursor',
      Buffer.from(JSON.stringify([1, 2, 3, 4])).toString('base64url'),
      Buffer.from(JSON.stringify([{ $gt: 1 }])).toString('base64url'),
      Buffer.from(JSON.stringify(["x' or 1=1 --", 1])).toString('base64url'),
    ].concat(
      // values of the right shape for another route, or beyond what the columns hold
      [
        [1.5],
        ['1.5'],
        ['1e3'],
        [0],
        ['99999999999999999999', 'audit-1'],
        ['1.5', -1],
        ['100', '1.5'],
        ['1764583200000001', 'a b'],
        ['1764583200000001', 2 ** 60],
      ].map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
    );
    for (const c of [...cases(), { path: '/v1/watches' }]) {
      for (const cursor of tampered) {
        const sep = c.path.includes('?') ? '&' : '?';
        const res = await call(`${c.path}${sep}cursor=${encodeURIComponent(cursor)}`);
        expect(res.status, `${c.path} ${cursor}`).toBe(422);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        const body = (await res.json()) as { errors?: Array<{ path: string }> };
        expect(body.errors, `${c.path} ${cursor} ${JSON.stringify(body)}`).toBeDefined();
        expect(body.errors!.map((e) => e.path)).toContain('cursor');
      }
    }
  });
});
