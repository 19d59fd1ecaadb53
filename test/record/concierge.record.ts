/**
 * Records the concierge family's certificateRenewal with stand-in activities (real issuance is the
 * concierge e2e's): the workflow, its timers and its continueAsNew are the real ones.
 */
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { describe, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { recordHistory } from '../../scripts/lib/histories.js';
import type { CertificateRenewalStatus } from '../../workflows/certificate-renewal.js';
import { freshDb } from '../support/db.js';
import { TEST_API_KEY, testClient, testEnv, workflowBundle } from '../support/platform.js';
import { until } from '../support/sync/harness.js';
import { DAY, dir } from './world.js';

describe('concierge', () => {
  it('records a certificateRenewal round that fails, alerts, renews and continues as new', async () => {
    // The activities stand in for ACME (real issuance is the concierge e2e's); the workflow, its
    // timers and its continueAsNew are the real ones. The expiry is 30 days + 2 s away.
    const t = await freshDb();
    const config = loadConfig(testEnv(t.url));
    const client = await testClient(config);
    const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const taskQueue = `${config.TASK_QUEUE_PREFIX}-history-renewal`;
    let calls = 0;
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        async issueCertificate() {
          if (++calls === 1) throw ApplicationFailure.nonRetryable('acme down', 'acme-refused');
          return { notAfter: new Date(Date.now() + 90 * DAY).toISOString(), issued: true };
        },
        async alertOperator() {
          return 'sent';
        },
      },
    });
    try {
      await worker.runUntil(async () => {
        const id = `cert-renewal-history-${Date.now()}.fr`;
        const handle = await client.workflow.start('certificateRenewal', {
          workflowId: id,
          taskQueue,
          args: [
            {
              orderId: 'ord_history',
              domain: 'history.fr',
              notAfter: new Date(Date.now() + 30 * DAY + 2000).toISOString(),
              renewBeforeDays: 30,
              renewals: 0,
              retryAfterMs: 500,
            },
          ],
        });
        await until(
          () => handle.query<CertificateRenewalStatus>('status'),
          (s) => s.renewals === 1,
          30_000,
          100,
        );
        const r = await recordHistory(client, id, { label: 'failed-round-then-renewed', runId: handle.firstExecutionRunId, secrets: [TEST_API_KEY], dir });
        console.log(`[history] certificateRenewal-failed-round-then-renewed: ${r.events} events`);
        await handle.terminate('recorded');
      });
    } finally {
      await connection.close();
      await client.connection.close();
      await t.drop();
    }
  }, 60_000);
});
