/**
 * A monitor's status as the API shows it (GET /v1/monitors/{id} `state`), built from its row (the
 * sweep's state machine, alerts, due time) and SQL aggregates over its checks. Pure.
 */
import type { Monitor } from '../../../db/schema/monitors.js';
import type { WindowStatsRow } from '../../../db/queries/monitor-checks.js';
import { initialMachine } from './transitions.js';
import type { CheckResult, SiteMonitorStatus, WindowStats } from '../../../core/contracts/monitors.js';

/** The old per-site workflow's `status` query shape (kept for API clients), without its run counters. */
export type MonitorRowStatus = Omit<SiteMonitorStatus, 'run'> & {
  /** When the sweep checks the monitor next (null while paused). */
  nextCheckAt: string | null;
};

const windowStats = (w: WindowStatsRow): WindowStats => ({
  checks: w.checks,
  uptimePercent: w.checks ? Math.round((w.up / w.checks) * 10_000) / 100 : null,
  p95LatencyMs: w.p95LatencyMs,
});

export function rowStatus(
  m: Monitor,
  last: (CheckResult & { seq: number }) | null,
  stats: { last24h: WindowStatsRow; last30d: WindowStatsRow },
  pendingDeliveries: number,
  asOf: Date,
): MonitorRowStatus {
  const machine = m.machine ?? initialMachine();
  return {
    monitorId: m.id,
    url: m.url,
    state: m.paused ? 'paused' : machine.availability,
    paused: m.paused,
    intervalSeconds: m.interval_seconds,
    thresholds: m.thresholds,
    // a revived monitor starts afresh (its old checks stay listed under /checks)
    lastCheck: m.machine ? last : null,
    openIncidents: machine.openIncidents,
    consecutiveFailures: machine.consecutiveFailures,
    consecutiveSlowChecks: machine.consecutiveSlow,
    stats: { asOf: asOf.toISOString(), last24h: windowStats(stats.last24h), last30d: windowStats(stats.last30d) },
    recentAlerts: m.recent_alerts,
    pendingDeliveries,
    nextCheckAt: m.paused ? null : m.next_check_at.toISOString(),
  };
}
