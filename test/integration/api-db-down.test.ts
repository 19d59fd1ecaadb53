/**
 * PostgreSQL unreachable: database-backed routes answer 503 service-unavailable problem+json with
 * Retry-After (not 500), and serve again once it is back. Two ways down: a port nothing listens on
 * (connection refused from the start), and a TCP relay to the real server cut mid-session
 * (connections in the pool terminated, new ones refused). Also the error classifier on real
 * PostgreSQL and Temporal errors: values they refuse are the client's (422), not an outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app.js';
import { EXAMPLE_ORDER } from '../../api/openapi-examples.js';
import { freePort } from '../../core/free-port.js';
import { createDb, type Db } from '../../db/client.js';
import { classifyDependencyError, RETRY_AFTER_SECONDS } from '../../api/dependency-errors.js';
import { freshDb, type TestDb } from '../support/db.js';
import { silentLogger, TEST_API_KEY, testApp, testClient, testConfig } from '../support/platform.js';
import { Relay } from '../support/tcp-relay.js';

let t: TestDb;
let client: Client;
const dbs: Db[] = [];

beforeAll(async () => {
  t = await freshDb();
  client = await testClient(testConfig(t.url));
});
afterAll(async () => {
  for (const db of dbs) await db.destroy().catch(() => undefined);
  await client.connection.close();
  await t.drop();
});

function appOn(databaseUrl: string) {
  const config = testConfig(databaseUrl);
  const db = createDb({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2 });
  dbs.push(db);
  return testApp(config, db, client).call;
}

/** Routes that read or write PostgreSQL before anything else, with and without the API key. */
const DB_ROUTES: Array<{ path: string; method?: string; body?: unknown; key?: null }> = [
  { path: '/v1/sources' },
  { path: '/v1/sources/1' },
  { path: '/v1/listings?postal_code=75015' },
  { path: '/v1/alerts' },
  { path: '/public/alerts/unsubscribe?token=0123456789abcdef', key: null },
  { path: '/v1/monitors' },
  { path: '/v1/audits' },
  { path: '/v1/sync/runs' },
  { path: '/v1/interventions', method: 'POST', body: { customerSageId: 'C-1', subject: 'Visite' } },
  { path: '/v1/sources', method: 'POST', body: { name: 'Agence', website: 'http://127.0.0.1/' } },
  { path: '/v1/concierge/orders', method: 'POST', body: EXAMPLE_ORDER },
];

async function expectAll(call: ReturnType<typeof appOn>, status: number) {
  for (const r of DB_ROUTES) {
    const res = await call(r.path, { method: r.method ?? 'GET', body: r.body ? JSON.stringify(r.body) : undefined, key: r.key });
    const label = `${r.method ?? 'GET'} ${r.path}`;
    if (status === 503) {
      expect(res.status, label).toBe(503);
      expect(res.headers.get('content-type'), label).toBe('application/problem+json');
      expect(res.headers.get('retry-after'), label).toBe(String(RETRY_AFTER_SECONDS));
      expect(await res.json(), label).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
    } else {
      expect(res.status, label).toBeLessThan(500);
    }
  }
}

