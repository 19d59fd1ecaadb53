/**
 * `monitorSweep`: site monitors checked in batches. One long-running workflow per shard (id
 * `<prefix>-monitor-sweep-<shard>`), started idempotently by the launcher and by the API when a
 * monitor is created. Each activity is a window (MONITOR_SWEEP_WINDOW_SECONDS) in which the shard's
 * due monitors are claimed from PostgreSQL under a lease, checked many at once and recorded with
 * their transitions, incidents and alerts; the workflow chains windows and continues as new after
 * a few of them. Per-monitor state (sequence, state machine, incidents, alerts, due time) lives in
 * PostgreSQL (`monitors`, `monitor_checks`, `monitor_incidents`), not in this workflow.
 */
import { continueAsNew, defineQuery, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { MonitorActivities } from '../activities/audits/monitor/index.js';
import { SA } from '../core/temporal.js';
import { OUTAGE_WINDOW, UNTIL_RECOVERED } from '../core/retry-policies.js';

export interface MonitorSweepTotals {
  windows: number;
  checked: number;
  failed: number;
  transitions: number;
  alerts: number;
  delivered: number;
  lost: number;
  skipped: number;
  maxLatenessMs: number;
}

export interface MonitorSweepInput {
  shard: number;
  shards: number;
  windowSeconds: number;
  concurrency: number;
  /** Windows per run before continuing as new. */
  windowsPerRun?: number;
  totals?: MonitorSweepTotals;
  runNumber?: number;
}

export interface MonitorSweepStatus extends MonitorSweepTotals {
  shard: number;
  shards: number;
  runNumber: number;
}

export const monitorSweepStatusQuery = defineQuery<MonitorSweepStatus>('status');

const zero = (): MonitorSweepTotals => ({ windows: 0, checked: 0, failed: 0, transitions: 0, alerts: 0, delivered: 0, lost: 0, skipped: 0, maxLatenessMs: 0 });

export const monitorSweepId = (prefix: string, shard: number) => `${prefix}-monitor-sweep-${shard}`;

export async function monitorSweep(input: MonitorSweepInput): Promise<void> {
  const { sweepMonitors } = proxyActivities<MonitorActivities>({
    // a window, plus the slowest check in flight at its end (timeouts go up to 120 s), plus recording
    startToCloseTimeout: `${input.windowSeconds + 180} seconds`,
    heartbeatTimeout: '10 seconds',
    scheduleToCloseTimeout: OUTAGE_WINDOW,
    retry: UNTIL_RECOVERED,
  });
  const totals = input.totals ?? zero();
  const runNumber = input.runNumber ?? 1;
  setHandler(monitorSweepStatusQuery, () => ({ ...totals, shard: input.shard, shards: input.shards, runNumber }));
  upsertSearchAttributes([
    { key: SA.family, value: 'audits' },
    { key: SA.source, value: `monitors:shard-${input.shard}-of-${input.shards}` },
    { key: SA.status, value: 'sweeping' },
  ]);
  const perRun = input.windowsPerRun ?? 60;
  for (let i = 0; i < perRun; i++) {
    const r = await sweepMonitors({ shard: input.shard, shards: input.shards, windowSeconds: input.windowSeconds, concurrency: input.concurrency });
    totals.windows++;
    totals.checked += r.checked;
    totals.failed += r.failed;
    totals.transitions += r.transitions;
    totals.alerts += r.alerts;
    totals.delivered += r.delivered;
    totals.lost += r.lost;
    totals.skipped += r.skipped;
    totals.maxLatenessMs = Math.max(totals.maxLatenessMs, r.maxLatenessMs);
  }
  await continueAsNew<typeof monitorSweep>({ ...input, totals, runNumber: runNumber + 1 });
}
