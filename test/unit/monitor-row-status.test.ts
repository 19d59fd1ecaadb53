/** The API's monitor status built from the row and the SQL aggregates (row-status.ts, pure). */
import { describe, expect, it } from 'vitest';
import { rowStatus } from '../../activities/audits/monitor/row-status.js';
import { DEFAULT_THRESHOLDS } from '../../core/contracts/monitors.js';
import type { Monitor } from '../../db/schema/monitors.js';

const at = new Date('2026-12-05T12:00:00Z');
const row = (over: Partial<Monitor> = {}): Monitor => ({
  id: 'monitor-a.example',
  url: 'https://a.example/',
  host: 'a.example',
  interval_seconds: 60,
  alert_email: 'a@b.fr',
  webhook_url: null,
  language: 'fr',
  thresholds: DEFAULT_THRESHOLDS,
  paused: false,
  created_at: at,
  updated_at: at,
  deleted_at: null,
  last_seq: 7,
  machine: {
    availability: 'down',
    consecutiveFailures: 4,
    consecutiveSlow: 0,
    slow: false,
    certificateExpiring: false,
    openIncidents: [{ kind: 'down', since: at.toISOString(), sinceSeq: 4 }],
  },
  recent_alerts: [{ transition: 'down', seq: 6, at: at.toISOString() }],
  next_check_at: new Date('2026-12-05T12:00:41Z'),
  lease_owner: null,
  lease_until: null,
  ...over,
});
const last = { ok: false, statusCode: 503, latencyMs: 12, certDaysLeft: null, certValidTo: null, error: 'HTTP 503', checkedAt: at.toISOString(), seq: 7 };
const stats = { last24h: { checks: 3, up: 2, p95LatencyMs: 40 }, last30d: { checks: 0, up: 0, p95LatencyMs: null } };

describe('rowStatus', () => {
  it('shows the state machine, alerts, next check and the window figures (uptime to two decimals, none without checks)', () => {
    const s = rowStatus(row(), last, stats, 1, at);
    expect(s).toMatchObject({
      state: 'down',
      consecutiveFailures: 4,
      lastCheck: { seq: 7, statusCode: 503 },
      pendingDeliveries: 1,
      nextCheckAt: '2026-12-05T12:00:41.000Z',
    });
    expect(s.openIncidents).toEqual([expect.objectContaining({ kind: 'down', sinceSeq: 4 })]);
    expect(s.recentAlerts).toEqual([{ transition: 'down', seq: 6, at: at.toISOString() }]);
    expect(s.stats).toEqual({
      asOf: at.toISOString(),
      last24h: { checks: 3, uptimePercent: 66.67, p95LatencyMs: 40 },
      last30d: { checks: 0, uptimePercent: null, p95LatencyMs: null },
    });
  });

  it('is paused with no next check while paused, and starts afresh (unknown, no last check) before a revived monitor is checked', () => {
    expect(rowStatus(row({ paused: true }), last, stats, 0, at)).toMatchObject({ state: 'paused', paused: true, nextCheckAt: null });
    expect(rowStatus(row({ machine: null }), last, stats, 0, at)).toMatchObject({
      state: 'unknown',
      lastCheck: null,
      openIncidents: [],
      consecutiveFailures: 0,
    });
  });
});
