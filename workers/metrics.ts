/**
 * The Temporal SDK's Prometheus exporter for this worker process (Runtime telemetry): WORKER_METRICS_PORT
 * is a port or a range, and the process takes the first free port in it, so several worker
 * processes on one host can share one setting. Series are the SDK's own (temporal_workflow_completed,
 * temporal_activity_execution_latency, temporal_worker_task_slots_available, …), tagged with the
 * process's families.
 */
import type { TelemetryOptions } from '@temporalio/worker';

export function metricsTelemetry(host: string, port: number, families: readonly string[]): TelemetryOptions {
  const bindAddress = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    metrics: {
      prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true },
      globalTags: { atelier_families: [...families].sort().join(',') },
    },
  };
}