describe('API while PostgreSQL is down', () => {
  it('answers 503 with Retry-After on every database-backed route when nothing listens on its port', async () => {
    const url = new URL(t.url);
    url.port = String(await freePort());
    await expectAll(appOn(url.toString()), 503);
  });

  it('starts no audit it could not record: POST /v1/audits writes its row before starting the workflow', async () => {
    const url = new URL(t.url);
    url.port = String(await freePort());
    const config = testConfig(url.toString());
    const db = createDb({ DATABASE_URL: url.toString(), DATABASE_POOL_MAX: 2 });
    dbs.push(db);
    const { call } = testApp(config, db, client);
    const res = await call('/v1/audits', { method: 'POST', body: JSON.stringify({ url: 'http://127.0.0.1:9/', options: { browser: false, samples: 1 } }) });
    expect(res.status).toBe(503);
    // visibility is eventually consistent: give a wrongly started run time to show
    await new Promise((r) => setTimeout(r, 2000));
    let started = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowType = 'hostingAudit' AND TaskQueue = '${config.TASK_QUEUE_PREFIX}-audits-v1'` })) started++;
    expect(started).toBe(0);
  });

  it('answers 503 once the connection is cut mid-session, and serves again when PostgreSQL is back', async () => {
    const url = new URL(t.url);
    const relay = new Relay({ host: url.hostname, port: Number(url.port) });
    url.port = String(await relay.open());
    const call = appOn(url.toString());
    await expectAll(call, 200);
    await relay.cut();
    await expectAll(call, 503);
    await relay.open(relay.port);
    await expectAll(call, 200);
    await relay.cut();
  });
});

describe('API while Temporal is down', () => {
  it('answers 503 with Retry-After once the request deadline passes, while PostgreSQL routes keep serving', async () => {
    const dead = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
    const config = testConfig(t.url);
    const app = createApp({ config, db: t.db, temporal: dead, logger: silentLogger, temporalDeadlineMs: 1000 });
    const call = (path: string, init: RequestInit = {}) =>
      app.request(path, { ...init, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' } });
    const started = performance.now();
    for (const [path, init] of [
      ['/v1/diagnostics', { method: 'POST', body: '{}' }],
      ['/v1/runs/diagnostics-1', {}],
      ['/v1/sync/runs', { method: 'POST', body: '{}' }],
    ] as const) {
      const res = await call(path, init);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after'), path).toBe(String(RETRY_AFTER_SECONDS));
      expect(await res.json(), path).toMatchObject({ type: '/problems/service-unavailable', detail: expect.stringMatching(/Temporal/) });
    }
    expect(performance.now() - started).toBeLessThan(3 * 1000 + 3000);
    expect((await call('/v1/sources')).status).toBe(200);
    await dead.connection.close().catch(() => undefined);
  });
});

describe('classifyDependencyError on real errors', () => {
  const error = (q: Promise<unknown>) =>
    q.then(
      () => {
        throw new Error('expected an error');
      },
      (e: unknown) => e,
    );

  it('PostgreSQL refusing a value (NUL, past int4, an offset past ±15:59, NOT NULL) is a 422 schema gap', async () => {
    for (const q of [
      sql`select ${'a\u0000b'}::text`,
      sql`select ${'2147483648'}::int4`,
      sql`select ${'2026-01-01T00:00:00+23:00'}::timestamptz`,
      sql`select ${'0000-01-01'}::date`,
      sql`insert into watch_sources (name, website) values (null, 'x')`,
    ]) {
      const c = classifyDependencyError(await error(q.execute(t.db)));
      expect(c).toMatchObject({ status: 422, slug: 'validation-error', log: 'schema-gap' });
    }
  });

  it('a connection refused is 503 with Retry-After; an error of our own code is not classified (500)', async () => {
    const url = new URL(t.url);
    url.port = String(await freePort());
    const down = createDb({ DATABASE_URL: url.toString(), DATABASE_POOL_MAX: 1 });
    dbs.push(down);
    expect(classifyDependencyError(await error(sql`select 1`.execute(down)))).toMatchObject({
      status: 503,
      slug: 'service-unavailable',
      retryAfter: RETRY_AFTER_SECONDS,
    });
    expect(classifyDependencyError(new TypeError('x is undefined'))).toBeNull();
  });

  it('Temporal refusing an argument (a workflow id past its 1000-byte limit) is 422, not an outage', async () => {
    const err = await error(client.workflow.start('diagnostics', { workflowId: 'x'.repeat(1500), taskQueue: 'nobody-polls', args: [{}] }));
    expect(classifyDependencyError(err)).toMatchObject({ status: 422, slug: 'validation-error' });
  });
});
