/**
 * Ownership that fits each object, and deletions made in HubSpot: a ticket's stage and owner are
 * HubSpot's once it exists (a closed ticket stays closed; our interventions row follows it), and
 * a deal archived in HubSpot is held for a person, then re-created or mirrored (the Sage quote
 * deleted) as the person chooses, never silently re-created. Real Temporal, PostgreSQL,
 * `@hubspot/api-client` and the Sage adapter against the stand-ins, through the signed webhooks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerBody, startSyncHarness, until, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
let customer: string;
beforeAll(async () => {
  h = await startSyncHarness();
  customer = String(h.sage.direct.create('contacts', customerBody(1)).id);
  await h.run({ mode: 'full', trigger: 'test' }); // the customer is known: interventions may name it
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const intervention = (id: number) => h.t.db.selectFrom('interventions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const heldDeletion = () => h.t.db.selectFrom('sync_conflicts').selectAll().where('field', '=', '__hubspot_deleted__').execute();

describe("ticket stage and owner are HubSpot's once the ticket exists", () => {
  it('a ticket closed and assigned in HubSpot stays so; the intervention follows; our own edits still reach the ticket', async () => {
    const res = await h.call('/v1/interventions', {
      method: 'POST',
      body: JSON.stringify({
        customerSageId: customer,
        subject: 'Tableau électrique',
        priority: 'HIGH',
        status: 'SCHEDULED',
        scheduledAt: '2026-12-10T09:00:00+01:00',
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: number };
    await h.run({ mode: 'full', trigger: 'test' });
    const ticket = h.hubspot.findBy('tickets', 'sage_id', `INT-${id}`)[0]!;
    expect(ticket.properties.hs_pipeline_stage).toBe('2');
    const read = async () => (await (await h.call(`/v1/interventions/${id}`)).json()) as Record<string, unknown>;
    expect(await read()).toMatchObject({ hubspotTicketId: ticket.id, hubspotStage: '2', hubspotOwnerId: null, status: 'SCHEDULED' });

    h.hubspot.ui.update('tickets', ticket.id, { hs_pipeline_stage: '4', hubspot_owner_id: '7701' });
    const row = await until(
      () => intervention(id),
      (r) => r.status === 'DONE' && r.hubspot_owner_id === '7701',
      20_000,
    );
    expect(row).toMatchObject({ status: 'DONE', hubspot_owner_id: '7701' });
    // The API gives the ticket as HubSpot has it: closed (stage 4), assigned.
    const one = await until(read, (r) => r.hubspotStage === '4', 20_000);
    expect(one).toMatchObject({ hubspotTicketId: ticket.id, hubspotStage: '4', hubspotOwnerId: '7701', status: 'DONE' });
    const list = (await (await h.call(`/v1/interventions?customerSageId=${customer}`)).json()) as {
      interventions: Array<Record<string, unknown>>;
      total: number;
    };
    expect(list.total).toBe(1);
    expect(list.interventions[0]).toMatchObject({ id, hubspotTicketId: ticket.id, hubspotStage: '4', hubspotOwnerId: '7701' });

    await h.run({ mode: 'full', trigger: 'test' });
    await h.t.db.updateTable('interventions').set({ subject: 'Tableau électrique (2e visite)', updated_at: new Date() }).where('id', '=', id).execute();
    const inc = await h.run({ mode: 'incremental', trigger: 'test' });
    expect(inc.phase).toBe('completed');
    const after = h.hubspot.get('tickets', ticket.id)!.properties;
    expect(after).toMatchObject({ subject: 'Tableau électrique (2e visite)', hs_pipeline_stage: '4', hubspot_owner_id: '7701' });
    expect((await intervention(id)).status).toBe('DONE');
    expect(h.hubspot.findBy('tickets', 'sage_id', `INT-${id}`)).toHaveLength(1);
  }, 90_000);
});

describe('a deal archived in HubSpot', () => {
  it('is held for a person, not re-created; choice "sage" re-creates it once', async () => {
    const quote = h.sage.direct.create('sales_quotes', {
      contact_id: customer,
      date: '2026-11-20',
      expiry_date: '2026-12-20',
      quote_lines: [{ description: 'Câblage', quantity: 1, unit_price: 900 }],
    });
    await h.run({ mode: 'full', trigger: 'test' });
    const deal = h.hubspot.findBy('deals', 'sage_id', String(quote.id))[0]!;
    h.hubspot.ui.archive('deals', deal.id);
    const held = await until(heldDeletion, (r) => r.length === 1, 20_000);
    expect(held[0]).toMatchObject({ status: 'held', entity: 'quote', sage_id: String(quote.id) });
    await h.run({ mode: 'full', trigger: 'test' });
    expect(h.hubspot.findBy('deals', 'sage_id', String(quote.id))).toHaveLength(0);
    expect(await heldDeletion()).toHaveLength(1);

    const r = await h.call(`/v1/sync/conflicts/${held[0]!.id}/resolve`, { method: 'POST', body: JSON.stringify({ choice: 'sage' }) });
    expect(r.status).toBe(202);
    await h.client.workflow.getHandle(((await r.json()) as { runId: string }).runId).result();
    const again = h.hubspot.findBy('deals', 'sage_id', String(quote.id));
    expect(again).toHaveLength(1);
    expect(again[0]!.id).not.toBe(deal.id);
    expect(h.hubspot.associations('deals', again[0]!.id, 'companies')).toHaveLength(1);
    expect((await heldDeletion())[0]!.status).toBe('applied');
  }, 90_000);

  it('choice "hubspot" mirrors the deletion: the Sage quote is deleted and the record stays out of HubSpot', async () => {
    const quote = h.sage.direct.create('sales_quotes', {
      contact_id: customer,
      date: '2026-11-21',
      expiry_date: '2026-12-21',
      quote_lines: [{ description: 'Borne', quantity: 1, unit_price: 1500 }],
    });
    await h.run({ mode: 'full', trigger: 'test' });
    const deal = h.hubspot.findBy('deals', 'sage_id', String(quote.id))[0]!;
    h.hubspot.ui.archive('deals', deal.id);
    const held = await until(
      async () => (await heldDeletion()).filter((c) => c.sage_id === String(quote.id)),
      (r) => r.length === 1,
      20_000,
    );
    const r = await h.call(`/v1/sync/conflicts/${held[0]!.id}/resolve`, { method: 'POST', body: JSON.stringify({ choice: 'hubspot' }) });
    expect(r.status).toBe(202);
    await h.client.workflow.getHandle(((await r.json()) as { runId: string }).runId).result();
    expect(h.sage.get('sales_quotes', String(quote.id))!.deleted_at).toBeTruthy();
    const row = await h.t.db
      .selectFrom('sync_id_map')
      .selectAll()
      .where('entity', '=', 'quote')
      .where('sage_id', '=', String(quote.id))
      .executeTakeFirstOrThrow();
    expect(row.deletion).toBe('mirrored');
    await h.run({ mode: 'full', trigger: 'test' });
    expect(h.hubspot.findBy('deals', 'sage_id', String(quote.id))).toHaveLength(0);
  }, 90_000);
});
