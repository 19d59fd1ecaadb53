/**
 * Cancelling a running `crmSync` through the Temporal client: the run ends CANCELLED (the
 * cancellation is not swallowed with the other errors) and its finish step, which cannot be
 * cancelled, records `cancelled` in sync_runs. Real worker, Temporal dev server, PostgreSQL and the
 * Sage / HubSpot fakes; Sage's shared rate limit (1 request a minute) holds the run mid-page.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { taskQueueFor } from '../../core/temporal.js';
import type { crmSync, CrmSyncStatus } from '../../workflows/sync.js';
import { customerBody, startSyncHarness, until, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ env: { SYNC_SAGE_RATE_PER_MINUTE: '1' } });
  for (let i = 1; i <= 3; i++) h.sage.direct.create('contacts', customerBody(i));
});
afterAll(async () => h?.close());

it('a cancelled crmSync ends CANCELLED and its run is recorded cancelled in PostgreSQL', async () => {
  const workflowId = `sync-cancel-${randomUUID()}`;
  const handle = await h.client.workflow.start<typeof crmSync>('crmSync', {
    workflowId,
    taskQueue: taskQueueFor('sync', h.config.TASK_QUEUE_PREFIX),
    args: [{ mode: 'full', dryRun: true }],
  });
  // the run is reading Sage, its next request held by the shared rate limit
  const status = await until(
    () => handle.query<CrmSyncStatus>('status'),
    (s) => s.phase === 'sage',
    20_000,
  );
  expect(status.phase).toBe('sage');
  await until(
    () => h.sage.stats().requests,
    (n) => n >= 1,
    20_000,
  );
  const running = await h.t.db.selectFrom('sync_runs').selectAll().where('id', '=', workflowId).executeTakeFirstOrThrow();
  expect(running.status).toBe('running');

  await handle.cancel();
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');

  const run = await h.t.db.selectFrom('sync_runs').selectAll().where('id', '=', workflowId).executeTakeFirstOrThrow();
  expect(run).toMatchObject({ status: 'cancelled', error: 'cancelled' });
  expect(run.finished_at).not.toBeNull();
  // the finish step ran after the cancellation request, and the listing filter knows the status
  const events = (await handle.fetchHistory()).events ?? [];
  const cancelAt = events.findIndex((e) => e.workflowExecutionCancelRequestedEventAttributes);
  const finishAt = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'finishSyncRun');
  expect(cancelAt).toBeGreaterThan(0);
  expect(finishAt).toBeGreaterThan(cancelAt);
  const listed = await h.call('/v1/sync/runs?status=cancelled');
  expect(listed.status).toBe(200);
  expect(JSON.stringify(await listed.json())).toContain(workflowId);
});
