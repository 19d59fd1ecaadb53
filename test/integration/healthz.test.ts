/**
 * /healthz against the real PostgreSQL and Temporal. PostgreSQL is reached through a TCP relay the
 * test can cut, as a network partition or a stopped server would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../core/free-port.js';
import { createDb, type Db } from '../../db/client.js';
import { freshDb, type TestDb } from '../support/db.js';
import { testApp, testClient, testConfig } from '../support/platform.js';
import { Relay } from '../support/tcp-relay.js';

let t: TestDb;
let relay: Relay;
let db: Db;
let client: Client;
let call: ReturnType<typeof testApp>['call'];

beforeAll(async () => {
  t = await freshDb();
  const url = new URL(t.url);
  relay = new Relay({ host: url.hostname, port: Number(url.port) });
  await relay.open();
  url.port = String(relay.port);
  const config = testConfig(url.toString());
  db = createDb({ DATABASE_URL: url.toString(), DATABASE_POOL_MAX: 2 });
  client = await testClient(config);
  call = testApp(config, db, client).call;
});
afterAll(async () => {
  await relay.cut();
  await db.destroy().catch(() => undefined);
  await client.connection.close();
  await t.drop();
});

describe('GET /healthz', () => {
  it('is 200 when PostgreSQL and Temporal answer, 503 when PostgreSQL is unreachable, 200 again when it is back', async () => {
    let res = await call('/healthz', { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', checks: { postgresql: { ok: true }, temporal: { ok: true } } });

    await relay.cut();
    res = await call('/healthz', { key: null });
    expect(res.status).toBe(503);
    const down = (await res.json()) as { status: string; checks: { postgresql: { ok: boolean; error?: string }; temporal: { ok: boolean } } };
    expect(down.status).toBe('unavailable');
    expect(down.checks.postgresql.ok).toBe(false);
    expect(down.checks.postgresql.error).toBeTruthy();
    expect(down.checks.temporal.ok).toBe(true);

    await relay.open(relay.port);
    res = await call('/healthz', { key: null });
    expect(res.status).toBe(200);
  });

  it('is 503 when Temporal is unreachable', async () => {
    const config = testConfig(t.url);
    const deadTemporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
    const { call: callDead } = testApp(config, t.db, deadTemporal);
    const res = await callDead('/healthz', { key: null });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: { postgresql: { ok: boolean }; temporal: { ok: boolean } } };
    expect(body.checks.temporal.ok).toBe(false);
    expect(body.checks.postgresql.ok).toBe(true);
  });
});
