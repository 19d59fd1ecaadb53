/**
 * Fault containment: a socket error nobody listens for, raised inside one activity, fails that
 * activity (Temporal retries it) and the worker process keeps serving every other task.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { taskQueueFor } from '../../core/temporal.js';
import { freePort } from '../../core/free-port.js';
import { freshDb, type TestDb } from '../support/db.js';
import { spawnPeer, type PeerProcess } from '../../sandbox/concierge/process.js';
import { testClient, testConfig, testEnv, workflowBundle } from '../support/platform.js';

let t: TestDb;
let client: Client;
let worker: PeerProcess;
let prefix: string;
const tmp = mkdtempSync(join(tmpdir(), 'atelier-contained-'));

beforeAll(async () => {
  t = await freshDb();
  const config = testConfig(t.url);
  prefix = config.TASK_QUEUE_PREFIX;
  client = await testClient(config);
  const bundle = await workflowBundle();
  const bundlePath = join(tmp, 'workflow-bundle.js');
  writeFileSync(bundlePath, 'code' in bundle ? bundle.code : '');
  ({ peer: worker } = await spawnPeer({
    name: 'contained worker',
    cmd: process.execPath,
    args: ['--import', 'tsx', 'test/support/contained-worker.ts'],
    cwd: process.cwd(),
    env: { ...testEnv(t.url, { TASK_QUEUE_PREFIX: prefix }), LOG_LEVEL: 'info', WORKFLOW_BUNDLE_PATH: bundlePath, CLOSED_PORT: String(await freePort()) },
    ready: /worker ready/,
    timeoutMs: 60_000,
  }));
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await t?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('an unhandled socket error inside an activity', () => {
  it('fails that activity only: the process keeps serving and every run completes', async () => {
    const pid = worker.child.pid;
    let exited = false;
    worker.child.once('exit', () => (exited = true));
    const ids = Array.from({ length: 4 }, (_, i) => `contained-${i}-${Date.now()}`);
    const handles = await Promise.all(
      ids.map((workflowId) => client.workflow.start('diagnostics', { workflowId, taskQueue: taskQueueFor('platform', prefix), args: [{}] })),
    );
    const results = await Promise.all(handles.map((h) => h.result() as Promise<{ phase: string; ok: boolean }>));
    expect(results.map((r) => [r.phase, r.ok])).toEqual(ids.map(() => ['completed', true]));
    expect(exited).toBe(false);
    expect(worker.child.pid).toBe(pid);

    // each first attempt failed with the socket's own error, then the retry passed
    const { events } = await handles[0]!.fetchHistory();
    const started = (events ?? []).map((e) => e.activityTaskStartedEventAttributes).filter((a) => a != null);
    expect(started[0]).toMatchObject({ attempt: 2 });
    expect(started[0]!.lastFailure?.message).toMatch(/ECONNREFUSED/);
    const rows = await t.db.selectFrom('diagnostics_runs').select('workflow_id').where('workflow_id', 'in', ids).execute();
    expect(rows).toHaveLength(ids.length);
    expect(worker.output()).toMatch(/uncaughtException failed task checkDatabase/);
  });
});
