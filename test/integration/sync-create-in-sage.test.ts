/**
 * HubSpot -> Sage creation under the agency's rule (default: lifecycle stage reaches "customer"),
 * through the signed webhook + batcher and through the scheduled full run: real Temporal,
 * PostgreSQL, `@hubspot/api-client` and the Sage adapter against the stand-ins. In order, on one
 * pair of stand-ins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskQueueFor } from '../../core/temporal.js';
import { startSyncHarness, until, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
const sageByRef = (ref: string) => h.sage.list('contacts').filter((c) => c.reference === ref);
const idMapFor = (companyId: string) =>
  h.t.db.selectFrom('sync_id_map').selectAll().where('entity', '=', 'customer').where('hubspot_id', '=', companyId).execute();
const heldCreations = () => h.t.db.selectFrom('sync_conflicts').selectAll().where('field', '=', '__create__').execute();

beforeAll(async () => {
  h = await startSyncHarness();
  await h.run({ mode: 'full', trigger: 'test' }); // properties set up, cursors started
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('HubSpot -> Sage creation', () => {
  let acme: string;
  let acmeContact: string;

  it('a lead stays in HubSpot; once its lifecycle stage reaches customer the webhook path creates one Sage customer with its contact', async () => {
    const company = h.hubspot.ui.create('companies', {
      name: 'Acme Électricité',
      lifecyclestage: 'lead',
      address: '4 rue Haute',
      city: 'Lyon',
      zip: '69002',
      country: 'France',
    });
    const contact = h.hubspot.ui.create('contacts', { email: 'claire@acme-elec.fr', lastname: 'Durand', phone: '04 72 00 11 22' });
    h.hubspot.ui.associate('companies', company.id, 'contacts', contact.id);
    acme = company.id;
    acmeContact = contact.id;
    // The webhook batch for the lead is synced: nothing made in Sage.
    await until(
      () => h.t.db.selectFrom('sync_runs').select('id').where('trigger', '=', 'hubspot-webhook').where('status', '=', 'completed').execute(),
      (r) => r.length >= 1,
      20_000,
    );
    expect(sageByRef(`HS-${acme}`)).toHaveLength(0);

    h.hubspot.ui.update('companies', acme, { lifecyclestage: 'customer' });
    const made = await until(
      () => sageByRef(`HS-${acme}`),
      (r) => r.length > 0,
      20_000,
    );
    expect(made).toHaveLength(1);
    const c = made[0]!;
    expect(c).toMatchObject({ name: 'Acme Électricité', main_address: { address_line_1: '4 rue Haute', city: 'Lyon', postal_code: '69002' } });
    expect((c.main_address as { country: { id: string } }).country.id).toBe('FR');
    expect(c.main_contact_person).toMatchObject({ name: 'Durand', email: 'claire@acme-elec.fr', telephone: '+33472001122' });
    expect((c.contact_types as Array<{ id: string }>).map((t) => t.id)).toEqual(['CUSTOMER']);
    // Linked both ways: sage_id on the company and its contact, the Sage reference back in HubSpot, the id map.
    const rows = await until(
      () => idMapFor(acme),
      (r) => r.length === 1 && !!r[0]!.hubspot_contact_id,
      10_000,
    );
    expect(rows[0]).toMatchObject({ sage_id: String(c.id), hubspot_id: acme, hubspot_contact_id: acmeContact });
    expect(h.hubspot.get('companies', acme)!.properties).toMatchObject({ sage_id: String(c.id) });
    expect(h.hubspot.get('contacts', acmeContact)!.properties.sage_id).toBe(String(c.id));
    await until(
      () => h.hubspot.get('companies', acme)!.properties.sage_reference,
      (v) => v === `HS-${acme}`,
      10_000,
    );
    expect(h.hubspot.objects('companies')).toHaveLength(1);
    expect(h.hubspot.objects('contacts')).toHaveLength(1);
  }, 60_000);

  it('more events for the same company, a full run and a replay never make a second Sage customer', async () => {
    h.hubspot.ui.update('companies', acme, { description: 'Client depuis 2026' });
    await until(
      () => h.sage.list('contacts').find((c) => c.reference === `HS-${acme}`)?.notes,
      (n) => n === 'Client depuis 2026',
      20_000,
    );
    const report = await h.run({ mode: 'full', trigger: 'test' });
    expect(report.phase).toBe('completed');
    expect(sageByRef(`HS-${acme}`)).toHaveLength(1);
    expect(h.sage.list('contacts')).toHaveLength(1);
    expect(h.hubspot.objects('companies')).toHaveLength(1);
    expect(h.hubspot.objects('contacts')).toHaveLength(1);
    expect(await idMapFor(acme)).toHaveLength(1);
  }, 60_000);

  it('a customer Sage already holds under the reference (an attempt cut short after Sage answered) is reused, not duplicated', async () => {
    h.hubspot.webhooks.configure({ sources: [] });
    const company = h.hubspot.ui.create('companies', { name: 'Boulangerie Petit', lifecyclestage: 'customer', zip: '31000' });
    h.sage.direct.create('contacts', { name: 'Boulangerie Petit', reference: `HS-${company.id}`, contact_type_ids: ['CUSTOMER'] });
    const run = await h.run({ mode: 'full', trigger: 'test' });
    expect(run.phase).toBe('completed');
    const made = sageByRef(`HS-${company.id}`);
    expect(made).toHaveLength(1);
    expect((made[0]!.main_address as { postal_code: string }).postal_code).toBe('31000');
    expect(h.hubspot.get('companies', company.id)!.properties.sage_id).toBe(String(made[0]!.id));
    expect(await idMapFor(company.id)).toHaveLength(1);
    h.hubspot.webhooks.configure({ sources: ['CRM_UI'] });
  }, 60_000);

  it('missing data Sage requires holds the creation for a person (logged once, with the reason); fixed in HubSpot, it proceeds', async () => {
    const company = h.hubspot.ui.create('companies', { lifecyclestage: 'customer', city: 'Nantes' });
    const held = await until(heldCreations, (r) => r.length === 1, 20_000);
    expect(held[0]).toMatchObject({ status: 'held', sage_id: `hubspot:${company.id}`, entity: 'customer' });
    expect(held[0]!.hubspot_value).toMatchObject({ companyId: company.id, missing: ['name'] });
    await h.run({ mode: 'full', trigger: 'test' });
    expect(await heldCreations()).toHaveLength(1);
    expect(h.sage.list('contacts').filter((c) => c.main_address && (c.main_address as { city: string }).city === 'Nantes')).toHaveLength(0);
    const { conflicts } = (await (await h.call('/v1/sync/conflicts?status=held')).json()) as { conflicts: Array<{ field: string }> };
    expect(conflicts.map((c) => c.field)).toContain('__create__');

    h.hubspot.ui.update('companies', company.id, { name: 'Menuiserie Ouest' });
    const made = await until(
      () => sageByRef(`HS-${company.id}`),
      (r) => r.length > 0,
      20_000,
    );
    expect(made).toHaveLength(1);
    expect(made[0]!.name).toBe('Menuiserie Ouest');
    expect((await until(heldCreations, (r) => r[0]!.status === 'applied', 10_000))[0]!.status).toBe('applied');
  }, 60_000);

  it('a company that is not a customer is never created; a dry run reports a creation and writes nothing', async () => {
    h.hubspot.webhooks.configure({ sources: [] });
    const prospect = h.hubspot.ui.create('companies', { name: 'Prospect SA', lifecyclestage: 'opportunity' });
    const fresh = h.hubspot.ui.create('companies', { name: 'Nouveau Client SARL', lifecyclestage: 'evangelist' });
    const before = h.sage.list('contacts').length;
    const runId = `sync-dry-${fresh.id}`;
    await h.client.workflow.execute('crmSync', {
      workflowId: runId,
      taskQueue: taskQueueFor('sync', h.config.TASK_QUEUE_PREFIX),
      args: [{ mode: 'full', dryRun: true }],
    });
    const detail = (await (await h.call(`/v1/sync/runs/${runId}`)).json()) as { report: Array<{ entity: string; direction: string; created: number }> };
    expect(detail.report.find((r) => r.entity === 'customer' && r.direction === 'to_sage')!.created).toBeGreaterThanOrEqual(1);
    expect(h.sage.list('contacts')).toHaveLength(before);
    await h.run({ mode: 'full', trigger: 'test' });
    expect(sageByRef(`HS-${fresh.id}`)).toHaveLength(1);
    expect(sageByRef(`HS-${prospect.id}`)).toHaveLength(0);
    expect(h.hubspot.get('companies', prospect.id)!.properties.sage_id).toBeUndefined();
    h.hubspot.webhooks.configure({ sources: ['CRM_UI'] });
  }, 60_000);
});
