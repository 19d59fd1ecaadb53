/**
 * The monitor sweep against a real PostgreSQL and loopback sites: many monitors checked in one
 * window, two concurrent sweeps never checking one monitor twice, the state machine's transitions
 * recorded (check, incident, alert outbox rows) once each, and a sweep killed mid-window taken over
 * by its retry (same owner) without a second alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { checkSite } from '../../activities/audits/monitor/check-site.js';
import { latenessMs } from '../../activities/audits/monitor/due.js';
import { recordSweepCheck } from '../../activities/audits/monitor/record-check.js';
import { claimDue } from '../../db/queries/monitors.js';
import { runMonitorSweep, type MonitorSweepDeps } from '../../activities/audits/monitor/sweep.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../core/contracts/monitors.js';
import { parseAllowlist } from '../../activities/shared/net-guard.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestSite, type TestSite } from '../support/monitor-sites.js';

let t: TestDb;
let site: TestSite;
const allow = parseAllowlist(['127.0.0.0/8']);
const shard = { index: 0, count: 1 };

beforeAll(async () => {
  t = await freshDb();
  site = await startTestSite();
});
afterAll(async () => {
  await site?.close();
  await t?.drop();
});

const deps = (over: Partial<MonitorSweepDeps> = {}): MonitorSweepDeps => ({
  db: t.db,
  concurrency: 50,
  check: (url, timeoutMs) => checkSite(url, { allow, timeoutMs }),
  ...over,
});

async function insertMonitors(prefix: string, n: number, over: { interval?: number; thresholds?: Partial<Thresholds>; url?: string } = {}) {
  const ids = Array.from({ length: n }, (_, i) => `monitor-${prefix}-${i}`);
  await t.db
    .insertInto('monitors')
    .values(
      ids.map((id) => ({
        id,
        url: over.url ?? site.url,
        host: '127.0.0.1',
        interval_seconds: over.interval ?? 60,
        alert_email: 'ops@agence.test',
        webhook_url: null,
        language: 'fr' as const,
        thresholds: JSON.stringify({ ...DEFAULT_THRESHOLDS, ...over.thresholds }),
        paused: false,
      })),
    )
    .execute();
  return ids;
}
const checksOf = (ids: string[]) => t.db.selectFrom('monitor_checks').select(['monitor_id', 'seq']).where('monitor_id', 'in', ids).execute();
const retire = (ids: string[]) =>
  t.db
    .updateTable('monitors')
    .set({ deleted_at: sql`now()` })
    .where('id', 'in', ids)
    .execute();

describe('monitor sweep', () => {
  it('checks many due monitors in one window and puts each on its own slot of its interval', async () => {
    const ids = await insertMonitors('many', 300);
    // the window is what bounds the test: long enough for 300 checks on a loaded 2-core machine
    const r = await runMonitorSweep(deps(), 'sweep-many', { shard, windowMs: 5000, pollMs: 100 });
    expect(r).toMatchObject({ checked: 300, failed: 0, lost: 0, skipped: 0 });
    const rows = await checksOf(ids);
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((x) => x.monitor_id)).size).toBe(300);
    const mons = await t.db.selectFrom('monitors').select(['id', 'last_seq', 'next_check_at', 'lease_owner', 'machine']).where('id', 'in', ids).execute();
    for (const m of mons) {
      expect(Number(m.last_seq)).toBe(1);
      expect(m.lease_owner).toBeNull();
      expect(m.machine).toMatchObject({ availability: 'up', consecutiveFailures: 0 });
      expect(latenessMs(m.id, 60, m.next_check_at.getTime())).toBe(0);
    }
    // spread over the minute, not bunched: every 10 s slice of the interval holds some of them
    const slices = new Set(mons.map((m) => Math.floor((m.next_check_at.getTime() % 60_000) / 10_000)));
    expect(slices.size).toBe(6);
    await retire(ids);
  });

  it('never lets two concurrent sweeps check the same monitor (lease, FOR UPDATE SKIP LOCKED)', async () => {
    const ids = await insertMonitors('lease', 200);
    site.set({ kind: 'slow', delayMs: 100 }); // checks long enough for both sweeps to be at work
    const [a, b] = await Promise.all([
      runMonitorSweep(deps({ concurrency: 20 }), 'sweep-a', { shard, windowMs: 5000, pollMs: 50 }),
      runMonitorSweep(deps({ concurrency: 20 }), 'sweep-b', { shard, windowMs: 5000, pollMs: 50 }),
    ]);
    site.set({ kind: 'up' });
    expect(a.checked + b.checked).toBe(200);
    expect(a.checked).toBeGreaterThan(0);
    expect(b.checked).toBeGreaterThan(0);
    expect(a.lost + b.lost).toBe(0);
    const rows = await checksOf(ids);
    expect(rows).toHaveLength(200);
    expect(rows.every((x) => Number(x.seq) === 1)).toBe(true);
    // a lease held by a live sweep is not taken by another, even when the monitor is due
    const [one] = await insertMonitors('held', 1);
    expect(await claimDue(t.db, 'sweep-a', 10, shard)).toEqual([expect.objectContaining({ id: one })]);
    expect(await claimDue(t.db, 'sweep-b', 10, shard)).toEqual([]);
    await retire([...ids, one!]);
  });

  it('records each transition once with its incident and alert rows, and a retried sweep sends no second alert', async () => {
    const down = await startTestSite();
    try {
      const [id] = await insertMonitors('flap', 1, { interval: 1, thresholds: { failuresBeforeDown: 2 }, url: down.url });
      await t.db.updateTable('monitors').set({ webhook_url: 'http://127.0.0.1:9/hook' }).where('id', '=', id!).execute();
      down.set({ kind: 'down' });
      const s1 = await runMonitorSweep(deps(), 'sweep-flap', { shard, windowMs: 3500, pollMs: 100 });
      expect(s1.transitions).toBe(1);
      // a sweep killed after recording its claim: its retry (same owner) resumes; another sweep cannot take it
      await t.db
        .updateTable('monitors')
        .set({ next_check_at: sql`now()` })
        .where('id', '=', id!)
        .execute();
      const claimed = await claimDue(t.db, 'sweep-killed', 1, shard);
      expect(claimed).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await claimDue(t.db, 'sweep-other', 1, shard)).toEqual([]);
      down.set({ kind: 'up' });
      const retried = await runMonitorSweep(deps(), 'sweep-killed', { shard, windowMs: 1500, pollMs: 100 });
      expect(retried.checked).toBeGreaterThanOrEqual(1);
      // the killed attempt's stale view of the monitor cannot record over the retry's checks
      const stale = await recordSweepCheck(
        t.db,
        'sweep-killed',
        claimed[0]!,
        { ok: true, statusCode: 200, latencyMs: 1, certDaysLeft: null, certValidTo: null, error: null, checkedAt: new Date().toISOString() },
        new Date(),
      );
      expect(stale).toBeNull();

      const keys = (await t.db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'like', `monitor:${id}:%`).orderBy('id').execute()).map(
        (k) => k.dedupe_key,
      );
      expect(keys.map((k) => k.split(':').slice(2, 3)[0] + ':' + k.split(':').at(-1))).toEqual([
        'down:email',
        'down:webhook',
        'recovered:email',
        'recovered:webhook',
      ]);
      const m = await t.db.selectFrom('monitors').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
      expect(m.machine).toMatchObject({ availability: 'up', openIncidents: [] });
      expect(m.recent_alerts.map((a) => a.transition)).toEqual(['down', 'recovered']);
      const checks = await t.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id!).orderBy('seq').execute();
      expect(checks.map((c) => Number(c.seq))).toEqual(checks.map((_, i) => i + 1));
      const incidents = await t.db.selectFrom('monitor_incidents').selectAll().where('monitor_id', '=', id!).execute();
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({ kind: 'down', cause: 'HTTP 503' });
      expect(Number(incidents[0]!.start_seq)).toBe(1);
      expect(Number(incidents[0]!.end_seq)).toBe(checks.find((c) => c.ok)!.seq * 1);
      await retire([id!]);
    } finally {
      await down.close();
    }
  });
});
