/**
 * A monitor's incidents history and its history growth per check, through the real API and worker
 * (Temporal dev server, PostgreSQL) watching a loopback site: each outage becomes one incident that
 * starts at the first failed check and ends at the recovering one, listed newest first with a cursor
 * and a total; and a check costs one activity round-trip in the workflow's history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import type { SiteMonitorStatus } from '../../workflows/site-monitor.js';
import type { RunningWorkers } from '../../workers/run.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestSite, startWebhookReceiver, type TestSite, type WebhookReceiver } from '../support/monitor-sites.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';

type Json = Record<string, any>;
let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let hook: WebhookReceiver;
let s: TestSite;
let call: ReturnType<typeof testApp>['call'];
let id: string;

beforeAll(async () => {
  t = await freshDb();
  hook = await startWebhookReceiver();
  s = await startTestSite();
  config = testConfig(t.url, { MONITOR_MIN_INTERVAL_SECONDS: '1', MONITOR_CHECKS_PER_RUN: '500' });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['audits']);
  call = testApp(config, t.db, client).call;
  // webhook only: no SMTP needed
  const res = await call('/v1/monitors', { method: 'POST', body: JSON.stringify({ url: s.url, intervalSeconds: 1, webhookUrl: hook.url, thresholds: { failuresBeforeDown: 2 } }) });
  expect(res.status, await res.clone().text()).toBe(201);
  id = ((await res.json()) as Json).id;
});
afterAll(async () => {
  await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await workers.shutdown();
  await client.connection.close();
  await s.close();
  await hook.close();
  await t.drop();
});

async function waitState(until: (st: SiteMonitorStatus) => boolean, timeoutMs = 40_000): Promise<SiteMonitorStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await client.workflow.getHandle(id).query<SiteMonitorStatus>('status').catch(() => null);
    if (st && until(st)) return st;
    if (Date.now() > deadline) throw new Error(`monitor never reached the expected state; last: ${JSON.stringify(st)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function outage() {
  await waitState((st) => st.state === 'up');
  s.set({ kind: 'down', status: 503 });
  await waitState((st) => st.state === 'down');
  s.set({ kind: 'up' });
  await waitState((st) => st.state === 'up');
}

describe('monitor incidents', () => {
  it('records each outage from its first failed check to its recovery; GET /incidents pages them with a total', async () => {
    await outage();
    await outage();
    const checks = await t.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).orderBy('seq').execute();
    // the outages as the raw checks show them: runs of failed checks
    const runs: Array<{ first: (typeof checks)[number]; end: (typeof checks)[number]; failed: number }> = [];
    checks.forEach((c, i) => {
      if (!c.ok && (i === 0 || checks[i - 1]!.ok)) runs.push({ first: c, end: c, failed: 0 });
      if (!c.ok) runs[runs.length - 1]!.failed += 1;
      else if (i > 0 && !checks[i - 1]!.ok) runs[runs.length - 1]!.end = c;
    });
    expect(runs).toHaveLength(2);

    const page1 = await call(`/v1/monitors/${id}/incidents?limit=1`);
    expect(page1.status).toBe(200);
    const p1 = (await page1.json()) as Json;
    expect(p1.total).toBe(2);
    expect(p1.incidents).toHaveLength(1);
    expect(typeof p1.nextCursor).toBe('string');
    const p2 = (await (await call(`/v1/monitors/${id}/incidents?limit=1&cursor=${p1.nextCursor}`)).json()) as Json;
    expect(p2.incidents).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();

    // newest first: page 1 is the second outage
    for (const [inc, run] of [[p1.incidents[0], runs[1]!], [p2.incidents[0], runs[0]!]] as const) {
      expect(inc).toMatchObject({
        kind: 'down',
        startedAt: run.first.checked_at.toISOString(),
        endedAt: run.end.checked_at.toISOString(),
        firstCheck: Number(run.first.seq),
        lastCheck: Number(run.end.seq),
        checksFailed: run.failed,
        cause: 'HTTP 503',
      });
      expect(run.failed).toBeGreaterThanOrEqual(2);
      expect(inc.durationSeconds).toBe(Math.round((run.end.checked_at.getTime() - run.first.checked_at.getTime()) / 1000));
    }

    expect((await call(`/v1/monitors/${id}/incidents?cursor=bm90LWEtY3Vyc29y`)).status).toBe(422);
    expect((await call(`/v1/monitors/${id}/incidents?limit=0`)).status).toBe(422);
    expect((await call('/v1/monitors/monitor-nothing.example/incidents')).status).toBe(404);
  });

  it('costs one activity round-trip per check in the workflow history (events per check measured)', async () => {
    await waitState((st) => st.run.checks >= 12);
    const history = await client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    const scheduled = (name: string) =>
      events.flatMap((e, i) => (e.activityTaskScheduledEventAttributes?.activityType?.name === name ? [i] : []));
    const checksAt = scheduled('checkAndRecord');
    expect(scheduled('checkSite')).toEqual([]);
    expect(scheduled('recordCheck')).toEqual([]);
    expect(checksAt.length).toBeGreaterThanOrEqual(12);
    // steady state: between the first and the last check (two outages, their alerts and deliveries included)
    const perCheck = (checksAt[checksAt.length - 1]! - checksAt[0]!) / (checksAt.length - 1);
    // quiet checks only: the last 5, after the outages
    const quiet = checksAt.slice(-5);
    const perQuietCheck = (quiet[4]! - quiet[0]!) / 4;
    console.log(`siteMonitor history: ${perCheck.toFixed(1)} events per check overall (${checksAt.length} checks, 2 outages), ${perQuietCheck.toFixed(1)} per quiet check`);
    expect(perQuietCheck).toBeLessThanOrEqual(12);
    expect(perCheck).toBeLessThan(16);
  });
});
