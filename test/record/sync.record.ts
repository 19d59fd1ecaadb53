/** Records the sync family's workflows (crmSync, hubspotEvents) on the Sage and HubSpot fakes. */
import { describe, expect, it } from 'vitest';
import { taskQueueFor } from '../../core/temporal.js';
import { recordHistory } from '../../scripts/lib/histories.js';
import { hubspotEventsWorkflowId, type HubSpotEventsStatus } from '../../workflows/sync.js';
import { TEST_API_KEY } from '../support/platform.js';
import { customerBody, HUBSPOT_SECRET, HUBSPOT_TOKEN, startSyncHarness, until } from '../support/sync/harness.js';
import { dir } from './world.js';

describe('sync', () => {
  it('records a small full crmSync and a debounced hubspotEvents batch', async () => {
    const h = await startSyncHarness();
    try {
      const ids = [1, 2, 3, 4].map((i) => String(h.sage.direct.create('contacts', customerBody(i)).id));
      h.sage.direct.create('sales_quotes', {
        contact_id: ids[0],
        date: '2026-11-20',
        expiry_date: '2026-12-20',
        quote_lines: [{ description: 'Site vitrine', quantity: 1, unit_price: 1500 }],
      });
      const secrets = [HUBSPOT_TOKEN, HUBSPOT_SECRET, h.sage.clientSecret, h.sage.currentRefreshToken(), TEST_API_KEY, h.config.WEBHOOK_SIGNING_SECRET];
      const syncId = `history-sync-${Date.now()}`;
      const res = await h.client.workflow.execute('crmSync', {
        workflowId: syncId,
        taskQueue: taskQueueFor('sync', h.config.TASK_QUEUE_PREFIX),
        args: [{ mode: 'full', trigger: 'history' }],
      });
      expect(res).toMatchObject({ phase: 'completed' });
      const full = await recordHistory(h.client, syncId, { label: 'full-small', secrets, dir });
      console.log(`[history] crmSync-full-small: ${full.events} events`);

      // two changes in HubSpot's UI -> signed webhooks -> one debounced batch to Sage
      const contactOf = (sageId: string) => h.hubspot.findBy('contacts', 'sage_id', sageId)[0]!.id;
      h.hubspot.ui.update('contacts', contactOf(ids[1]!), { phone: '06 00 00 00 02' });
      h.hubspot.ui.update('contacts', contactOf(ids[2]!), { phone: '06 00 00 00 03' });
      const batcher = h.client.workflow.getHandle(hubspotEventsWorkflowId(h.config.TASK_QUEUE_PREFIX));
      const st = await until(
        () => batcher.query<HubSpotEventsStatus>('status').catch(() => null),
        (s) => (s?.batches ?? 0) >= 1 && s!.lastBatchAt !== null,
        20_000,
        100,
      );
      expect(st).toMatchObject({ batches: 1, records: 2 });
      const events = await recordHistory(h.client, batcher.workflowId, { label: 'one-debounced-batch', secrets, dir });
      console.log(`[history] hubspotEvents-one-debounced-batch: ${events.events} events`);
    } finally {
      await h.close();
    }
  });
});
