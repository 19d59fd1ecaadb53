/**
 * The monitor sweeps for end-to-end monitor tests: started as `npm start` starts them
 * (ensureMonitorSweeps, idempotent), terminated when the test is over.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { ensureMonitorSweeps } from '../../temporal-config/monitor-sweeps.js';
import { monitorSweepStatusQuery, type MonitorSweepStatus } from '../../workflows/monitor-sweep.js';

export async function startMonitorSweeps(client: Client, config: Config) {
  const ids = await ensureMonitorSweeps(client, config);
  return {
    ids,
    status: (shard = 0): Promise<MonitorSweepStatus> => client.workflow.getHandle(ids[shard]!).query(monitorSweepStatusQuery),
    stop: () =>
      Promise.all(
        ids.map((id) =>
          client.workflow
            .getHandle(id)
            .terminate('test over')
            .catch(() => undefined),
        ),
      ),
  };
}
