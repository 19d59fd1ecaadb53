/**
 * Per-key rate limits hold across API processes: two API app instances (each its own key cache,
 * as two processes would have) on one real PostgreSQL share each key's counter. Windows are a day
 * long (aligned on UTC midnight) so the test never straddles one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { freshDb, type TestDb } from '../support/db.js';
import { testApp, testClient, testConfig } from '../support/platform.js';

let t: TestDb;
let client: Client;
let a: ReturnType<typeof testApp>['call'];
let b: ReturnType<typeof testApp>['call'];

async function newKey(name: string, rate: string) {
  const res = await a('/v1/admin/keys', { method: 'POST', body: JSON.stringify({ name, scopes: ['read'], rate }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { secret: string }).secret;
}

beforeAll(async () => {
  t = await freshDb();
  const config = testConfig(t.url);
  client = await testClient(config);
  a = testApp(config, t.db, client).call;
  b = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await client.connection.close();
  await t.drop();
});

describe('per-key rate limits', () => {
  it('the N+1th request across two API instances answers 429 with RateLimit headers and Retry-After', async () => {
    const key = await newKey('limited', '6/d');
    const other = await newKey('unaffected', '6/d');
    for (let i = 0; i < 6; i++) {
      const res = await (i % 2 ? b : a)('/v1/audits', { key });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"key";q=6;w=86400');
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"key";r=${5 - i};t=\\d+$`));
      expect(res.headers.get('retry-after')).toBeNull();
    }
    const refused = await b('/v1/audits', { key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(((await refused.json()) as { type: string }).type).toBe('/problems/too-many-requests');
    expect(refused.headers.get('ratelimit-policy')).toBe('"key";q=6;w=86400');
    const t429 = Number(/^"key";r=0;t=(\d+)$/.exec(refused.headers.get('ratelimit') ?? '')?.[1]);
    expect(t429).toBeGreaterThan(0);
    expect(t429).toBeLessThanOrEqual(86_400);
    expect(refused.headers.get('retry-after')).toBe(String(t429));
    expect((await a('/v1/audits', { key })).status).toBe(429);
    // another key has its own counter; bootstrap keys have none
    expect((await a('/v1/audits', { key: other })).status).toBe(200);
    const boot = await a('/v1/audits');
    expect(boot.status).toBe(200);
    expect(boot.headers.get('ratelimit')).toBeNull();
  });

  it('a burst split over both instances lets exactly the limit through', async () => {
    const key = await newKey('burst', '10/d');
    const answers = await Promise.all(Array.from({ length: 24 }, async (_, i) => (await (i % 2 ? b : a)('/v1/audits', { key })).status));
    expect(answers.filter((s) => s === 200)).toHaveLength(10);
    expect(answers.filter((s) => s === 429)).toHaveLength(14);
    const row = await t.db
      .selectFrom('api_rate_counters')
      .innerJoin('api_keys', 'api_keys.id', 'api_rate_counters.key_id')
      .select('count')
      .where('name', '=', 'burst')
      .executeTakeFirstOrThrow();
    expect(row.count).toBe(24);
  });
});
