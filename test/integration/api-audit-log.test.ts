/**
 * The audit log's writer against the real PostgreSQL and Temporal: calls ending together are all
 * recorded (grouped into shared inserts), and an insert PostgreSQL refuses neither fails nor delays
 * the request: it is logged with the request ids it carried.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'kysely';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app.js';
import type { Config } from '../../core/config.js';
import { freshDb, type TestDb } from '../support/db.js';
import { testClient, testConfig, TEST_API_KEY } from '../support/platform.js';

let t: TestDb;
let config: Config;
let client: Client;
const lines: Array<Record<string, unknown>> = [];
let app: ReturnType<typeof createApp>;

const post = (path: string, body: unknown) =>
  Promise.resolve(
    app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' } }),
  );

beforeAll(async () => {
  t = await freshDb();
  config = testConfig(t.url);
  client = await testClient(config);
  const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), cb()) });
  app = createApp({ config, db: t.db, temporal: client, logger: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await client.connection.close();
  await t.drop();
});

describe('audit log writer', () => {
  it('records every one of many concurrent mutating calls, with its request id', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => post('/v1/diagnostics', { requestedBy: `burst-${i}` })));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    // the writer's last insert may still be in flight for a request that stopped waiting
    let rows: Array<{ request_id: string | null; route: string; status: number; target: string | null }> = [];
    for (let i = 0; i < 100 && rows.length < 40; i++) {
      rows = await t.db.selectFrom('api_audit_log').select(['request_id', 'route', 'status', 'target']).execute();
      if (rows.length < 40) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => `${r.route} ${r.status}`))).toEqual(new Set(['/v1/diagnostics 202']));
    expect(rows.every((r) => r.target?.startsWith('diagnostics-'))).toBe(true);
  });

  it('a refused insert does not fail the request and is logged with its request id', async () => {
    await sql`alter table api_audit_log rename to api_audit_log_away`.execute(t.db);
    try {
      const res = await post('/v1/diagnostics', { requestedBy: 'no-audit' });
      expect(res.status).toBe(202);
      const reqId = res.headers.get('x-request-id');
      let logged: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && !logged; i++) {
        logged = lines.find((l) => String(l.msg).startsWith('audit log write failed') && (l.requestIds as string[]).includes(reqId!));
        if (!logged) await new Promise((r) => setTimeout(r, 50));
      }
      expect(logged?.level).toBe(50);
      expect(String(logged?.err)).toContain('api_audit_log');
    } finally {
      await sql`alter table api_audit_log_away rename to api_audit_log`.execute(t.db);
    }
    expect((await post('/v1/diagnostics', {})).status).toBe(202);
  });
});
