/** The queries the benches and demos (scripts/) read and write through, against real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderInputSchema } from '../../activities/concierge/order-validation.js';
import { EXAMPLE_ORDER } from '../../api/openapi-examples.js';
import { DEFAULT_THRESHOLDS } from '../../core/contracts/monitors.js';
import { auditStatuses, failAudit, insertRunningAudit } from '../../db/queries/audits.js';
import { insertOrder } from '../../db/queries/concierge-orders.js';
import { checkoutSessionId, claimPayment, updatePayment } from '../../db/queries/concierge-payments.js';
import { checksBetween, insertCheck } from '../../db/queries/monitor-checks.js';
import { getMonitor, insertMonitors } from '../../db/queries/monitors.js';
import { customersWithContact, saveIdMap, type IdMapWrite } from '../../db/queries/sync-idmap.js';
import { freshDb, type TestDb } from '../support/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.drop());

describe('queries of the scripts', () => {
  it('inserts monitors in one go and reads the checks of a time window', async () => {
    const values = { host: '127.0.0.1', interval_seconds: 60, alert_email: 'ops@atelier.localhost', webhook_url: null, language: 'fr' as const, paused: false };
    const thresholds = JSON.stringify(DEFAULT_THRESHOLDS);
    await insertMonitors(t.db, []);
    await insertMonitors(
      t.db,
      ['m-1', 'm-2'].map((id) => ({ id, url: `http://127.0.0.1:9/${id}`, thresholds, ...values })),
    );
    expect((await getMonitor(t.db, 'm-2'))?.url).toBe('http://127.0.0.1:9/m-2');
    const check = (checkedAt: string, ok: boolean) => ({ ok, statusCode: 200, latencyMs: 5, certDaysLeft: null, certValidTo: null, error: null, checkedAt });
    await insertCheck(t.db, 'm-1', 1, check('2026-12-01T10:00:00Z', true));
    await insertCheck(t.db, 'm-2', 1, check('2026-12-01T10:00:30Z', false));
    await insertCheck(t.db, 'm-1', 2, check('2026-12-01T10:01:00Z', true));
    const rows = await checksBetween(t.db, new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T10:01:00Z'));
    expect(rows.map((r) => [r.monitor_id, Number(r.seq), r.ok]).sort()).toEqual([
      ['m-1', 1, true],
      ['m-2', 1, false],
    ]);
  });

  it("reads an order's Checkout Session once its ledger row has one", async () => {
    await insertOrder(t.db, 'o-1', OrderInputSchema.parse(EXAMPLE_ORDER), 'eur');
    expect(await checkoutSessionId(t.db, 'o-1')).toBeNull();
    const row = await claimPayment(t.db, 'o-1', 'checkout', 'open');
    expect(await checkoutSessionId(t.db, 'o-1')).toBeNull();
    await updatePayment(t.db, row.id, { provider_id: 'cs_test_1' });
    expect(await checkoutSessionId(t.db, 'o-1')).toBe('cs_test_1');
  });

  it('reads the status of the audits asked for, and only those', async () => {
    await insertRunningAudit(t.db, { id: 'a-1', url: 'http://127.0.0.1/', domain: '127.0.0.1' });
    await failAudit(t.db, { id: 'a-2', url: 'http://127.0.0.1/', domain: '127.0.0.1', report: '{}' });
    await insertRunningAudit(t.db, { id: 'a-3', url: 'http://127.0.0.1/', domain: '127.0.0.1' });
    expect(await auditStatuses(t.db, [])).toEqual([]);
    const got = await auditStatuses(t.db, ['a-1', 'a-2', 'absent']);
    expect(got.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'a-1', status: 'running' },
      { id: 'a-2', status: 'failed' },
    ]);
  });

  it('lists customers whose HubSpot contact is known, up to the limit', async () => {
    const row = (sageId: string, contactId: string | null, entity: IdMapWrite['entity'] = 'customer'): IdMapWrite => ({
      entity,
      sageId,
      hubspotId: `h-${sageId}`,
      contactId,
      sageHash: 's',
      hubspotHash: 'h',
      fields: {},
      version: 1,
      sageUpdatedAt: null,
      hubspotUpdatedAt: null,
    });
    await saveIdMap(t.db, [row('C1', 'p1'), row('C2', null), row('C3', 'p3'), row('Q1', 'p9', 'quote')]);
    const all = await customersWithContact(t.db, 10);
    expect(all.map((r) => [r.sage_id, r.hubspot_contact_id]).sort()).toEqual([
      ['C1', 'p1'],
      ['C3', 'p3'],
    ]);
    expect(await customersWithContact(t.db, 1)).toHaveLength(1);
  });
});
