/**
 * POST /v1/sizing through the real app: the plan covers the need at the horizon, a small and a
 * mid-sized installation get different plans, a need beyond the table gets a dedicated / cluster
 * estimate, and the largest accepted input still answers 200 (never a 5xx).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { freshDb, type TestDb } from '../support/db.js';
import { testApp, testClient, testConfig } from '../support/platform.js';
import type { SizingResult } from '../../activities/audits/hosting/sizing.js';

let t: TestDb;
let client: Client;
let call: ReturnType<typeof testApp>['call'];

beforeAll(async () => {
  t = await freshDb();
  const config = testConfig(t.url);
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await client.connection.close();
  await t.drop();
});

const size = async (body: Record<string, number>) => {
  const res = await call('/v1/sizing', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as SizingResult;
};

describe('POST /v1/sizing', () => {
  it('covers the need three years out, and sizes small and mid-sized installations apart', async () => {
    const s = await size({ members: 14_000, agents: 100 });
    expect(s.need).toMatchObject({ members: 18_200, vcpu: 11 });
    expect(s.recommended!.vcpu).toBeGreaterThanOrEqual(s.need.vcpu);
    expect(s.recommended).toMatchObject({ plan: 'VPS SSD 6' });
    const none = await size({ members: 0, agents: 1 });
    const mid = await size({ members: 4_000, agents: 50 });
    expect(none.recommended!.plan).not.toBe(mid.recommended!.plan);
    expect(none.recommended!.vcpu).toBeLessThan(mid.recommended!.vcpu);
  });

  it('answers beyond the largest plan with an architecture and an estimate', async () => {
    const s = await size({ members: 60_000, agents: 300 });
    expect(s.recommended).toBeNull();
    expect(s.beyond).toMatchObject({ architecture: 'cluster' });
    expect(s.beyond!.resources.vcpu).toBeGreaterThanOrEqual(s.need.vcpu);
    expect(s.beyond!.estimatedEurPerMonth.min).toBeGreaterThanOrEqual(500);
    expect(s.annualBudgetEur.total).toBeGreaterThan(s.beyond!.estimatedEurPerMonth.min * 12);
    const extreme = await size({ members: 10_000_000, agents: 100_000, years: 10, membersGrowthPerYear: 10_000_000 });
    expect(extreme.beyond!.servers).toBeGreaterThan(1000);
  });

  it('refuses out-of-range input with 422', async () => {
    const res = await call('/v1/sizing', { method: 'POST', body: JSON.stringify({ members: 10_000_001, agents: 1, years: 11 }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path).sort()).toEqual(['members', 'years']);
  });
});
