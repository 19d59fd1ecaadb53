/** `npm run watches:schedules`: creates or updates the watches family's Temporal Schedules. */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../core/config.js';
import { connectionOptions } from '../core/temporal-connection.js';
import { ensureWatchSchedules } from '../temporal-config/watches-schedules.js';

const config = loadConfig({ DATABASE_URL: 'postgres://unused/unused', ...process.env });
const connection = await Connection.connect(connectionOptions(config));
try {
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const done = await ensureWatchSchedules(client, { taskQueuePrefix: config.TASK_QUEUE_PREFIX, fleetBatchSize: config.WATCH_FLEET_BATCH_SIZE });
  for (const s of done) console.log(`${s.outcome.padEnd(8)} ${s.id}`);
} finally {
  await connection.close();
}
