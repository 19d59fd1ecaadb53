/**
 * Scoped API keys end to end: created, listed and revoked by the CLI (run as a child process) and
 * the admin routes, against the real PostgreSQL, Temporal and a platform worker. A read key reads
 * but cannot start or cancel; an operate key starts and cancels; each mutating call is in the
 * audit log with its key's name; a revoked key answers 401 within the key cache's window.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import type { RunningWorkers } from '../../workers/run.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestWorkers, testApp, testClient, testConfig, TEST_API_KEY } from '../support/platform.js';

const run = promisify(execFile);
const CACHE_SECONDS = 1;
let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let call: ReturnType<typeof testApp>['call'];

const keysCli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args], { env: { ...process.env, DATABASE_URL: t.url }, timeout: 60_000 });
const json = async <T>(res: Response) => (await res.json()) as T;
type Problem = { type: string; status: number; detail: string };
type Entry = { keyName: string; keyPrefix: string; method: string; route: string; target: string | null; status: number; requestId: string | null };

async function cliCreate(name: string, scopes: string) {
  const { stdout } = await keysCli('create', '--name', name, '--scopes', scopes);
  const secret = /secret \(shown once, store it now\): (\S+)/.exec(stdout)?.[1];
  const prefix = /prefix ([a-z2-7]{8})/.exec(stdout)?.[1];
  expect(secret).toMatch(/^atl_[a-z2-7]{8}_/);
  return { secret: secret!, prefix: prefix! };
}

beforeAll(async () => {
  t = await freshDb();
  config = testConfig(t.url, { API_KEY_CACHE_SECONDS: String(CACHE_SECONDS) });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['platform']);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await workers.shutdown();
  await client.connection.close();
  await t.drop();
});

describe('scoped API keys', () => {
  let reader: { secret: string; prefix: string };
  let operator: { secret: string; prefix: string };

  it('are created by the CLI, which prints the secret once; list shows names, prefixes, scopes, never secrets', async () => {
    reader = await cliCreate('reader', 'read');
    operator = await cliCreate('operator', 'operate,read');
    const { stdout } = await keysCli('list');
    expect(stdout).toMatch(new RegExp(`reader\\s+${reader.prefix}\\s+read\\s+600/min\\s+never\\s+active`));
    expect(stdout).toMatch(new RegExp(`operator\\s+${operator.prefix}\\s+read,operate`));
    expect(stdout).not.toContain(reader.secret.slice(14));
    expect(stdout).not.toContain(operator.secret.slice(14));
    // bad input is refused with the reason, nothing is created
    await expect(keysCli('create', '--name', 'x', '--scopes', 'read,write')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('not write') });
    await expect(keysCli('create', '--name', 'reader', '--scopes', 'read')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('already named reader'),
    });
    expect(
      Number(
        (
          await t.db
            .selectFrom('api_keys')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(2);
    // only the digest is stored
    const stored = await t.db.selectFrom('api_keys').selectAll().where('prefix', '=', reader.prefix).executeTakeFirstOrThrow();
    expect(stored.hash.toString('hex')).not.toContain(Buffer.from(reader.secret).toString('hex').slice(0, 16));
  });

  it('a read key reads, but cannot start (403) nor cancel (403); an operate key starts and cancels', async () => {
    const started = await call('/v1/diagnostics', {
      method: 'POST',
      key: operator.secret,
      body: JSON.stringify({ holdSeconds: 600, requestedBy: 'keys-test' }),
    });
    expect(started.status).toBe(202);
    const { workflowId } = await json<{ workflowId: string }>(started);

    expect((await call(`/v1/runs/${workflowId}`, { key: reader.secret })).status).toBe(200);
    const cancel = await call(`/v1/runs/${workflowId}/cancel`, { method: 'POST', key: reader.secret });
    expect(cancel.status).toBe(403);
    expect(cancel.headers.get('content-type')).toBe('application/problem+json');
    const p = await json<Problem>(cancel);
    expect(p.type).toBe('/problems/forbidden');
    expect(p.detail).toContain('"operate" scope');
    const post = await call('/v1/diagnostics', { method: 'POST', key: reader.secret, body: JSON.stringify({}) });
    expect(post.status).toBe(403);
    expect((await call('/v1/admin/keys', { key: reader.secret })).status).toBe(403);
    expect((await call('/v1/admin/audit-log', { key: operator.secret })).status).toBe(403);

    const desc = await client.workflow.getHandle(workflowId).describe();
    expect(desc.status.name).toBe('RUNNING'); // the read key's cancel did nothing
    const ok = await call(`/v1/runs/${workflowId}/cancel`, { method: 'POST', key: operator.secret });
    expect(ok.status).toBe(202);
    await expect(client.workflow.getHandle(workflowId).result()).rejects.toThrow();
    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('CANCELLED');

    // the audit log has every mutating call with its key's name, route template, target, status and request id
    const log = await json<{ entries: Entry[]; total: number }>(await call('/v1/admin/audit-log?limit=50'));
    const mine = log.entries.filter((e) => e.keyName === 'reader' || e.keyName === 'operator');
    expect(mine.map((e) => `${e.keyName} ${e.method} ${e.route} ${e.target} ${e.status}`)).toEqual([
      `operator POST /v1/runs/{workflowId}/cancel ${workflowId} 202`,
      'reader POST /v1/diagnostics null 403',
      `reader POST /v1/runs/{workflowId}/cancel ${workflowId} 403`,
      `operator POST /v1/diagnostics ${workflowId} 202`,
    ]);
    expect(mine[0]!.keyPrefix).toBe(operator.prefix);
    expect(mine[0]!.requestId).toBe(ok.headers.get('x-request-id'));
    // GETs are not audited; the filter by key name pages like every list
    const page = await json<{ entries: Entry[]; total: number; nextCursor: string | null }>(await call('/v1/admin/audit-log?keyName=reader&limit=1'));
    expect(page.total).toBe(2);
    expect(page.entries).toHaveLength(1);
    const next = await json<{ entries: Entry[]; nextCursor: string | null }>(
      await call(`/v1/admin/audit-log?keyName=reader&limit=1&cursor=${page.nextCursor}`),
    );
    expect(next.entries[0]!.route).toBe('/v1/runs/{workflowId}/cancel');
    expect(next.nextCursor).toBeNull();
  });

  it('bootstrap keys (API_KEYS) hold every scope and are audited under their fingerprint', async () => {
    const res = await call('/v1/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'via-api', scopes: ['read'], rate: '100/10s' }) });
    expect(res.status).toBe(201);
    const created = await json<{ key: { id: number; prefix: string; rate: string }; secret: string }>(res);
    expect(created.key.rate).toBe('100/10s');
    const listed = await call('/v1/admin/keys');
    const text = await listed.text();
    expect(text).toContain('via-api');
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain('hash');
    const log = await json<{ entries: Entry[] }>(await call('/v1/admin/audit-log?limit=1'));
    expect(log.entries[0]).toMatchObject({ method: 'POST', route: '/v1/admin/keys', target: String(created.key.id), status: 201 });
    expect(log.entries[0]!.keyName).toMatch(/^bootstrap-[0-9a-f]{8}$/);
    expect(log.entries[0]!.keyName).not.toContain(TEST_API_KEY);
  });

  it('a key revoked by the CLI answers 401 within the cache window, on a fresh API process at once', async () => {
    expect((await call('/v1/audits', { key: reader.secret })).status).toBe(200); // cached now
    const { stdout } = await keysCli('revoke', reader.prefix);
    expect(stdout).toContain(`revoked key`);
    const revokedAt = Date.now();
    const other = testApp(config, t.db, client).call; // another API process: nothing cached
    expect((await other('/v1/audits', { key: reader.secret })).status).toBe(401);
    let status = 200;
    while (status !== 401 && Date.now() - revokedAt < (CACHE_SECONDS + 5) * 1000) {
      status = (await call('/v1/audits', { key: reader.secret })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    const { stdout: list } = await keysCli('list', '--all');
    expect(list).toMatch(new RegExp(`reader\\s+${reader.prefix}.*revoked`));
    expect(list).toMatch(/operator .*\d{4}-\d\d-\d\dT/); // last used, recorded
  });

  it('a key revoked through the admin route stops at once on the process that revoked it', async () => {
    const created = await json<{ key: { id: number }; secret: string }>(
      await call('/v1/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'short-lived', scopes: ['read'] }) }),
    );
    expect((await call('/v1/audits', { key: created.secret })).status).toBe(200);
    expect((await call(`/v1/admin/keys/${created.key.id}`, { method: 'DELETE' })).status).toBe(200);
    const res = await call('/v1/audits', { key: created.secret });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect((await call('/v1/admin/keys/999999', { method: 'DELETE' })).status).toBe(404);
  });

  it('the OpenAPI document names the scope of every operation', async () => {
    const doc = await json<{ paths: Record<string, Record<string, { security?: Array<Record<string, string[]>>; responses: Record<string, unknown> }>> }>(
      await call('/openapi.json', { key: null }),
    );
    const scope = (path: string, method: string) => doc.paths[path]![method]!.security?.[0]?.bearerAuth;
    expect(scope('/v1/runs/{workflowId}', 'get')).toEqual(['read']);
    expect(scope('/v1/runs/{workflowId}/cancel', 'post')).toEqual(['operate']);
    expect(scope('/v1/admin/keys', 'post')).toEqual(['admin']);
    expect(scope('/v1/admin/audit-log', 'get')).toEqual(['admin']);
    expect(doc.paths['/v1/runs/{workflowId}/cancel']!.post!.responses['403']).toBeDefined();
    const secured = Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([m, op]) => ({ p, m, s: op.security })));
    for (const op of secured.filter((o) => o.p.startsWith('/v1/') && !o.p.startsWith('/v1/webhooks/')))
      expect(op.s?.[0]?.bearerAuth, `${op.m} ${op.p}`).toHaveLength(1);
  });
});
