/**
 * Upgrading to the sweeps: a per-site `siteMonitor` run of an earlier version still running would
 * check and alert beside the sweep, so `npm start` retires it (retirePerSiteMonitors). Real Temporal
 * dev server; no worker is needed (the runs only have to exist). Runs of another prefix's queue
 * (another deployment on the same namespace) are left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { taskQueueFor } from '../../core/temporal.js';
import { retirePerSiteMonitors } from '../../temporal-config/monitor-sweeps.js';
import { freshDb, type TestDb } from '../support/db.js';
import { testClient, testConfig } from '../support/platform.js';

let t: TestDb;
let client: Client;
let prefix: string;
beforeAll(async () => {
  t = await freshDb();
  const config = testConfig(t.url);
  prefix = config.TASK_QUEUE_PREFIX;
  client = await testClient(config);
});
afterAll(async () => {
  await client.connection.close();
  await t.drop();
});

const start = (id: string, queuePrefix: string) =>
  client.workflow.start('siteMonitor', { workflowId: id, taskQueue: taskQueueFor('audits', queuePrefix), args: [{ monitorId: id }] });

describe('retirePerSiteMonitors', () => {
  it('terminates the running siteMonitor runs of this deployment, and only those', async () => {
    const ours = [`${prefix}-monitor-a`, `${prefix}-monitor-b`];
    for (const id of ours) await start(id, prefix);
    const other = `${prefix}-other-monitor`;
    await start(other, `${prefix}x`);

    // visibility is eventually consistent: retry until both runs were seen and retired
    let retired = 0;
    for (let i = 0; i < 50 && retired < 2; i++) {
      retired += await retirePerSiteMonitors(client, prefix);
      if (retired < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect(retired).toBe(2);
    for (const id of ours) {
      const d = await client.workflow.getHandle(id).describe();
      expect(d.status.name).toBe('TERMINATED');
    }
    expect((await client.workflow.getHandle(other).describe()).status.name).toBe('RUNNING');
    await client.workflow.getHandle(other).terminate('test over');
  });
});
