/**
 * The watches family's Temporal Schedules (Europe/Paris), created or brought up to date
 * idempotently: `npm start` runs this after registering search attributes, and
 * `npm run watches:schedules` runs it against any cluster. Generic watches are checked in batches
 * by one sweep every minute (`watches-generic-sweep`); earlier versions gave each watch its own
 * schedule (`watch-generic-<id>`), which the API still deletes with its watch.
 */
import { ScheduleNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { upsertSchedule } from '../core/schedules.js';
import { SA, taskQueueFor } from '../core/temporal.js';

export const WATCH_TIMEZONE = 'Europe/Paris';

export interface WatchScheduleConfig {
  taskQueuePrefix: string;
  fleetBatchSize: number;
}

/** The fixed schedules, by id. */
export function watchSchedules(cfg: WatchScheduleConfig): ScheduleOptions[] {
  const taskQueue = taskQueueFor('watches', cfg.taskQueuePrefix);
  const sa = { typedSearchAttributes: [{ key: SA.family, value: 'watches' }] as SearchAttributePair[] };
  const crawlPolicies = { overlap: 'SKIP', catchupWindow: '1 hour' } as const;
  return [
    {
      scheduleId: `${cfg.taskQueuePrefix}-watches-full-crawl`,
      spec: { calendars: [{ hour: 2, minute: 0, comment: 'full crawl, daily 02:00' }], timezone: WATCH_TIMEZONE },
      action: {
        type: 'startWorkflow',
        workflowType: 'watchFleet',
        taskQueue,
        args: [{ scope: 'all', batchSize: cfg.fleetBatchSize }],
        workflowId: `${cfg.taskQueuePrefix}-watches-full-crawl`,
        ...sa,
      },
      policies: crawlPolicies,
    },
    {
      scheduleId: `${cfg.taskQueuePrefix}-watches-priority-crawl`,
      spec: {
        calendars: [{ hour: { start: 0, end: 23, step: 6 }, minute: 30, comment: 'priority sources, every 6 h (00:30, 06:30, 12:30, 18:30)' }],
        timezone: WATCH_TIMEZONE,
      },
      action: {
        type: 'startWorkflow',
        workflowType: 'watchFleet',
        taskQueue,
        args: [{ scope: 'priority', batchSize: cfg.fleetBatchSize }],
        workflowId: `${cfg.taskQueuePrefix}-watches-priority-crawl`,
        ...sa,
      },
      policies: crawlPolicies,
    },
    {
      scheduleId: `${cfg.taskQueuePrefix}-watches-market-stats`,
      spec: { intervals: [{ every: '1 hour', offset: '5 minutes' }], timezone: WATCH_TIMEZONE },
      action: { type: 'startWorkflow', workflowType: 'marketStats', taskQueue, args: [], workflowId: `${cfg.taskQueuePrefix}-watches-market-stats`, ...sa },
      policies: { overlap: 'SKIP', catchupWindow: '10 minutes' },
    },
    {
      scheduleId: `${cfg.taskQueuePrefix}-watches-duplicate-cleanup`,
      spec: { calendars: [{ hour: 3, minute: 0, comment: 'daily 03:00' }], timezone: WATCH_TIMEZONE },
      action: {
        type: 'startWorkflow',
        workflowType: 'duplicateCleanup',
        taskQueue,
        args: [],
        workflowId: `${cfg.taskQueuePrefix}-watches-duplicate-cleanup`,
        ...sa,
      },
      policies: { overlap: 'SKIP', catchupWindow: '2 hours' },
    },
    {
      scheduleId: `${cfg.taskQueuePrefix}-watches-alert-digest`,
      spec: { calendars: [{ hour: 8, minute: 0, comment: 'daily digests 08:00' }], timezone: WATCH_TIMEZONE },
      action: { type: 'startWorkflow', workflowType: 'alertDigest', taskQueue, args: [{}], workflowId: `${cfg.taskQueuePrefix}-watches-alert-digest`, ...sa },
      policies: { overlap: 'SKIP', catchupWindow: '6 hours' },
    },
    {
      scheduleId: `${cfg.taskQueuePrefix}-watches-generic-sweep`,
      // every due generic watch (each has its own phase within its interval: deterministic jitter)
      spec: { intervals: [{ every: '1 minute' }], timezone: WATCH_TIMEZONE },
      action: {
        type: 'startWorkflow',
        workflowType: 'genericWatchSweep',
        taskQueue,
        args: [{ reason: 'schedule' }],
        workflowId: `${cfg.taskQueuePrefix}-watches-generic-sweep`,
        typedSearchAttributes: [
          { key: SA.family, value: 'watches' },
          { key: SA.source, value: 'generic' },
        ] as SearchAttributePair[],
      },
      policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
    },
  ];
}

export async function ensureWatchSchedules(client: Client, cfg: WatchScheduleConfig): Promise<Array<{ id: string; outcome: 'created' | 'updated' }>> {
  const out: Array<{ id: string; outcome: 'created' | 'updated' }> = [];
  for (const s of watchSchedules(cfg)) out.push({ id: s.scheduleId, outcome: await upsertSchedule(client, s) });
  await removeLegacyGenericSchedules(client, cfg.taskQueuePrefix);
  return out;
}

/** The per-watch schedule of earlier versions (deleted with its watch), and the prefix of a watch's workflow ids. */
export const genericScheduleId = (prefix: string, watchId: number) => `${prefix}-watch-generic-${watchId}`;

/** Deletes the per-watch schedules of earlier versions (the sweep checks every watch now); answers how many. */
export async function removeLegacyGenericSchedules(client: Client, prefix: string): Promise<number> {
  const legacy = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-watch-generic-\\d+$`);
  let n = 0;
  for await (const s of client.schedule.list()) {
    if (!legacy.test(s.scheduleId)) continue;
    await deleteSchedule(client, s.scheduleId);
    n++;
  }
  return n;
}

export async function deleteSchedule(client: Client, scheduleId: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}
