/**
 * Starts the monitor sweeps (one `monitorSweep` workflow per shard) unless they already run:
 * `npm start` calls it at launch and the API when a monitor is created, so monitors are checked
 * whoever created them (the API, the concierge's hand-off, a restored database).
 */
import type { Client } from '@temporalio/client';
import { SA, taskQueueFor } from '../core/temporal.js';
import { monitorSweepId, type MonitorSweepInput, type monitorSweep } from '../workflows/monitor-sweep.js';

export interface MonitorSweepConfig {
  TASK_QUEUE_PREFIX: string;
  MONITOR_SWEEP_SHARDS: number;
  MONITOR_SWEEP_CONCURRENCY: number;
  MONITOR_SWEEP_WINDOW_SECONDS: number;
}

export async function ensureMonitorSweeps(client: Client, cfg: MonitorSweepConfig): Promise<string[]> {
  const ids: string[] = [];
  for (let shard = 0; shard < cfg.MONITOR_SWEEP_SHARDS; shard++) {
    const input: MonitorSweepInput = {
      shard,
      shards: cfg.MONITOR_SWEEP_SHARDS,
      windowSeconds: cfg.MONITOR_SWEEP_WINDOW_SECONDS,
      concurrency: cfg.MONITOR_SWEEP_CONCURRENCY,
    };
    const id = monitorSweepId(cfg.TASK_QUEUE_PREFIX, shard);
    await client.workflow.start<typeof monitorSweep>('monitorSweep', {
      workflowId: id,
      taskQueue: taskQueueFor('audits', cfg.TASK_QUEUE_PREFIX),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: [
        { key: SA.family, value: 'audits' },
        { key: SA.source, value: `monitors:shard-${shard}-of-${cfg.MONITOR_SWEEP_SHARDS}` },
        { key: SA.status, value: 'sweeping' },
      ],
    });
    ids.push(id);
  }
  return ids;
}

/**
 * Monitors used to be one long-running `siteMonitor` workflow each. Their rows are now checked by the
 * sweeps, so a per-site run still going would check and alert a second time: `npm start` retires
 * them (terminated with a reason an operator can read in the Web UI). Answers how many it retired.
 */
export async function retirePerSiteMonitors(client: Client, taskQueuePrefix: string): Promise<number> {
  const queue = taskQueueFor('audits', taskQueuePrefix);
  let retired = 0;
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'siteMonitor' AND ExecutionStatus = 'Running' AND TaskQueue = '${queue}'` })) {
    await client.workflow
      .getHandle(wf.workflowId, wf.runId)
      .terminate('monitoring moved to the monitorSweep workflows: this monitor is checked from its row')
      .then(() => retired++)
      .catch(() => undefined); // ended meanwhile
  }
  return retired;
}
