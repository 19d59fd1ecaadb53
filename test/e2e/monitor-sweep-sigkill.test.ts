/**
 * The monitor sweep's worker process killed with SIGKILL mid-window (sites hanging past the check
 * timeout, checks in flight under their lease, alerts recorded and some sent), then a fresh worker process: the sweep's activity is
 * retried under the same lease owner, takes over the monitors its killed attempt left leased,
 * sends what it recorded but did not send, and each monitor's down and recovered transitions are
 * alerted exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../core/config.js';
import type { PeerProcess } from '../../sandbox/concierge/process.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestSite, startWebhookReceiver, type TestSite, type WebhookReceiver } from '../support/monitor-sites.js';
import { startMonitorSweeps } from '../support/monitor-sweeps.js';
import { testApp, testClient, testEnv } from '../support/platform.js';
import { killHard, startWorkerProcess, writeWorkflowBundle } from '../support/worker-process.js';

const SITES = 12;

let t: TestDb;
let client: Client;
let call: ReturnType<typeof testApp>['call'];
let hooks: WebhookReceiver;
let dir: string;
let env: Record<string, string>;
let bundlePath: string;
let sweeps: Awaited<ReturnType<typeof startMonitorSweeps>>;
const sites: TestSite[] = [];
const workers: PeerProcess[] = [];

beforeAll(async () => {
  t = await freshDb();
  dir = mkdtempSync(join(tmpdir(), 'monitor-sigkill-'));
  hooks = await startWebhookReceiver();
  for (let i = 0; i < SITES; i++) sites.push(await startTestSite());
  // one long window: the kill lands inside it
  env = testEnv(t.url, { MONITOR_MIN_INTERVAL_SECONDS: '1', MONITOR_SWEEP_WINDOW_SECONDS: '60' });
  const config = loadConfig(env);
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
  bundlePath = await writeWorkflowBundle(dir);
  workers.push(await startWorkerProcess({ env, families: ['audits'], bundlePath }));
  sweeps = await startMonitorSweeps(client, config);
}, 120_000);

afterAll(async () => {
  await sweeps?.stop();
  for (const w of workers) await w.stop();
  await client?.connection.close();
  await Promise.all([...sites.map((s) => s.close()), hooks?.close()]);
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Hook = { monitorId: string; type: string; sequence: number };
const hooksOf = (type: string) => hooks.received.filter((h) => (JSON.parse(h.body) as Hook).type === type);
const states = async () => {
  const rows = await t.db.selectFrom('monitors').select(['id', 'machine']).where('deleted_at', 'is', null).execute();
  return rows.map((r) => r.machine?.availability ?? 'unknown');
};
async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs = 40_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('monitor sweep: worker SIGKILLed mid-window', () => {
  it('alerts each down and recovered transition exactly once after the worker is killed and replaced', async () => {
    const ids: string[] = [];
    for (const s of sites) {
      const res = await call('/v1/monitors', {
        method: 'POST',
        body: JSON.stringify({ url: s.url, intervalSeconds: 1, webhookUrl: hooks.url, thresholds: { failuresBeforeDown: 2, timeoutMs: 700 } }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    await until('every monitor up', async () => (await states()).every((s) => s === 'up'));

    // the sites hang past the checks' 700 ms timeout: at any instant most checks are in flight, leased
    for (const s of sites) s.set({ kind: 'slow', delayMs: 5000 });
    // kill once the first down alerts went out, before every monitor is down
    await until('a first down alert', () => hooksOf('monitor.down').length > 0);
    await killHard(workers[0]!);
    const before = hooksOf('monitor.down').length;
    expect(before).toBeGreaterThan(0);
    const leased = await t.db.selectFrom('monitors').select('id').where('lease_owner', 'is not', null).execute();
    // checks were in flight under the killed attempt's lease: the retried attempt takes them over
    expect(leased.length).toBeGreaterThan(0);
    workers.push(await startWorkerProcess({ env, families: ['audits'], bundlePath }));

    // the retried attempt (after the 10 s heartbeat timeout) takes over and finishes the outage
    await until('every monitor down and alerted', async () => (await states()).every((s) => s === 'down') && hooksOf('monitor.down').length >= SITES, 60_000);
    for (const s of sites) s.set({ kind: 'up' });
    await until(
      'every monitor recovered and alerted',
      async () => (await states()).every((s) => s === 'up') && hooksOf('monitor.recovered').length >= SITES,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1500));

    // one event per monitor and transition, each with its own delivery id; only the receipt in flight
    // at the kill (delivered, not yet marked sent) may come twice, under the same delivery id
    for (const type of ['monitor.down', 'monitor.recovered']) {
      const byDelivery = new Map(hooksOf(type).map((h) => [h.delivery, JSON.parse(h.body) as Hook]));
      expect([...byDelivery.values()].map((h) => h.monitorId).sort(), type).toEqual([...ids].sort());
    }
    const repeats = hooks.received.length - new Set(hooks.received.map((h) => h.delivery)).size;
    expect(repeats).toBeLessThanOrEqual(1);
    expect(hooksOf('monitor.recovered')).toHaveLength(SITES);
    const incidents = await t.db.selectFrom('monitor_incidents').selectAll().where('kind', '=', 'down').execute();
    expect(incidents).toHaveLength(SITES);
    expect(incidents.every((i) => i.end_seq !== null)).toBe(true);
    const outbox = await t.db.selectFrom('outbox').select('status').where('dedupe_key', 'like', 'monitor:%').execute();
    expect(outbox.map((o) => o.status)).toEqual(Array(2 * SITES).fill('sent'));
    // the checks of each monitor are numbered without gaps or repeats across the kill
    for (const id of ids) {
      const seqs = (await t.db.selectFrom('monitor_checks').select('seq').where('monitor_id', '=', id).orderBy('seq').execute()).map((r) => Number(r.seq));
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }
    console.log(
      `monitor sweep SIGKILL: ${before}/${SITES} down alerts received before the kill, ${leased.length} monitors leased at the kill, ${repeats} receipt(s) repeated`,
    );
  }, 120_000);
});
