/**
 * Generic watches checked in batches through the real API, worker and Temporal: a baseline taken
 * at creation, check now, every change notified once (a return to an earlier value included, a
 * change outside the region never), many watches in one sweep of a few activities, check all / by
 * tag in one call, two concurrent sweeps never checking the same watch, pause, and the lists'
 * cursor pagination with totals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import type { RunningWorkers } from '../../workers/run.js';
import type { genericWatchSweep, GenericSweepStatus } from '../../workflows/generic-sweep.js';
import { pushBack } from '../../activities/watches/fetch/politeness.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/monitor-sites.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';
import { startSite, type FixtureSite } from '../support/watches/sites.js';

let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let hooks: WebhookReceiver;
let site: FixtureSite;
let call: ReturnType<typeof testApp>['call'];
const price = new Map<string, number>();
const noise = new Map<string, number>();

beforeAll(async () => {
  t = await freshDb();
  hooks = await startWebhookReceiver();
  site = await startSite((path) => {
    const m = /^\/p\/([\w-]+)$/.exec(path);
    if (!m) return null;
    const id = m[1]!;
    return { body: `<!doctype html><html><body><div id="price">${price.get(id) ?? 100} €</div><p>vu ${noise.get(id) ?? 0} fois</p></body></html>` };
  });
  config = testConfig(t.url, { WATCH_POLITENESS_MS: '0', WATCH_GENERIC_BATCH_SIZE: '25', WATCH_GENERIC_HOST_CONCURRENCY: '4' });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['watches']);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await workers?.shutdown();
  await client?.connection.close();
  await Promise.all([site?.close(), hooks?.close()]);
  await t?.drop();
});

/** The answer fields these tests read (an answer has some of them). */
type Answer = {
  id: number;
  workflowId: string;
  baseline: { workflowId: string };
  baselineTaken: boolean;
  total: number;
  due: number;
  nextCursor: string | null;
  nextCheckAt: string;
  items: Array<{ id: number; seq: number }>;
};
const send = async (path: string, method = 'GET', body?: unknown) => {
  const res = await call(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Answer };
};
const result = (workflowId: string) => client.workflow.getHandle<typeof genericWatchSweep>(workflowId).result();
const pageUrl = (id: string) => `${site.url}p/${id}`;
const fetches = (id: string) => site.requests.filter((r) => r.path === `/p/${id}`).length;
const hooksFor = (watchId: number) => hooks.received.filter((h) => JSON.parse(h.body).watchId === watchId);

