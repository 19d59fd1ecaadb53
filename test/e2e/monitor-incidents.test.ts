/**
 * A monitor's incidents history and the sweep's history growth, through the real API and worker
 * (Temporal dev server, PostgreSQL) watching a loopback site: each outage becomes one incident that
 * starts at the first failed check and ends at the recovering one, listed newest first with a cursor
 * and a total; and the monitor sweep's history grows per window, not per check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import type { MonitorRowStatus } from '../../activities/audits/monitor/row-status.js';
import type { RunningWorkers } from '../../workers/run.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestSite, startWebhookReceiver, type TestSite, type WebhookReceiver } from '../support/monitor-sites.js';
import { startMonitorSweeps } from '../support/monitor-sweeps.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';

type IncidentPage = { total: number; incidents: Array<{ durationSeconds: number }>; nextCursor: string | null };
let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let hook: WebhookReceiver;
let s: TestSite;
let call: ReturnType<typeof testApp>['call'];
let id: string;
let sweeps: Awaited<ReturnType<typeof startMonitorSweeps>>;

beforeAll(async () => {
  t = await freshDb();
  hook = await startWebhookReceiver();
  s = await startTestSite();
  config = testConfig(t.url, { MONITOR_MIN_INTERVAL_SECONDS: '1', MONITOR_SWEEP_WINDOW_SECONDS: '5' });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['audits']);
  sweeps = await startMonitorSweeps(client, config);
  call = testApp(config, t.db, client).call;
  // webhook only: no SMTP needed
  const res = await call('/v1/monitors', {
    method: 'POST',
    body: JSON.stringify({ url: s.url, intervalSeconds: 1, webhookUrl: hook.url, thresholds: { failuresBeforeDown: 2 } }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  id = ((await res.json()) as { id: string }).id;
});
afterAll(async () => {
  await sweeps.stop();
  await workers.shutdown();
  await client.connection.close();
  await s.close();
  await hook.close();
  await t.drop();
});

async function waitState(until: (st: MonitorRowStatus) => boolean, timeoutMs = 40_000): Promise<MonitorRowStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(`/v1/monitors/${id}`);
    const st = res.status === 200 ? ((await res.json()) as { state: MonitorRowStatus }).state : null;
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
    const p1 = (await page1.json()) as IncidentPage;
    expect(p1.total).toBe(2);
    expect(p1.incidents).toHaveLength(1);
    expect(typeof p1.nextCursor).toBe('string');
    const p2 = (await (await call(`/v1/monitors/${id}/incidents?limit=1&cursor=${p1.nextCursor}`)).json()) as IncidentPage;
    expect(p2.incidents).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();

    // newest first: page 1 is the second outage
    for (const [inc, run] of [
      [p1.incidents[0]!, runs[1]!],
      [p2.incidents[0]!, runs[0]!],
    ] as const) {
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

  it('costs one activity round-trip per sweep window in the workflow history, not one per check (events per check measured)', async () => {
    await waitState((st) => (st.lastCheck?.seq ?? 0) >= 12);
    const history = await client.workflow.getHandle(sweeps.ids[0]!).fetchHistory();
    const events = history.events ?? [];
    const scheduled = (name: string) => events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name).length;
    expect(scheduled('checkAndRecord')).toBe(0);
    expect(scheduled('checkSite')).toBe(0);
    const windows = scheduled('sweepMonitors');
    const checks = await t.db
      .selectFrom('monitor_checks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('monitor_id', '=', id)
      .executeTakeFirstOrThrow();
    const perCheck = events.length / Number(checks.n);
    console.log(
      `monitorSweep history: ${events.length} events for ${checks.n} checks (${windows} windows, 2 outages): ${perCheck.toFixed(2)} events per check`,
    );
    expect(windows).toBeGreaterThanOrEqual(1);
    // 1 s checks in 5 s windows: each window's activity holds about 5 checks, outages and alerts included
    expect(Number(checks.n)).toBeGreaterThan(windows * 2);
    expect(events.length).toBeLessThanOrEqual(6 * windows + 12);
  });
});
