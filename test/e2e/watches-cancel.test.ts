/**
 * Cancelling a running `watchSource` through the Temporal client: the cancellation is not swallowed
 * with the other errors (the run ends CANCELLED, not COMPLETED), and its finish step, which cannot
 * be cancelled, records the `cancelled` outcome in PostgreSQL without counting it as a failure of
 * the source. Real worker, Temporal dev server, PostgreSQL and a loopback fixture site whose
 * listing pages hang, so the run is mid-crawl when cancelled.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CancelledFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { RunningWorkers } from '../../workers/run.js';
import type { watchSource, WatchSourceStatus } from '../../workflows/watches.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';
import { agencySite, property, startSite, type FixtureSite } from '../support/watches/sites.js';

let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let site: FixtureSite;

beforeAll(async () => {
  t = await freshDb();
  site = await startSite(
    agencySite(
      new Map([
        ['c1', property('c1', { price: 300_000 })],
        ['c2', property('c2', { price: 320_000 })],
      ]),
      { flavor: 'wordpress', perPage: 1 },
    ),
  );
  config = testConfig(t.url, { WATCH_POLITENESS_MS: '50', WATCH_FETCH_RETRIES: '0' });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['watches']);
});
afterAll(async () => {
  await site?.close();
  await workers?.shutdown();
  await client?.connection.close();
  await t?.drop();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a cancelled watchSource ends CANCELLED and its run is recorded cancelled; the source is not counted as failing', async () => {
  const res = await testApp(config, t.db, client).call('/v1/sources', {
    method: 'POST',
    body: JSON.stringify({ name: 'Agence annulée', website: site.url, postalCodes: ['75015'] }),
  });
  expect(res.status).toBe(201);
  const sourceId = ((await res.json()) as { id: number }).id;
  // every listing page hangs: the crawl is in flight when the cancellation arrives
  site.slow = { pattern: /\/biens\//, ms: 60_000 };

  const handle = await client.workflow.start<typeof watchSource>('watchSource', {
    workflowId: `cancel-source-${sourceId}-${Date.now()}`,
    taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
    args: [{ sourceId }],
  });
  await until('the crawl to reach a listing page', async () => site.requests.some((r) => r.path.startsWith('/biens/')));
  expect((await handle.query<WatchSourceStatus>('status')).phase).toBe('crawling');
  const running = await t.db.selectFrom('watch_crawl_runs').selectAll().where('source_id', '=', sourceId).executeTakeFirstOrThrow();
  expect(running.status).toBe('running');

  await handle.cancel();
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');

  const run = await t.db.selectFrom('watch_crawl_runs').selectAll().where('id', '=', running.id).executeTakeFirstOrThrow();
  expect(run.status).toBe('cancelled');
  expect(run.finished_at).not.toBeNull();
  expect(run.error_message).toBe('cancelled');
  const source = await t.db.selectFrom('watch_sources').select(['consecutive_failures', 'flagged_at']).where('id', '=', sourceId).executeTakeFirstOrThrow();
  expect(source).toEqual({ consecutive_failures: 0, flagged_at: null });
  // the history shows the finish activity scheduled after the cancellation request
  const events = (await handle.fetchHistory()).events ?? [];
  const cancelAt = events.findIndex((e) => e.workflowExecutionCancelRequestedEventAttributes);
  const finishAt = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'finishSourceRun');
  expect(cancelAt).toBeGreaterThan(0);
  expect(finishAt).toBeGreaterThan(cancelAt);
});
