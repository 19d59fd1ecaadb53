/**
 * The sync family's test wiring: the HubSpot and Sage fakes, a config pointing the real SDK and
 * the Sage adapter at them, the real worker on the sync queue and the real API served over HTTP
 * (so the HubSpot fake can deliver signed webhooks to it).
 */
import { randomUUID } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { Config } from '../../../core/config.js';
import { taskQueueFor } from '../../../core/temporal.js';
import type { RunningWorkers } from '../../../workers/run.js';
import { hubspotEventsWorkflowId, type CrmSyncInput, type CrmSyncStatus } from '../../../workflows/sync.js';
import { freshDb, type TestDb } from '../db.js';
import { startHubSpotFake, type HubSpotFake, type HubSpotFakeOptions } from '../../../sandbox/hubspot/index.js';
import { startSageFake, type SageFake, type SageFakeOptions } from '../../../sandbox/sage/index.js';
import { syncSandboxEnv } from '../../../sandbox/sync.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../platform.js';

export const HUBSPOT_SECRET = 'hubspot-app-client-secret-test';
export const HUBSPOT_TOKEN = 'pat-eu1-test-token';

export interface SyncHarness {
  t: TestDb;
  config: Config;
  hubspot: HubSpotFake;
  sage: SageFake;
  client: Client;
  workers: RunningWorkers;
  apiBase: string;
  call: ReturnType<typeof testApp>['call'];
  restartWorkers(): Promise<void>;
  run(input: CrmSyncInput): Promise<CrmSyncStatus>;
  close(): Promise<void>;
}

/** The settings that point the HubSpot SDK and the Sage adapter at the fakes. */
export function syncEnv(hubspot: HubSpotFake, sage: SageFake): Record<string, string> {
  return {
    ...syncSandboxEnv(hubspot, sage, { token: HUBSPOT_TOKEN, secret: HUBSPOT_SECRET }),
    HUBSPOT_RATE_PER_10S: '190',
    SYNC_SAGE_RATE_PER_MINUTE: '6000',
  };
}

export async function startSyncHarness(
  opts: { hubspot?: HubSpotFakeOptions; sage?: SageFakeOptions; env?: Record<string, string> } = {},
): Promise<SyncHarness> {
  const t = await freshDb();
  const hubspot = await startHubSpotFake({
    accessToken: HUBSPOT_TOKEN,
    ...opts.hubspot,
    webhooks: { secret: HUBSPOT_SECRET, sources: ['CRM_UI'], batchDelayMs: 20, ...opts.hubspot?.webhooks },
  });
  const sage = await startSageFake(opts.sage);
  const config = testConfig(t.url, {
    ...syncEnv(hubspot, sage),
    SYNC_WEBHOOK_DEBOUNCE_MS: '300',
    SYNC_WEBHOOK_MAX_WAIT_MS: '1500',
    ...opts.env,
  });
  const client = await testClient(config);
  let workers = await startTestWorkers(config, t.db, ['sync']);
  const { app, call } = testApp(config, t.db, client);
  let server!: ServerType;
  const apiBase = await new Promise<string>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(`http://127.0.0.1:${info.port}`));
  });
  hubspot.webhooks.configure({ url: `${apiBase}/v1/webhooks/hubspot` });
  const h: SyncHarness = {
    t,
    config,
    hubspot,
    sage,
    client,
    workers,
    apiBase,
    call,
    async restartWorkers() {
      await workers.shutdown();
      workers = await startTestWorkers(config, t.db, ['sync']);
      h.workers = workers;
    },
    run(input) {
      return client.workflow.execute('crmSync', {
        workflowId: `sync-test-${randomUUID()}`,
        taskQueue: taskQueueFor('sync', config.TASK_QUEUE_PREFIX),
        args: [input],
      }) as Promise<CrmSyncStatus>;
    },
    async close() {
      hubspot.webhooks.stop();
      await client.workflow
        .getHandle(hubspotEventsWorkflowId(config.TASK_QUEUE_PREFIX))
        .terminate('test over')
        .catch(() => undefined);
      await new Promise((r) => server.close(r));
      await workers.shutdown();
      await client.connection.close();
      await hubspot.close();
      await sage.close();
      await t.drop();
    },
  };
  return h;
}

let seq = 0;
/** A Sage customer body, as a person would type it in Sage. */
export function customerBody(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    name: `Client ${i} SARL`,
    reference: `C${String(i).padStart(5, '0')}`,
    contact_type_ids: ['CUSTOMER'],
    tax_number: null,
    main_address: { address_line_1: `${i} rue de la Paix`, city: 'Paris', postal_code: '75002', country_id: 'FR' },
    main_contact_person: {
      name: `Contact ${i}`,
      email: `client${i}@example.fr`,
      telephone: `01 23 45 ${String(i % 100).padStart(2, '0')} ${String(seq % 100).padStart(2, '0')}`,
    },
    currency_id: 'EUR',
    ...extra,
  };
}

export async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 30_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
