/**
 * Property-based fuzz of the API from its own OpenAPI document (fast-check): every operation gets
 * schema-conforming and hostile requests (see test/support/openapi-fuzz.ts) against the real app,
 * a fresh PostgreSQL database and the real Temporal dev server. No worker runs, so started workflows
 * stay queued; every URL the fuzz sends is an IP literal, so nothing resolves or connects outward.
 *
 * Webhook routes also get deliveries signed with the test secrets, so they reach the handlers.
 *
 * Properties: no answer is a 5xx; every error is problem+json; every 405 names what is allowed.
 * `FUZZ_RUNS` sets the cases per operation (default 100), `FUZZ_SEED` replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { freshDb, type TestDb } from '../support/db.js';
import { OpenApiFuzzer, type FuzzRequest } from '../support/openapi-fuzz.js';
import { testApp, testClient, testConfig } from '../support/platform.js';
import { serveOnLoopback } from '../support/raw-http.js';
import { signedWebhooks } from '../support/webhook-fuzz.js';
import { startHubSpotFake, type HubSpotFake } from '../../sandbox/hubspot/index.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

let t: TestDb;
let config: Config;
let client: Client;
let call: ReturnType<typeof testApp>['call'];
let http: Awaited<ReturnType<typeof serveOnLoopback>>;
let hubspot: HubSpotFake;

beforeAll(async () => {
  t = await freshDb();
  // HubSpot configured (the sandbox stand-in on loopback), as on `npm start`: routes that validate
  // against HubSpot (sync mappings) answer from it rather than "not configured"
  hubspot = await startHubSpotFake({ accessToken: 'pat-fuzz-token' });
  config = testConfig(t.url, {
    HUBSPOT_CLIENT_SECRET: 'fuzz-hubspot-secret',
    HUBSPOT_ACCESS_TOKEN: 'pat-fuzz-token',
    HUBSPOT_BASE_URL: hubspot.url,
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
  });
  client = await testClient(config);
  const built = testApp(config, t.db, client);
  call = built.call;
  http = await serveOnLoopback(built.app);
  // rows for the generated ids 1..3 to land on
  const seed = async (path: string, body: unknown) => expect((await call(path, { method: 'POST', body: JSON.stringify(body) })).status).toBeLessThan(300);
  await seed('/v1/sources', { name: 'Agence fuzz', website: 'http://127.0.0.1:1/' });
  await seed('/v1/alerts', { ownerEmail: 'fuzz@example.fr', criteria: { postalCodes: ['75015'] } });
  // the intervention routes need a customer the sync knows
  await t.db.insertInto('sync_id_map').values({ entity: 'customer', sage_id: 'C-1', mapping_version: 1 }).execute();
  await seed('/v1/interventions', { customerSageId: 'C-1', subject: 'Visite' });
});
afterAll(async () => {
  await http.close();
  await hubspot.close();
  // generic watches created by the fuzz have Temporal Schedules: remove them
  for await (const s of client.schedule.list())
    if (s.scheduleId.startsWith(config.TASK_QUEUE_PREFIX))
      await client.schedule
        .getHandle(s.scheduleId)
        .delete()
        .catch(() => undefined);
  await client.connection.close();
  await t.drop();
});

interface Failure {
  op?: string;
  req: FuzzRequest;
  status: number;
  why: string;
  body: string;
}

/** Answers to the signed webhook deliveries, by route: proof that they got past the signature. */
const signedAcks = new Map<string, number>();

async function check(req: FuzzRequest): Promise<Failure | null> {
  const res = await http.send(req.method, req.path, req.headers, req.body);
  if (req.kind === 'signed' && res.status === 200) signedAcks.set(req.path, (signedAcks.get(req.path) ?? 0) + 1);
  const fail = (why: string) => ({ req, status: res.status, why, body: res.body.slice(0, 300) });
  if (res.status >= 500) return fail('5xx');
  // 431 (URL and headers over 16 KiB) is answered by Node's HTTP parser before the app sees the request
  const fromApp = res.status !== 431;
  if (res.status >= 400 && fromApp && req.method !== 'HEAD' && res.headers['content-type'] !== 'application/problem+json')
    return fail('error is not problem+json');
  if (res.status === 405 && !res.headers.allow) return fail('405 without Allow');
  return null;
}

describe('API fuzz from /openapi.json', () => {
  it('answers no 5xx to schema-conforming and hostile requests on every operation', async () => {
    const doc = (await (await call('/openapi.json', { key: null })).json()) as ConstructorParameters<typeof OpenApiFuzzer>[0];
    // webhook deliveries: half of them signed with the test secrets, so they reach the handlers
    const webhooks = signedWebhooks({ hubspot: config.HUBSPOT_CLIENT_SECRET, stripe: config.STRIPE_WEBHOOK_SECRET, baseUrl: config.PUBLIC_BASE_URL! });
    const ops = new OpenApiFuzzer(doc).operations().map((op) => {
      const sign = op.method === 'POST' ? webhooks[op.template] : undefined;
      return sign ? { ...op, arbitrary: fc.tuple(op.arbitrary, sign, fc.boolean()).map(([req, s, signed]) => (signed ? s(req) : req)) } : op;
    });
    expect(ops.length).toBeGreaterThan(40);
    const failures: Failure[] = [];
    let cases = 0;
    const started = performance.now();
    for (const [i, op] of ops.entries()) {
      await fc.assert(
        fc.asyncProperty(op.arbitrary, async (req) => {
          cases++;
          const f = await check(req);
          if (f) failures.push({ ...f, op: `${op.method} ${op.template}` });
          return true;
        }),
        { numRuns: RUNS, seed: SEED + i, endOnFailure: true },
      );
    }
    const fiveXx = failures.filter((f) => f.why === '5xx').length;
    console.log(
      `api fuzz: ${cases} cases over ${ops.length} operations (${RUNS} each, seed ${SEED}) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `${fiveXx} x 5xx, ${failures.length - fiveXx} other failures; signed webhook deliveries acknowledged: ${JSON.stringify(Object.fromEntries(signedAcks))}`,
    );
    if (failures.length) console.log(`operations that failed: ${[...new Set(failures.map((f) => f.op))].join('; ')}`);
    expect(
      failures
        .slice(0, 10)
        .map((f) => `${f.why} ${f.status} ${f.req.method} ${f.req.path.slice(0, 200)} [${f.req.kind}] ${(f.req.body ?? '').slice(0, 200)} -> ${f.body}`),
    ).toEqual([]);
    expect(cases).toBe(ops.length * RUNS);
    expect(signedAcks.get('/v1/webhooks/hubspot')).toBeGreaterThan(0);
    expect(signedAcks.get('/v1/webhooks/stripe')).toBeGreaterThan(0);
  }, 120_000);
});
