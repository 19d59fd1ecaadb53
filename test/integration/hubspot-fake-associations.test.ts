/**
 * The HubSpot fake through the real `@hubspot/api-client`: v4 associations (default, batch, read
 * from both sides, archive) and invoices through the generic objects API.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '@hubspot/api-client';
import type { HubSpotFake } from '../../sandbox/hubspot/index.js';
import { failure, useFakeWithClient } from '../support/hubspot/sdk-client.js';

let fake: HubSpotFake;
let hs: Client;

useFakeWithClient((started) => {
  ({ fake, hs } = started);
});

describe('HubSpot fake: associations v4', () => {
  it('associates by default (single and batch), reads them back from both sides', async () => {
    const company = await hs.crm.companies.basicApi.create({ properties: { name: 'Duret' }, associations: [] });
    const [c1, c2] = (
      await hs.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: 'a1@duret.fr' }, associations: [] },
          { properties: { email: 'a2@duret.fr' }, associations: [] },
        ],
      })
    ).results;
    const one = await hs.crm.associations.v4.basicApi.createDefault('contacts', c1!.id, 'companies', company.id);
    expect(one.results[0]!.associationSpec.associationTypeId).toBe(279);
    const batch = await hs.crm.associations.v4.batchApi.create('contacts', 'companies', {
      inputs: [{ _from: { id: c2!.id }, to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 279 }] }],
    });
    expect(batch.results).toHaveLength(1);
    const page = await hs.crm.associations.v4.basicApi.getPage('companies', company.id, 'contacts');
    expect(page.results.map((r) => String(r.toObjectId)).sort()).toEqual([c1!.id, c2!.id].sort());
    expect(page.results[0]!.associationTypes[0]!.typeId).toBe(280);
    const read = await hs.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: c1!.id }, { id: c2!.id }] });
    expect(read.results.map((r) => String(r.to[0]!.toObjectId))).toEqual([company.id, company.id]);
    expect(fake.associations('companies', company.id, 'contacts').sort()).toEqual([c1!.id, c2!.id].sort());

    const deal = await hs.crm.deals.basicApi.create({
      properties: { dealname: 'Devis Duret' },
      associations: [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 341 }] }],
    });
    expect(fake.associations('deals', deal.id, 'companies')).toEqual([company.id]);
    const missing = await failure(hs.crm.associations.v4.basicApi.createDefault('contacts', '999999', 'companies', company.id));
    expect(missing.code).toBe(404);

    const withAssoc = await hs.crm.companies.basicApi.getById(company.id, ['name'], undefined, ['contacts', 'deals']);
    expect(withAssoc.associations?.deals?.results.map((r) => r.id)).toEqual([deal.id]);
    expect(withAssoc.associations?.contacts?.results).toHaveLength(2);
    await hs.crm.associations.v4.basicApi.archive('contacts', c1!.id, 'companies', company.id);
    await hs.crm.associations.v4.batchApi.archive('contacts', 'companies', { inputs: [{ _from: { id: c2!.id }, to: [{ id: company.id }] }] });
    expect(fake.associations('companies', company.id, 'contacts')).toEqual([]);
  });

  it('serves invoices through the generic objects API (upsert by sage_id) and notifies them as object.* events', async () => {
    fake.defineProperty('invoices', { name: 'sage_id', hasUniqueValue: true });
    const log = fake.webhooks.log.length;
    const r = await hs.crm.objects.batchApi.upsert('invoices', {
      inputs: [{ id: 'SI-1', idProperty: 'sage_id', properties: { hs_currency: 'EUR', hs_amount_billed: '144.00', hs_invoice_status: 'open' } }],
    });
    expect(r.results[0]!._new).toBe(true);
    const again = await hs.crm.objects.batchApi.upsert('invoices', {
      inputs: [{ id: 'SI-1', idProperty: 'sage_id', properties: { hs_invoice_status: 'paid' } }],
    });
    expect(again.results[0]).toMatchObject({ id: r.results[0]!.id, _new: false });
    const got = await hs.crm.objects.basicApi.getById('invoices', r.results[0]!.id, ['hs_invoice_status', 'hs_amount_billed']);
    expect(got.properties).toMatchObject({ hs_invoice_status: 'paid', hs_amount_billed: '144.00' });
    const events = fake.webhooks.log.slice(log);
    expect(events[0]).toMatchObject({ subscriptionType: 'object.creation', objectTypeId: '0-53' });
    expect(events.some((e) => e.subscriptionType === 'object.propertyChange' && e.propertyName === 'hs_invoice_status' && e.propertyValue === 'paid')).toBe(
      true,
    );
  });
});
