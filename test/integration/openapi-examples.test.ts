/**
 * The OpenAPI document's request examples are valid requests: every operation with a JSON body
 * documents one (api/openapi-examples.ts), and each is posted to the real API (PostgreSQL and
 * Temporal behind it) and accepted. Resources an example's path names are made by the create
 * examples before it; the only non-2xx allowed is the 409 of a request valid in another state
 * (choosing a domain for an order whose desired domain was free).
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../core/config.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';
import type { RunningWorkers } from '../../workers/run.js';

import { startHubSpotFake, type HubSpotFake } from '../../sandbox/hubspot/index.js';
import { textOf } from '../../core/text-of.js';
let t: TestDb;
let config: Config;
let client: Client;
let call: ReturnType<typeof testApp>['call'];
let workers: RunningWorkers;
let hubspot: HubSpotFake;

type Op = { requestBody?: { content?: Record<string, { example?: unknown }> } };

beforeAll(async () => {
  t = await freshDb();
  // what `npm start` sets for its sandbox: the demo sites' loopback range is reachable
  // and HubSpot is the sandbox stand-in (the mappings example is validated against its properties)
  hubspot = await startHubSpotFake({ accessToken: 'pat-examples-token' });
  config = testConfig(t.url, { OUTBOUND_ALLOWLIST: '127.0.80.0/24', HUBSPOT_ACCESS_TOKEN: 'pat-examples-token', HUBSPOT_BASE_URL: hubspot.url });
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
  // the monitor's PATCH is an update its workflow answers (its checks meet a closed loopback port)
  workers = await startTestWorkers(config, t.db, ['audits']);
  // a customer the sync knows, and a held conflict, for the intervention and resolve examples
  await t.db.insertInto('sync_id_map').values({ entity: 'customer', sage_id: 'CLI0001', mapping_version: 1 }).execute();
  await t.db
    .insertInto('sync_conflicts')
    .values({
      entity: 'customer',
      sage_id: 'CLI0001',
      field: 'phone',
      rule: 'hold',
      status: 'held',
      sage_value: JSON.stringify('04 72 00 00 00'),
      hubspot_value: JSON.stringify('04 72 00 00 01'),
    })
    .execute();
});
afterAll(async () => {
  await workers.shutdown();
  await hubspot.close();
  await client.connection.close();
  await t.drop();
});

describe('OpenAPI request examples', () => {
  it('document one per JSON operation, and each is accepted by the API', async () => {
    const doc = (await (await call('/openapi.json', { key: null })).json()) as { paths: Record<string, Record<string, Op>> };
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.requestBody?.content?.['application/json'])
        .map(([method, op]) => ({ method: method.toUpperCase(), path, example: op.requestBody!.content!['application/json']!.example })),
    );
    expect(ops.length).toBeGreaterThanOrEqual(17);
    expect(ops.filter((o) => o.example === undefined).map((o) => `${o.method} ${o.path}`)).toEqual([]);

    // creates first, so that the paths with an {id} have one
    const ids: Record<string, string> = {};
    const collection = (path: string) => path.replace(/\/\{id\}.*$/, '');
    const sorted = [...ops].sort((a, b) => Number(a.path.includes('{id}')) - Number(b.path.includes('{id}')));
    const results: string[] = [];
    for (const op of sorted.filter((o) => o.example !== undefined)) {
      let path = op.path;
      // the example order's desired domain was free (no concierge worker here to check it): it went on to payment
      if (op.path === '/v1/concierge/orders/{id}/domain')
        await t.db.updateTable('concierge_orders').set({ phase: 'awaiting-payment' }).where('id', '=', ids['/v1/concierge/orders']!).execute();
      if (path.includes('{id}')) {
        const id = path.startsWith('/v1/sync/conflicts')
          ? String((await t.db.selectFrom('sync_conflicts').select('id').executeTakeFirstOrThrow()).id)
          : ids[collection(path)];
        expect(id, `an id for ${op.method} ${op.path}`).toBeDefined();
        path = path.replace('{id}', encodeURIComponent(id!));
      }
      const res = await call(path, { method: op.method, body: JSON.stringify(op.example), headers: { 'content-type': 'application/json' } });
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (op.method === 'POST' && !op.path.includes('{id}')) {
        const id = body.id ?? body.orderId;
        if (id !== undefined) ids[op.path] = textOf(id);
      }
      const ok = res.status < 300 || (res.status === 409 && op.path === '/v1/concierge/orders/{id}/domain');
      results.push(`${op.method} ${op.path} -> ${res.status}${ok ? '' : ` ${JSON.stringify(body).slice(0, 300)}`}`);
    }
    expect(results.filter((r) => !/-> (2\d\d|409)$/.test(r))).toEqual([]);
    expect(results).toContain('POST /v1/concierge/orders -> 202');
  });
});
