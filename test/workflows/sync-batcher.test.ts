/**
 * The webhook batcher on the dev server: a burst of signals becomes one batch after the debounce;
 * a steady trickle is cut at the maximum wait; the status query answers. The activities are
 * recorders here (the workflow is the unit under test); the end-to-end path with the real
 * activities is in test/integration/sync.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/platform.js';
import type { RecordRef } from '../../activities/sync/index.js';

let client: Client;
let native: NativeConnection;
beforeAll(async () => {
  const address = inject('temporalAddress');
  client = new Client({ connection: await Connection.connect({ address }) });
  native = await NativeConnection.connect({ address });
});
afterAll(async () => {
  await client?.connection.close();
  await native?.close();
});

function recorder() {
  const calls: Array<{ at: number; refs: RecordRef[] }> = [];
  const runs: string[] = [];
  const activities = {
    async beginSyncRun(i: { runId: string }) {
      runs.push(i.runId);
    },
    async syncRecords(i: { refs: RecordRef[] }) {
      calls.push({ at: Date.now(), refs: i.refs });
      return { records: i.refs.length };
    },
    async finishSyncRun() {
      return [];
    },
  };
  return { calls, runs, activities };
}

const queue = () => `batcher-${randomBytes(4).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hubspotEvents batcher', () => {
  it('turns a burst of webhook signals into one batch call after the debounce', async () => {
    const rec = recorder();
    const taskQueue = queue();
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: await workflowBundle(), activities: rec.activities });
    await worker.runUntil(async () => {
      const handle = await client.workflow.signalWithStart('hubspotEvents', {
        workflowId: `sync-hubspot-events-${taskQueue}`,
        taskQueue,
        args: [{ debounceMs: 600, maxWaitMs: 10_000 }],
        signal: 'hubspotEvents',
        signalArgs: [[{ object: 'contacts', id: '1' }]],
      });
      await Promise.all(
        Array.from({ length: 29 }, (_, k) =>
          handle.signal('hubspotEvents', [
            { object: 'contacts', id: String((k + 2) % 10) },
            { object: 'companies', id: String(k + 2) },
          ]),
        ),
      );
      for (let i = 0; i < 100 && rec.calls.length === 0; i++) await sleep(50);
      await sleep(800);
      const status = await handle.query<{ batches: number; records: number; pending: number }>('status');
      expect(status).toMatchObject({ batches: 1, records: 39, pending: 0 });
      await handle.terminate();
    });
    expect(rec.calls).toHaveLength(1);
    // deduplicated by object: contacts 0..9 and companies 2..30
    expect(rec.calls[0]!.refs).toHaveLength(10 + 29);
    expect(rec.runs).toHaveLength(1);
  }, 30_000);

  it('a steady trickle is flushed at the maximum wait, not held forever', async () => {
    const rec = recorder();
    const taskQueue = queue();
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: await workflowBundle(), activities: rec.activities });
    let lastSignalAt = 0;
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('hubspotEvents', {
        workflowId: `sync-hubspot-events-${taskQueue}`,
        taskQueue,
        args: [{ debounceMs: 500, maxWaitMs: 1200 }],
      });
      await handle.query('status'); // the worker has the workflow loaded
      // one event every 200 ms for 3 s: never a quiet half-second
      for (let i = 0; i < 15; i++) {
        await handle.signal('hubspotEvents', [{ object: 'deals', id: String(i) }]);
        lastSignalAt = Date.now();
        await sleep(200);
      }
      for (let i = 0; i < 60 && rec.calls.flatMap((c) => c.refs).length < 15; i++) await sleep(50);
      await handle.terminate();
    });
    // the first batch went out while events were still arriving
    expect(rec.calls[0]!.at).toBeLessThan(lastSignalAt);
    expect(rec.calls.length).toBeGreaterThanOrEqual(2);
    expect(rec.calls.length).toBeLessThanOrEqual(5);
    expect(rec.calls.flatMap((c) => c.refs.map((r) => r.id)).sort()).toEqual(Array.from({ length: 15 }, (_, i) => String(i)).sort());
  }, 30_000);
});
