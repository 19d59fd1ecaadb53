/**
 * A generic-watch sweep whose worker process is killed with SIGKILL mid-batch (some watches
 * checked, some changes recorded and notified, the rest still to do), then a fresh worker process:
 * the sweep's activity is retried under the same lease owner, takes over what its killed attempt
 * left, delivers what it recorded but did not send, and every change is notified exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../core/config.js';
import type { genericWatchSweep } from '../../workflows/generic-sweep.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/monitor-sites.js';
import type { PeerProcess } from '../../sandbox/concierge/process.js';
import { testApp, testClient, testEnv } from '../support/platform.js';
import { startSite, type FixtureSite } from '../support/watches/sites.js';
import { killHard, startWorkerProcess, writeWorkflowBundle } from '../support/worker-process.js';

const WATCHES = 40;
const CHANGED = [1, 4, 9, 13, 18, 22, 26, 31, 35, 39];

let t: TestDb;
let client: Client;
let call: ReturnType<typeof testApp>['call'];
let hooks: WebhookReceiver;
let site: FixtureSite;
let dir: string;
let env: Record<string, string>;
let bundlePath: string;
const workers: PeerProcess[] = [];
const price = new Map<number, number>();

beforeAll(async () => {
  t = await freshDb();
  dir = mkdtempSync(join(tmpdir(), 'generic-sigkill-'));
  hooks = await startWebhookReceiver();
  site = await startSite((path) => {
    const m = /^\/p\/(\d+)$/.exec(path);
    return m ? { body: `<html><body><div id="price">${price.get(Number(m[1])) ?? 100} €</div></body></html>` } : null;
  });
  env = testEnv(t.url, { WATCH_POLITENESS_MS: '0', WATCH_GENERIC_BATCH_SIZE: String(WATCHES), WATCH_GENERIC_HOST_CONCURRENCY: '2', WATCH_FETCH_RETRIES: '0' });
  const config = loadConfig(env);
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
  bundlePath = await writeWorkflowBundle(dir);
  workers.push(await startWorkerProcess({ env, families: ['watches'], bundlePath }));
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.stop();
  await client?.connection.close();
  await Promise.all([site?.close(), hooks?.close()]);
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const checkAll = async () => {
  const res = await call('/v1/watches/check', { method: 'POST', body: JSON.stringify({ tag: 'crash' }) });
  expect(res.status).toBe(202);
  return client.workflow.getHandle<typeof genericWatchSweep>(((await res.json()) as { workflowId: string }).workflowId);
};

describe('generic watches: worker SIGKILLed mid-batch', () => {
  it('notifies every change exactly once after the worker is killed and replaced', async () => {
    await t.db
      .insertInto('watch_generic')
      .values(
        Array.from({ length: WATCHES }, (_, i) => ({
          name: `w${i}`,
          url: `${site.url}p/${i}`,
          selector: '#price',
          interval_minutes: 60,
          channel: 'webhook' as const,
          target: hooks.url,
          tags: ['crash'],
        })),
      )
      .execute();
    expect(await (await checkAll()).result()).toMatchObject({ checked: WATCHES, baselines: WATCHES });

    for (const i of CHANGED) price.set(i, 150 + i);
    site.slow = { pattern: /^\/p\//, ms: 150 }; // 40 pages, 2 at a time: about 3 s of work
    const roundStart = site.requests.length;
    const sweep = await checkAll();
    // kill once a good part of the batch is done and some changes are notified
    const deadline = Date.now() + 20_000;
    while ((site.requests.length - roundStart < WATCHES / 2 || hooks.received.length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await killHard(workers[0]!);
    const notifiedBeforeKill = hooks.received.length;
    expect(notifiedBeforeKill).toBeGreaterThan(0);
    expect(notifiedBeforeKill).toBeLessThan(CHANGED.length);
    site.slow = { pattern: null, ms: 0 };
    workers.push(await startWorkerProcess({ env, families: ['watches'], bundlePath }));

    const r = await sweep.result(); // the activity is retried once its heartbeat times out (10 s)
    expect(r.checked).toBeGreaterThanOrEqual(WATCHES - notifiedBeforeKill);
    await new Promise((res) => setTimeout(res, 500));
    const bodies = hooks.received.map((h) => JSON.parse(h.body) as { watchId: number; seq: number; added: string[] });
    expect(hooks.received).toHaveLength(CHANGED.length);
    expect(new Set(hooks.received.map((h) => h.delivery)).size).toBe(CHANGED.length);
    expect(bodies.map((b) => b.added[0]).sort()).toEqual(CHANGED.map((i) => `${150 + i} €`).sort());
    expect(bodies.every((b) => b.seq === 1)).toBe(true);

    const rows = await t.db.selectFrom('watch_generic').select(['id', 'seq', 'lease_owner', 'last_checked_at']).execute();
    expect(rows.filter((w) => w.seq === 1)).toHaveLength(CHANGED.length);
    expect(rows.every((w) => w.lease_owner === null)).toBe(true);
    const changes = await t.db.selectFrom('watch_generic_changes').select('id').execute();
    expect(changes).toHaveLength(CHANGED.length);
    const outbox = await t.db.selectFrom('outbox').select(['status']).where('dedupe_key', 'like', 'watch:generic:%').execute();
    expect(outbox.map((o) => o.status)).toEqual(Array(CHANGED.length).fill('sent'));
  }, 90_000);
});
