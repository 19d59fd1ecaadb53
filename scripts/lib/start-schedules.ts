/**
 * The launcher's recurring work on Temporal Schedules and sweeps (scripts/start.ts): created, or
 * updated in place on a second start. The monitor sweeps start once a worker polls.
 */
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { ensureMonitorSweeps, retirePerSiteMonitors } from '../../temporal-config/monitor-sweeps.js';
import { ensureSyncSchedules } from '../../temporal-config/sync-schedules.js';
import { ensureWatchSchedules } from '../../temporal-config/watches-schedules.js';

/** The watch schedules, and the sync schedules when HubSpot and Sage are configured. */
export async function ensureSchedules(address: string, config: Config, log: (m: string) => void): Promise<void> {
  const schedConn = await Connection.connect({ address });
  const schedClient = new Client({ connection: schedConn, namespace: config.TEMPORAL_NAMESPACE });
  const watchSchedules = await ensureWatchSchedules(schedClient, {
    taskQueuePrefix: config.TASK_QUEUE_PREFIX,
    fleetBatchSize: config.WATCH_FLEET_BATCH_SIZE,
  });
  log(`watch schedules: ${watchSchedules.map((s) => `${s.id} ${s.outcome}`).join(', ')}`);
  if (config.HUBSPOT_ACCESS_TOKEN && config.SAGE_CLIENT_ID && config.SAGE_BUSINESS_ID) {
    const syncSchedules = await ensureSyncSchedules(schedClient, {
      taskQueuePrefix: config.TASK_QUEUE_PREFIX,
      pollMinutes: config.SYNC_POLL_MINUTES,
      nightlyCron: config.SYNC_NIGHTLY_CRON,
      timezone: config.SYNC_TIMEZONE,
    });
    log(`sync schedules: ${syncSchedules.map((s) => `${s.id} ${s.outcome}`).join(', ')}`);
  } else {
    log('sync schedules not created: set HUBSPOT_ACCESS_TOKEN and SAGE_CLIENT_ID / SAGE_BUSINESS_ID (or run npm run sync:schedules)');
  }
  await schedConn.close();
}

/** The monitor sweeps (idempotent): monitors the API, the concierge or a restored database wrote are checked. */
export async function ensureSweeps(connection: Connection, config: Config, log: (m: string) => void): Promise<void> {
  const sweepClient = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const sweeps = await ensureMonitorSweeps(sweepClient, config);
  const retired = await retirePerSiteMonitors(sweepClient, config.TASK_QUEUE_PREFIX);
  log(`monitor sweeps: ${sweeps.join(', ')}${retired ? ` (${retired} per-site siteMonitor run(s) of an earlier version retired)` : ''}`);
}