/** Inserts watches straight into the table (no baseline yet), as a bulk import would. */
async function insertWatches(prefix: string, n: number, tags: string[]): Promise<number[]> {
  const rows = await t.db
    .insertInto('watch_generic')
    .values(
      Array.from({ length: n }, (_, i) => ({
        name: `${prefix}-${i}`,
        url: pageUrl(`${prefix}-${i}`),
        selector: '#price',
        interval_minutes: 60,
        channel: 'webhook' as const,
        target: hooks.url,
        tags,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

describe('generic watches in batches', () => {
  it('takes a baseline at creation and notifies every change once, a return to an earlier value included', async () => {
    price.set('solo', 100);
    const created = await send('/v1/watches', 'POST', {
      name: 'Solo',
      url: pageUrl('solo'),
      selector: '#price',
      channel: 'webhook',
      target: hooks.url,
      tags: ['solo'],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(await result(created.body.baseline.workflowId)).toMatchObject({ checked: 1, baselines: 1, changed: 0 });
    expect((await send(`/v1/watches/${id}`)).body).toMatchObject({ baselineTaken: true, changes: 0, lastError: null, paused: false });

    for (const [i, value] of [110, 100, 110].entries()) {
      price.set('solo', value);
      const check = await send(`/v1/watches/${id}/check`, 'POST');
      expect(check.status).toBe(202);
      expect(await result(check.body.workflowId)).toMatchObject({ checked: 1, changed: 1, notified: 1 });
      expect(hooksFor(id)).toHaveLength(i + 1);
    }
    // a change outside the watched region, and no change at all: nothing notified
    noise.set('solo', 7);
    expect(await result((await send(`/v1/watches/${id}/check`, 'POST')).body.workflowId)).toMatchObject({ checked: 1, changed: 0 });
    expect(await result((await send(`/v1/watches/${id}/check`, 'POST')).body.workflowId)).toMatchObject({ checked: 1, changed: 0 });
    const received = hooksFor(id).map((h) => JSON.parse(h.body));
    expect(received.map((b) => b.seq)).toEqual([1, 2, 3]);
    expect(received.map((b) => b.added)).toEqual([['110 €'], ['100 €'], ['110 €']]);
    expect(new Set(hooksFor(id).map((h) => h.delivery)).size).toBe(3);

    const first = await send(`/v1/watches/${id}/changes?limit=2`);
    expect(first.body).toMatchObject({ total: 3 });
    expect(first.body.items.map((c: { seq: number }) => c.seq)).toEqual([3, 2]);
    const rest = await send(`/v1/watches/${id}/changes?limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body.items.map((c: { seq: number }) => c.seq)).toEqual([1]);
    expect(rest.body.nextCursor).toBeNull();

    // paused: not checked now, listed as paused; resumed: due again on its phase
    expect((await send(`/v1/watches/${id}`, 'PATCH', { paused: true })).body).toMatchObject({ paused: true, nextCheckAt: null });
    expect((await send(`/v1/watches/${id}/check`, 'POST')).status).toBe(409);
    expect((await send('/v1/watches?paused=true')).body).toMatchObject({ total: 1, items: [{ id }] });
    const resumed = await send(`/v1/watches/${id}`, 'PATCH', { paused: false });
    expect(Date.parse(resumed.body.nextCheckAt)).toBeGreaterThan(Date.now() + 25 * 60_000);
    expect((await send(`/v1/watches/${id}`, 'PATCH', { intervalMinutes: 1 })).status).toBe(422);
    expect((await send('/v1/watches/check', 'POST', { tag: 'bad tag!' })).status).toBe(422);
  });

  it('checks many watches in one sweep of a few activities; check all by tag in one call; lists with cursor and total', async () => {
    const ids = await insertWatches('bulk', 60, ['bulk']);
    const other = await insertWatches('other', 3, ['other']);
    const first = await send('/v1/watches/check', 'POST', { tag: 'bulk' });
    expect(first.status).toBe(202);
    expect(first.body.due).toBe(60);
    const r1 = await result(first.body.workflowId);
    expect(r1).toMatchObject({ batches: 3, checked: 60, baselines: 60, changed: 0, errors: 0 });
    const desc = await client.workflow.getHandle(first.body.workflowId).describe();
    expect(desc.searchAttributes).toMatchObject({ AtelierFamily: ['watches'], AtelierSource: ['generic:tag:bulk'], AtelierStatus: ['completed'] });
    for (const o of other) expect((await send(`/v1/watches/${o}`)).body.baselineTaken).toBe(false);

    for (const i of [3, 17, 29, 44, 58]) price.set(`bulk-${i}`, 120 + i);
    for (const i of [5, 6]) noise.set(`bulk-${i}`, 9); // outside the selector
    const r2 = await result((await send('/v1/watches/check', 'POST', { tag: 'bulk' })).body.workflowId);
    expect(r2).toMatchObject({ checked: 60, changed: 5, notified: 5, errors: 0 });
    const bulkHooks = hooks.received.filter((h) => ids.includes(JSON.parse(h.body).watchId));
    expect(bulkHooks).toHaveLength(5);
    for (let i = 0; i < 60; i++) expect(fetches(`bulk-${i}`)).toBe(2);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await send(`/v1/watches?tag=bulk&limit=25${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.total).toBe(60);
      seen.push(...res.body.items.map((w: { id: number }) => w.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await send('/v1/watches?limit=1')).body.total).toBe(64);
  });

  it('never checks one watch in two sweeps running at once', async () => {
    site.slow = { pattern: /^\/p\/bulk-/, ms: 30 };
    const before = Array.from({ length: 60 }, (_, i) => fetches(`bulk-${i}`));
    const [a, b] = await Promise.all([send('/v1/watches/check', 'POST', { tag: 'bulk' }), send('/v1/watches/check', 'POST', { tag: 'bulk' })]);
    const results: GenericSweepStatus[] = await Promise.all([result(a.body.workflowId), result(b.body.workflowId)]);
    site.slow = { pattern: null, ms: 0 };
    expect(results[0]!.checked + results[1]!.checked).toBe(60);
    for (let i = 0; i < 60; i++) expect(fetches(`bulk-${i}`) - before[i]!).toBe(1);
  });

  it('lets checks on one host overlap when the delay is 0, and still honours a Retry-After push-back', async () => {
    await insertWatches('par', 8, ['par']);
    site.slow = { pattern: /^\/p\/par-/, ms: 300 };
    const startsOf = (from: number) =>
      site.requests
        .slice(from)
        .filter((r) => r.path.startsWith('/p/par-'))
        .map((r) => r.at)
        .sort((a, b) => a - b);
    const from = site.requests.length;
    await result((await send('/v1/watches/check', 'POST', { tag: 'par' })).body.workflowId);
    const starts = startsOf(from);
    expect(starts).toHaveLength(8);
    // 4 at a time on the one host (WATCH_GENERIC_HOST_CONCURRENCY): 8 pages of 300 ms in about 2 rounds, not 8
    expect(starts[3]! - starts[0]!).toBeLessThan(250);
    expect(starts[7]! - starts[0]!).toBeLessThan(1500);

    await pushBack(t.db, site.host, 1000); // as a 429 with Retry-After: 1 would
    const from2 = site.requests.length;
    const t0 = Date.now();
    await result((await send('/v1/watches/check', 'POST', { tag: 'par' })).body.workflowId);
    site.slow = { pattern: null, ms: 0 };
    expect(startsOf(from2)[0]! - t0).toBeGreaterThanOrEqual(900);
  });
});
