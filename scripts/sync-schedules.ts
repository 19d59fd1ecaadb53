/** `npm run sync:schedules`: creates or updates the sync family's Temporal Schedules. */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../core/config.js';
import { connectionOptions } from '../core/temporal-connection.js';
import { ensureSyncSchedules } from '../temporal-config/sync-schedules.js';

const config = loadConfig({ DATABASE_URL: 'postgres://unused/unused', ...process.env });
const connection = await Connection.connect(connectionOptions(config));
try {
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const done = await ensureSyncSchedules(client, {
    taskQueuePrefix: config.TASK_QUEUE_PREFIX,
    pollMinutes: config.SYNC_POLL_MINUTES,
    nightlyCron: config.SYNC_NIGHTLY_CRON,
    timezone: config.SYNC_TIMEZONE,
  });
  for (const s of done) console.log(`${s.outcome.padEnd(8)} ${s.id}`);
} finally {
  await connection.close();
}
