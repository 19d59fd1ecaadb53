/**
 * End to end: the real worker and the real API served over HTTP, against the run's Temporal dev
 * server and a fresh PostgreSQL database.
 */
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { SA } from '../../core/temporal.js';
import type { RunningWorkers } from '../../workers/run.js';
import { freshDb, type TestDb } from '../support/db.js';
import { TEST_API_KEY, startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';

let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let server: ServerType;
let base: string;

beforeAll(async () => {
  t = await freshDb();
  config = testConfig(t.url);
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['platform']);
  const { app } = testApp(config, t.db, client);
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await workers.shutdown();
  await client.connection.close();
  await t.drop();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', ...init.headers },
  });

async function pollRun(workflowId: string, until: (run: Record<string, unknown>) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await api(`/v1/runs/${workflowId}`);
    expect(res.status).toBe(200);
    const run = (await res.json()) as Record<string, unknown>;
    if (until(run) || Date.now() > deadline) return run;
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('platform end to end', () => {
  it('starts a run through the API, reads its status, and records its result in PostgreSQL', async () => {
    const res = await api('/v1/diagnostics', { method: 'POST', body: JSON.stringify({ requestedBy: 'ops@agency.test' }) });
    expect(res.status).toBe(202);
    const started = (await res.json()) as { workflowId: string; statusUrl: string };
    expect(res.headers.get('location')).toBe(started.statusUrl);

    const run = await pollRun(started.workflowId, (r) => r.status === 'COMPLETED');
    expect(run).toMatchObject({
      status: 'COMPLETED',
      type: 'diagnostics',
      taskQueue: `${config.TASK_QUEUE_PREFIX}-platform-v1`,
      searchAttributes: { AtelierFamily: 'platform', AtelierStatus: 'completed', AtelierCustomer: 'ops@agency.test' },
      state: { phase: 'completed', ok: true },
    });

    const row = await t.db.selectFrom('diagnostics_runs').selectAll().where('workflow_id', '=', started.workflowId).executeTakeFirstOrThrow();
    expect(row.ok).toBe(true);
    expect(row.requested_by).toBe('ops@agency.test');
    expect(row.checks[0]).toMatchObject({ name: 'postgresql', ok: true });
  });

  it('cancels a running workflow through the API', async () => {
    const res = await api('/v1/diagnostics', { method: 'POST', body: JSON.stringify({ holdSeconds: 600 }) });
    const { workflowId } = (await res.json()) as { workflowId: string };
    const holding = await pollRun(workflowId, (r) => (r.state as { phase?: string } | null)?.phase === 'holding');
    expect(holding).toMatchObject({ status: 'RUNNING', state: { phase: 'holding' } });

    const cancel = await api(`/v1/runs/${workflowId}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(202);
    expect(await cancel.json()).toMatchObject({ workflowId, status: 'cancel-requested' });

    const done = await pollRun(workflowId, (r) => r.status !== 'RUNNING');
    expect(done.status).toBe('CANCELLED');
    expect(done.searchAttributes).toMatchObject({ AtelierStatus: 'cancelled' });

    const again = await api(`/v1/runs/${workflowId}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('makes runs findable by their search attributes through the list API', async () => {
    const found: Array<{ workflowId: string; status: string; family: unknown }> = [];
    const deadline = Date.now() + 15_000;
    while (found.length < 2 && Date.now() < deadline) {
      found.length = 0;
      const query = `AtelierFamily = 'platform' AND TaskQueue = '${config.TASK_QUEUE_PREFIX}-platform-v1'`;
      for await (const wf of client.workflow.list({ query })) {
        found.push({ workflowId: wf.workflowId, status: wf.status.name, family: wf.typedSearchAttributes.get(SA.family) });
      }
      if (found.length < 2) await new Promise((r) => setTimeout(r, 300));
    }
    expect(found.map((f) => f.status).sort()).toEqual(['CANCELLED', 'COMPLETED']);
    expect(found.every((f) => f.family === 'platform')).toBe(true);
  });

  it('publishes an OpenAPI 3.1 document covering its routes, and the docs page', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/v1/runs/{workflowId}', '/v1/runs/{workflowId}/cancel', '/v1/diagnostics']));
    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/docs/assets/scalar.js');
    const script = await fetch(`${base}/docs/assets/scalar.js`);
    expect(script.status).toBe(200);
    expect(Number((await script.arrayBuffer()).byteLength)).toBeGreaterThan(100_000);
  });
});
