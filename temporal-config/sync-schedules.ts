/**
 * The sync family's Temporal Schedules, created or brought up to date idempotently: `npm start`
 * runs this after registering search attributes; `npm run sync:schedules` runs it against any
 * cluster. Sage has no webhooks, so it is polled every few minutes; a full reconciliation runs
 * nightly at 02:00 Europe/Paris.
 */
import type { Client, ScheduleOptions } from '@temporalio/client';
import { upsertSchedule } from '../core/schedules.js';
import type { SearchAttributePair } from '@temporalio/common';
import { SA, taskQueueFor } from '../core/temporal.js';

export interface SyncScheduleConfig {
  taskQueuePrefix: string;
  pollMinutes: number;
  nightlyCron: string;
  timezone: string;
}

export function syncSchedules(cfg: SyncScheduleConfig): ScheduleOptions[] {
  const taskQueue = taskQueueFor('sync', cfg.taskQueuePrefix);
  const sa = { typedSearchAttributes: [{ key: SA.family, value: 'sync' }] as SearchAttributePair[] };
  return [
    {
      scheduleId: `${cfg.taskQueuePrefix}-sync-sage-poll`,
      spec: { intervals: [{ every: `${cfg.pollMinutes} minutes` }], timezone: cfg.timezone },
      action: {
        type: 'startWorkflow',
        workflowType: 'crmSync',
        taskQueue,
        args: [{ mode: 'incremental', trigger: 'schedule' }],
        workflowId: `${cfg.taskQueuePrefix}-sync-poll`,
        ...sa,
      },
      policies: { overlap: 'SKIP', catchupWindow: '10 minutes' },
    },
    {
      scheduleId: `${cfg.taskQueuePrefix}-sync-nightly`,
      spec: { cronExpressions: [cfg.nightlyCron], timezone: cfg.timezone },
      action: {
        type: 'startWorkflow',
        workflowType: 'crmSync',
        taskQueue,
        args: [{ mode: 'full', trigger: 'nightly' }],
        workflowId: `${cfg.taskQueuePrefix}-sync-nightly`,
        ...sa,
      },
      policies: { overlap: 'SKIP', catchupWindow: '2 hours' },
    },
  ];
}

export async function ensureSyncSchedules(client: Client, cfg: SyncScheduleConfig): Promise<Array<{ id: string; outcome: 'created' | 'updated' }>> {
  const out: Array<{ id: string; outcome: 'created' | 'updated' }> = [];
  for (const opts of syncSchedules(cfg)) {
    out.push({ id: opts.scheduleId, outcome: await upsertSchedule(client, opts) });
  }
  return out;
}
