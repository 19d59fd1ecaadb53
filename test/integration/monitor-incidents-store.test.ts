/**
 * The incidents history and the combined check activity against real PostgreSQL: retried writes
 * change nothing, a close without its open writes the whole row, and a retried `checkAndRecord`
 * of a recorded sequence number returns the recorded check without contacting the site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitorActivities } from '../../activities/audits/monitor/index.js';
import { writeIncident } from '../../activities/audits/monitor/incidents.js';
import { insertCheck } from '../../db/queries/monitor-checks.js';
import { listIncidents } from '../../db/queries/monitor-incidents.js';
import { DEFAULT_THRESHOLDS, type CheckResult } from '../../core/contracts/monitors.js';
import { freshDb, type TestDb } from '../support/db.js';
import { silentLogger, testConfig } from '../support/platform.js';

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(async () => {
  await t.drop();
});

const check = (ok: boolean, at: string): CheckResult => ({
  ok,
  statusCode: ok ? 200 : 503,
  latencyMs: 12,
  certDaysLeft: null,
  certValidTo: null,
  error: ok ? null : 'HTTP 503',
  checkedAt: at,
});

describe('monitor incidents store', () => {
  it('opens once, closes with duration and failed checks, and writes a close whose open is missing', async () => {
    const base = { monitorId: 'monitor-a', thresholds: DEFAULT_THRESHOLDS };
    const incident = { kind: 'down' as const, sinceSeq: 10, since: '2026-12-01T10:00:00.000Z' };
    for (let i = 0; i < 2; i++) await writeIncident(t.db, { ...base, transition: 'down', seq: 12, check: check(false, '2026-12-01T10:02:00.000Z'), incident });
    await writeIncident(t.db, { ...base, transition: 'recovered', seq: 15, check: check(true, '2026-12-01T10:05:00.000Z'), incident });
    await writeIncident(t.db, { ...base, transition: 'recovered', seq: 15, check: check(true, '2026-12-01T10:05:00.000Z'), incident });
    // an incident opened before the table existed: only its close is seen
    await writeIncident(t.db, {
      ...base,
      transition: 'recovered',
      seq: 40,
      check: check(true, '2026-12-01T11:00:00.000Z'),
      incident: { kind: 'down', sinceSeq: 30, since: '2026-12-01T10:50:00.000Z' },
    });
    const page = await listIncidents(t.db, 'monitor-a', 10, null);
    expect(page.total).toBe(2);
    expect(page.items).toEqual([
      {
        kind: 'down',
        startedAt: '2026-12-01T10:50:00.000Z',
        endedAt: '2026-12-01T11:00:00.000Z',
        durationSeconds: 600,
        cause: null,
        checksFailed: 10,
        firstCheck: 30,
        lastCheck: 40,
      },
      {
        kind: 'down',
        startedAt: '2026-12-01T10:00:00.000Z',
        endedAt: '2026-12-01T10:05:00.000Z',
        durationSeconds: 300,
        cause: 'HTTP 503',
        checksFailed: 5,
        firstCheck: 10,
        lastCheck: 15,
      },
    ]);
  });

  it('returns the recorded check on a retry of checkAndRecord, without contacting the site', async () => {
    const acts = createMonitorActivities({ config: testConfig(t.url), db: t.db, logger: silentLogger });
    const recorded = check(false, '2026-12-01T12:00:00.000Z');
    await insertCheck(t.db, 'monitor-b', 7, recorded);
    // port 9 on loopback is refused by the outbound guard (no allow-list): only the recorded row can answer
    const again = await acts.checkAndRecord({ monitorId: 'monitor-b', url: 'http://127.0.0.1:9/', timeoutMs: 500, seq: 7 });
    expect(again).toEqual(recorded);
    const fresh = await acts.checkAndRecord({ monitorId: 'monitor-b', url: 'http://127.0.0.1:9/', timeoutMs: 500, seq: 8 });
    expect(fresh.ok).toBe(false);
    const rows = await t.db.selectFrom('monitor_checks').select(['seq', 'ok', 'error']).where('monitor_id', '=', 'monitor-b').orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([7, 8]);
    expect(rows[1]!.error).toBe(fresh.error);
  });
});
