/**
 * Errors a person can act on: an unconfigured webhook says "not configured" (not "signature
 * mismatch"), an intervention for a customer the sync does not know is a 422 naming the field,
 * and market statistics are computed at first read or on demand instead of a 404 until the hourly
 * schedule runs.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../core/config.js';
import { freshDb, type TestDb } from '../support/db.js';
import { testApp, testClient, testConfig } from '../support/platform.js';

let t: TestDb;
let config: Config;
let client: Client;
let call: ReturnType<typeof testApp>['call'];

beforeAll(async () => {
  t = await freshDb();
  config = testConfig(t.url, { HUBSPOT_CLIENT_SECRET: '' });
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await client.connection.close();
  await t.drop();
});

const post = (path: string, body: unknown) => call(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('errors a person can act on', () => {
  it('answers an unconfigured HubSpot webhook 503 "Not configured", naming the variable', async () => {
    const res = await call('/v1/webhooks/hubspot', { method: 'POST', body: '[]', headers: { 'content-type': 'application/json' }, key: null });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { type: string; title: string; detail: string };
    expect(problem).toMatchObject({ type: '/problems/not-configured', title: 'Not configured' });
    expect(problem.detail).toContain('HUBSPOT_CLIENT_SECRET');
    expect(problem.detail).not.toMatch(/signature|mismatch/i);
    expect((await call('/problems/not-configured', { key: null })).status).toBe(200);
  });

  it('refuses an intervention for a customer the sync does not know (422), accepts one it knows (201)', async () => {
    const unknown = await post('/v1/interventions', { customerSageId: 'CLI-404', subject: 'Visite' });
    expect(unknown.status).toBe(422);
    const problem = (await unknown.json()) as { detail: string; errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toEqual(['customerSageId']);
    expect(problem.detail).toContain('CLI-404');
    expect(await t.db.selectFrom('interventions').selectAll().execute()).toEqual([]);

    await t.db.insertInto('sync_id_map').values({ entity: 'customer', sage_id: 'CLI-1', mapping_version: 1 }).execute();
    expect((await post('/v1/interventions', { customerSageId: 'CLI-1', subject: 'Visite' })).status).toBe(201);
    // a customer deleted in Sage is not a target either
    await t.db.insertInto('sync_id_map').values({ entity: 'customer', sage_id: 'CLI-2', mapping_version: 1, deleted_at: new Date() }).execute();
    expect((await post('/v1/interventions', { customerSageId: 'CLI-2', subject: 'Visite' })).status).toBe(422);
  });

  it('computes market statistics at first read and on demand', async () => {
    expect((await call('/v1/stats/market?postal_code=75015')).status).toBe(404); // no listing there at all
    const source = await t.db
      .insertInto('watch_sources')
      .values({ name: 'Agence du Parc', website: 'http://127.0.80.2:8080/', selectors: JSON.stringify({}) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const listing = (n: number, price: number) => ({
      source_id: source.id,
      source_url: `http://127.0.80.2:8080/p/${n}`,
      title: `T${n}`,
      content_hash: `h${n}`,
      postal_code: '75015',
      price,
      transaction: 'sale' as const,
      property_type: 'apartment' as const,
      status: 'active' as const,
      photos: JSON.stringify([]),
      features: JSON.stringify([]),
      quality: 1,
    });
    await t.db
      .insertInto('watch_listings')
      .values([listing(1, 400_000), listing(2, 600_000)])
      .execute();

    // no schedule has run: the first read computes them
    const first = await call('/v1/stats/market?postal_code=75015');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ postal_code: '75015', active_listings: 2, average_price: 500_000 });

    await t.db.insertInto('watch_listings').values(listing(3, 800_000)).execute();
    const refreshed = await post('/v1/stats/market/refresh', {});
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ postalCodes: 1 });
    expect(await (await call('/v1/stats/market?postal_code=75015')).json()).toMatchObject({ active_listings: 3, average_price: 600_000 });
  });
});
