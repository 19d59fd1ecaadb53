/**
 * The HubSpot fake through the real `@hubspot/api-client`: properties (unique sage_id), batch upsert
 * by a unique property, validation, and the unique contact email, as the sync engine relies on them.
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

describe('HubSpot fake: properties and batch upsert', () => {
  it('creates sage_id as a unique property once; a second create is 409 OBJECT_ALREADY_EXISTS', async () => {
    const created = await hs.crm.properties.coreApi.create('companies', {
      name: 'sage_id',
      label: 'Sage id',
      type: 'string' as never,
      fieldType: 'text' as never,
      groupName: 'companyinformation',
      hasUniqueValue: true,
    });
    expect(created.name).toBe('sage_id');
    expect(created.hasUniqueValue).toBe(true);
    const again = await failure(
      hs.crm.properties.coreApi.create('companies', {
        name: 'sage_id',
        label: 'Sage id',
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'companyinformation',
        hasUniqueValue: true,
      }),
    );
    expect(again.code).toBe(409);
    expect(again.body.category).toBe('OBJECT_ALREADY_EXISTS');
    const all = await hs.crm.properties.coreApi.getAll('companies');
    expect(all.results.filter((p) => p.name === 'sage_id')).toHaveLength(1);
    const bad = await failure(
      hs.crm.properties.coreApi.create('companies', { name: 'Bad Name', label: 'x', type: 'string' as never, fieldType: 'text' as never, groupName: 'g' }),
    );
    expect(bad.code).toBe(400);
  });

  it('batch upsert by sage_id creates, then updates the same objects: never a duplicate', async () => {
    const inputs = (suffix: string) =>
      ['C001', 'C002', 'C003'].map((id) => ({ id, idProperty: 'sage_id', properties: { name: `Client ${id} ${suffix}`, city: 'Lyon' } }));
    const first = await hs.crm.companies.batchApi.upsert({ inputs: inputs('v1') });
    expect(first.status).toBe('COMPLETE');
    expect(first.results.map((r) => r._new)).toEqual([true, true, true]);
    expect(first.results.map((r) => r.properties.sage_id)).toEqual(['C001', 'C002', 'C003']);
    const ids = first.results.map((r) => r.id);
    const before = fake.get('companies', ids[0]!)!.properties.hs_lastmodifieddate!;
    await new Promise((r) => setTimeout(r, 5));

    const second = await hs.crm.companies.batchApi.upsert({ inputs: inputs('v2') });
    expect(second.results.map((r) => r._new)).toEqual([false, false, false]);
    expect(second.results.map((r) => r.id)).toEqual(ids);
    expect(fake.objects('companies').filter((c) => c.properties.sage_id?.startsWith('C00'))).toHaveLength(3);
    const after = fake.get('companies', ids[0]!)!;
    expect(after.properties.name).toBe('Client C001 v2');
    expect(Date.parse(after.properties.hs_lastmodifieddate!)).toBeGreaterThan(Date.parse(before));
    expect(after.updatedAt).toBe(after.properties.hs_lastmodifieddate);
  });

  it('a response lost after the write: the retried upsert finds the object (new: false)', async () => {
    fake.failNext({ path: '/batch/upsert', status: 502, afterApply: true });
    const input = { inputs: [{ id: 'C900', idProperty: 'sage_id', properties: { name: 'Lost response' } }] };
    const lost = await failure(hs.crm.companies.batchApi.upsert(input));
    expect(lost.code).toBe(502);
    const retry = await hs.crm.companies.batchApi.upsert(input);
    expect(retry.results[0]!._new).toBe(false);
    expect(fake.findBy('companies', 'sage_id', 'C900')).toHaveLength(1);
  });

  it('rejects bad input with 400 VALIDATION_ERROR and writes nothing', async () => {
    const count = fake.objects('companies').length;
    const unknown = await failure(hs.crm.companies.basicApi.create({ properties: { name: 'X', not_a_property: '1' }, associations: [] }));
    expect(unknown.code).toBe(400);
    expect(unknown.body.category).toBe('VALIDATION_ERROR');
    expect(String(unknown.body.message)).toContain('PROPERTY_DOESNT_EXIST');
    const nan = await failure(hs.crm.deals.basicApi.create({ properties: { dealname: 'D', amount: 'douze' }, associations: [] }));
    expect(nan.code).toBe(400);
    expect(String(nan.body.message)).toContain('INVALID_DECIMAL');
    const noIdProperty = await failure(hs.crm.companies.batchApi.upsert({ inputs: [{ id: 'C1', properties: { name: 'x' } }] }));
    expect(noIdProperty.code).toBe(400);
    const notUnique = await failure(hs.crm.companies.batchApi.upsert({ inputs: [{ id: 'Lyon', idProperty: 'city', properties: {} }] }));
    expect(notUnique.code).toBe(400);
    const dup = await failure(
      hs.crm.companies.batchApi.upsert({
        inputs: [
          { id: 'C500', idProperty: 'sage_id', properties: { name: 'a' } },
          { id: 'C500', idProperty: 'sage_id', properties: { name: 'b' } },
        ],
      }),
    );
    expect(dup.code).toBe(400);
    const tooMany = await failure(
      hs.crm.companies.batchApi.create({
        inputs: Array.from({ length: 101 }, (_, i) => ({ properties: { name: `n${i}` }, associations: [] })),
      }),
    );
    expect(tooMany.code).toBe(400);
    expect(String(tooMany.body.message)).toContain('100');
    expect(fake.objects('companies')).toHaveLength(count);
  });
});

describe('HubSpot fake: unique contact email', () => {
  it('a second contact with the same email (any case) is 409 CONFLICT naming the existing id', async () => {
    const a = await hs.crm.contacts.basicApi.create({ properties: { email: 'Marie@Exemple.fr', firstname: 'Marie' }, associations: [] });
    expect(a.properties.email).toBe('marie@exemple.fr');
    const b = await failure(hs.crm.contacts.basicApi.create({ properties: { email: 'marie@exemple.FR' }, associations: [] }));
    expect(b.code).toBe(409);
    expect(b.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${a.id}` });

    const batch = await failure(
      hs.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: 'paul@exemple.fr' }, associations: [] },
          { properties: { email: 'PAUL@exemple.fr' }, associations: [] },
        ],
      }),
    );
    expect(batch.code).toBe(409);
    expect(fake.findBy('contacts', 'email', 'paul@exemple.fr')).toHaveLength(0);

    const badEmail = await failure(hs.crm.contacts.basicApi.create({ properties: { email: 'not-an-email' }, associations: [] }));
    expect(badEmail.code).toBe(400);
    expect(String(badEmail.body.message)).toContain('INVALID_EMAIL');

    const upserted = await hs.crm.contacts.batchApi.upsert({ inputs: [{ id: 'marie@exemple.fr', idProperty: 'email', properties: { lastname: 'Curie' } }] });
    expect(upserted.results[0]).toMatchObject({ id: a.id, _new: false });
    await hs.crm.contacts.basicApi.archive(a.id);
    const reused = await hs.crm.contacts.basicApi.create({ properties: { email: 'marie@exemple.fr' }, associations: [] });
    expect(reused.id).not.toBe(a.id);
  });

  it("sage_id defined unique on contacts: updating one contact to another one's value is 409", async () => {
    fake.defineProperty('contacts', { name: 'sage_id', hasUniqueValue: true });
    const [x, y] = (
      await hs.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: 'x@exemple.fr', sage_id: 'S1' }, associations: [] },
          { properties: { email: 'y@exemple.fr', sage_id: 'S2' }, associations: [] },
        ],
      })
    ).results;
    const clash = await failure(hs.crm.contacts.basicApi.update(y!.id, { properties: { sage_id: 'S1' } }));
    expect(clash.code).toBe(409);
    expect(clash.body.category).toBe('CONFLICT');
    expect(String(clash.body.message)).toContain(x!.id);
    const byUnique = await hs.crm.contacts.basicApi.getById('S2', ['email'], undefined, undefined, false, 'sage_id');
    expect(byUnique.id).toBe(y!.id);
    const read = await hs.crm.contacts.batchApi.read({
      idProperty: 'sage_id',
      inputs: [{ id: 'S1' }, { id: 'S404' }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.properties.email)).toEqual(['x@exemple.fr']);
    expect((read as unknown as { errors: Array<{ category: string; context: { ids: string[] } }> }).errors[0]).toMatchObject({
      category: 'OBJECT_NOT_FOUND',
      context: { ids: ['S404'] },
    });
  });
});
