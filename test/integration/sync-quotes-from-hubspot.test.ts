/**
 * Deals created in HubSpot become Sage quotes under the agency's rule (default: deal stage
 * reaching "contract sent"): through the signed webhook + batcher and through the scheduled runs;
 * one quote per deal however often it is retried (a page failing after the Sage creation is
 * played again); held for a person when Sage's required data (the customer, the amount) is
 * missing, then created once fixed. Real Temporal, PostgreSQL, `@hubspot/api-client` and the Sage
 * adapter against the stand-ins, in order on one pair of stand-ins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerBody, startSyncHarness, until, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
let customer: string;
let company: string;
const quotesFor = (dealId: string) => h.sage.list('sales_quotes').filter((q) => q.reference === `HS-DEAL-${dealId}`);
const heldQuotes = () => h.t.db.selectFrom('sync_conflicts').selectAll().where('entity', '=', 'quote').where('field', '=', '__create__').execute();

beforeAll(async () => {
  h = await startSyncHarness();
  customer = String(h.sage.direct.create('contacts', customerBody(1)).id);
  await h.run({ mode: 'full', trigger: 'test' });
  company = h.hubspot.findBy('companies', 'sage_id', customer)[0]!.id;
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('HubSpot deals -> Sage quotes', () => {
  let deal: string;

  it('a deal in an early stage stays in HubSpot; reaching "contract sent" it becomes one Sage quote of its customer, through the webhook', async () => {
    const d = h.hubspot.ui.create('deals', { dealname: 'Refonte du site', amount: '1200', dealstage: 'appointmentscheduled', closedate: '2099-01-31' });
    h.hubspot.ui.associate('deals', d.id, 'companies', company);
    deal = d.id;
    await h.run({ mode: 'incremental', trigger: 'test' });
    expect(quotesFor(deal)).toHaveLength(0);

    h.hubspot.ui.update('deals', deal, { dealstage: 'contractsent' });
    const made = await until(
      () => quotesFor(deal),
      (q) => q.length > 0,
      20_000,
    );
    expect(made).toHaveLength(1);
    const q = made[0]!;
    expect((q.contact as { id: string }).id).toBe(customer);
    expect(q).toMatchObject({ total_amount: '1200.00', expiry_date: '2099-01-31', status: { id: 'SENT' } });
    expect((q.quote_lines as Array<{ description: string }>).map((l) => l.description)).toEqual(['Refonte du site']);
    // Linked: the deal carries the quote's Sage id, the id map knows it, the deal stays on its company and stage.
    const row = await until(
      () => h.t.db.selectFrom('sync_id_map').selectAll().where('entity', '=', 'quote').where('sage_id', '=', String(q.id)).executeTakeFirst(),
      (r) => !!r,
      10_000,
    );
    expect(row!.hubspot_id).toBe(deal);
    expect(h.hubspot.get('deals', deal)!.properties).toMatchObject({ sage_id: String(q.id), dealstage: 'contractsent', amount: '1200.00' });
    expect(h.hubspot.associations('deals', deal, 'companies')).toEqual([company]);
  }, 60_000);

  it('more events, a full and an incremental run never make a second quote or deal', async () => {
    h.hubspot.ui.update('deals', deal, { description: 'Avec maintenance' });
    await h.run({ mode: 'full', trigger: 'test' });
    await h.run({ mode: 'incremental', trigger: 'test' });
    expect(quotesFor(deal)).toHaveLength(1);
    expect(h.sage.list('sales_quotes')).toHaveLength(1);
    expect(h.hubspot.objects('deals')).toHaveLength(1);
  }, 60_000);

  it('a page failing after the Sage creation is played again: still one quote', async () => {
    // Tagging the deal fails past the client's own retries: the activity fails and is retried
    // (whichever path, webhook or run, gets to the deal first).
    h.hubspot.resetStats();
    h.hubspot.failNext({ method: 'POST', path: /objects\/deals\/batch\/update/, status: 503, count: 5 });
    const d = h.hubspot.ui.create('deals', { dealname: 'Hébergement 2027', amount: '600', dealstage: 'closedwon' });
    h.hubspot.ui.associate('deals', d.id, 'companies', company);
    expect((await h.run({ mode: 'incremental', trigger: 'test' })).phase).toBe('completed');
    await until(() => h.hubspot.get('deals', d.id)!.properties.sage_id, Boolean, 20_000);
    const refused = h.hubspot.stats().log.filter((r) => /objects\/deals\/batch\/update/.test(r.path) && r.status === 503);
    expect(refused).toHaveLength(5);
    const made = quotesFor(d.id);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ status: { id: 'ACCEPTED' }, total_amount: '600.00' });
    expect(h.hubspot.get('deals', d.id)!.properties.sage_id).toBe(String(made[0]!.id));
    expect(h.hubspot.objects('deals')).toHaveLength(2);
  }, 90_000);

  it('a deal with no customer or no amount is held once for a person, then created when fixed', async () => {
    const orphan = h.hubspot.ui.create('deals', { dealname: 'Sans société', amount: '300', dealstage: 'contractsent' });
    const free = h.hubspot.ui.create('deals', { dealname: 'Sans montant', dealstage: 'contractsent' });
    h.hubspot.ui.associate('deals', free.id, 'companies', company);
    await h.run({ mode: 'incremental', trigger: 'test' });
    await h.run({ mode: 'full', trigger: 'test' });
    const held = await heldQuotes();
    expect(held.map((c) => [c.sage_id, (c.hubspot_value as { missing: string[] }).missing]).sort()).toEqual(
      [
        [`hubspot-deal:${free.id}`, ['amount']],
        [`hubspot-deal:${orphan.id}`, ['customer']],
      ].sort(),
    );
    expect(held.every((c) => c.status === 'held')).toBe(true);
    expect(quotesFor(orphan.id)).toHaveLength(0);
    expect(quotesFor(free.id)).toHaveLength(0);

    h.hubspot.ui.associate('deals', orphan.id, 'companies', company);
    h.hubspot.ui.update('deals', free.id, { amount: '450' });
    await h.run({ mode: 'full', trigger: 'test' });
    expect(quotesFor(orphan.id)).toHaveLength(1);
    expect(quotesFor(free.id)).toHaveLength(1);
    expect((await heldQuotes()).every((c) => c.status === 'applied')).toBe(true);
  }, 90_000);
});
