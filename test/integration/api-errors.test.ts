/**
 * Bad input at the API edge: each answer is problem+json with the right status, and nothing is
 * started in Temporal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { freshDb, type TestDb } from '../support/db.js';
import { OTHER_API_KEY, testApp, testClient, testConfig } from '../support/platform.js';

let t: TestDb;
let config: Config;
let client: Client;
let call: ReturnType<typeof testApp>['call'];

beforeAll(async () => {
  t = await freshDb();
  config = testConfig(t.url, { API_BODY_LIMIT_BYTES: '2048' });
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await client.connection.close();
  await t.drop();
});

async function expectProblem(res: Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: `/problems/${type}`, status });
  expect(typeof body.title).toBe('string');
  expect(typeof body.requestId).toBe('string');
  return body;
}

async function startedRuns(): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query: `TaskQueue = '${config.TASK_QUEUE_PREFIX}-platform-v1'` })) n++;
  return n;
}

const validBody = JSON.stringify({ holdSeconds: 0 });

describe('API errors', () => {
  it('401 without a key, with a wrong key, and with a malformed header', async () => {
    await expectProblem(await call('/v1/diagnostics', { method: 'POST', body: validBody, key: null }), 401, 'unauthorized');
    await expectProblem(await call('/v1/diagnostics', { method: 'POST', body: validBody, key: 'wrong-key-0123456789abcdef' }), 401, 'unauthorized');
    const res = await call('/v1/runs/x', { key: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    await expectProblem(res, 401, 'unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('accepts every configured key', async () => {
    const res = await call('/v1/runs/does-not-exist', { key: OTHER_API_KEY });
    await expectProblem(res, 404, 'not-found');
  });

  it('404 for an unknown route, authenticated or not', async () => {
    await expectProblem(await call('/nope'), 404, 'not-found');
    await expectProblem(await call('/v1/nope'), 404, 'not-found');
  });

  it('413 for an oversized body', async () => {
    const big = JSON.stringify({ requestedBy: 'x'.repeat(5000) });
    await expectProblem(await call('/v1/diagnostics', { method: 'POST', body: big }), 413, 'payload-too-large');
  });

  it('400 for malformed JSON', async () => {
    const body = await expectProblem(await call('/v1/diagnostics', { method: 'POST', body: '{"holdSeconds": ' }), 400, 'bad-request');
    expect(String(body.detail)).toMatch(/JSON/i);
  });

  it('422 with every invalid field for a body that breaks the schema', async () => {
    const body = await expectProblem(
      await call('/v1/diagnostics', { method: 'POST', body: JSON.stringify({ holdSeconds: -1, requestedBy: '', extra: 1 }) }),
      422,
      'validation-error',
    );
    const paths = (body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['holdSeconds', 'requestedBy']));
  });

  it('409 when cancelling a run that is not running', async () => {
    const handle = await client.workflow.start('diagnostics', {
      taskQueue: `${config.TASK_QUEUE_PREFIX}-nobody-polls`,
      workflowId: `closed-${Date.now()}`,
      args: [{}],
    });
    await handle.terminate('test');
    await expectProblem(await call(`/v1/runs/${handle.workflowId}/cancel`, { method: 'POST' }), 409, 'conflict');
  });

  it('started nothing through any of the refused requests', async () => {
    expect(await startedRuns()).toBe(0);
  });

  it('never echoes the API key back', async () => {
    const res = await call('/v1/diagnostics', { method: 'POST', body: validBody, key: 'wrong-key-0123456789abcdef' });
    expect(await res.text()).not.toContain('wrong-key');
  });
});
