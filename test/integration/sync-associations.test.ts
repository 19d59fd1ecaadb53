/**
 * Associations kept current on every sync: a quote moved to another customer in Sage moves its
 * deal to that customer's company (the old association removed), and a quote's deal keeps exactly
 * one company. Real Temporal, PostgreSQL, `@hubspot/api-client` and the Sage adapter against the fakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerBody, startSyncHarness, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
const customers: string[] = [];
beforeAll(async () => {
  h = await startSyncHarness();
  for (let i = 1; i <= 3; i++) customers.push(String(h.sage.direct.create('contacts', customerBody(i)).id));
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const companyOf = (sageId: string) => h.hubspot.findBy('companies', 'sage_id', sageId)[0]!.id;

describe('associations kept current', () => {
  it('a quote moved to another customer in Sage moves its deal; an unmoved quote is not touched again', async () => {
    const moved = h.sage.direct.create('sales_quotes', {
      contact_id: customers[0],
      date: '2026-11-20',
      expiry_date: '2026-12-20',
      quote_lines: [{ description: 'Site', quantity: 1, unit_price: 1000 }],
    });
    const stays = h.sage.direct.create('sales_quotes', {
      contact_id: customers[2],
      date: '2026-11-20',
      expiry_date: '2026-12-20',
      quote_lines: [{ description: 'Logo', quantity: 1, unit_price: 300 }],
    });
    await h.run({ mode: 'full', trigger: 'test' });
    const deal = h.hubspot.findBy('deals', 'sage_id', String(moved.id))[0]!;
    expect(h.hubspot.associations('deals', deal.id, 'companies')).toEqual([companyOf(customers[0]!)]);

    h.sage.direct.update('sales_quotes', String(moved.id), { contact_id: customers[1] });
    h.hubspot.resetStats();
    const res = await h.run({ mode: 'incremental', trigger: 'test' });
    expect(res.phase).toBe('completed');
    expect(h.hubspot.associations('deals', deal.id, 'companies')).toEqual([companyOf(customers[1]!)]);
    expect(h.hubspot.associations('companies', companyOf(customers[0]!), 'deals')).toEqual([]);
    expect(h.hubspot.findBy('deals', 'sage_id', String(moved.id))).toHaveLength(1);
    const by = h.hubspot.stats().byRoute;
    expect(by['POST /crm/v4/associations/deals/companies/batch/archive']).toBe(1);
    expect(by['POST /crm/v4/associations/deals/companies/batch/associate/default']).toBe(1);

    // a further run finds nothing to move, and the other deal kept its company throughout
    h.hubspot.resetStats();
    await h.run({ mode: 'full', trigger: 'test' });
    expect(h.hubspot.stats().byRoute['POST /crm/v4/associations/deals/companies/batch/archive']).toBeUndefined();
    const other = h.hubspot.findBy('deals', 'sage_id', String(stays.id))[0]!;
    expect(h.hubspot.associations('deals', other.id, 'companies')).toEqual([companyOf(customers[2]!)]);
  }, 90_000);
});
