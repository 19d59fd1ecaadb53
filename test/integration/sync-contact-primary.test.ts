/**
 * A customer's contact has the customer's company as its primary company (HubSpot v4 association
 * label, HUBSPOT_DEFINED type 1 / 2 on the company's side); a contact shared by two customers is
 * primary for its owner only, plainly associated to the other. Read back through HubSpot's v4 API
 * on the stand-in. Real Temporal, PostgreSQL, `@hubspot/api-client` and the Sage adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerBody, HUBSPOT_TOKEN, startSyncHarness, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
const ids: string[] = [];
beforeAll(async () => {
  h = await startSyncHarness();
  ids.push(String(h.sage.direct.create('contacts', customerBody(1)).id));
  ids.push(String(h.sage.direct.create('contacts', customerBody(2, { main_contact_person: { name: 'Commun', email: 'client1@example.fr' } })).id));
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const v4 = async (from: string, id: string, to: string) => {
  const res = await fetch(`${h.hubspot.url}/crm/v4/objects/${from}/${id}/associations/${to}`, { headers: { authorization: `Bearer ${HUBSPOT_TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ toObjectId: number; associationTypes: Array<{ category: string; typeId: number }> }> }).results;
};

describe("primary company of a customer's contact", () => {
  it('own contact: primary both ways; a shared contact: primary for its owner only', async () => {
    await h.run({ mode: 'full', trigger: 'test' });
    // both customers carry the same email: the lowest Sage id owns the contact (Sage ids are random
    // hex, so which of the two that is differs from run to run)
    const [owner, sharer] = [...ids].sort();
    const company1 = h.hubspot.findBy('companies', 'sage_id', owner!)[0]!.id;
    const company2 = h.hubspot.findBy('companies', 'sage_id', sharer!)[0]!.id;
    const contacts = h.hubspot.objects('contacts');
    expect(contacts).toHaveLength(1);
    const contact = contacts[0]!.id;
    const links = await v4('contacts', contact, 'companies');
    const to1 = links.find((l) => String(l.toObjectId) === company1)!;
    const to2 = links.find((l) => String(l.toObjectId) === company2)!;
    expect(to1.associationTypes).toEqual(expect.arrayContaining([{ category: 'HUBSPOT_DEFINED', typeId: 1, label: null }]));
    expect(to2.associationTypes.map((t) => t.typeId)).not.toContain(1);
    expect(to2.associationTypes.map((t) => t.typeId)).toContain(279);
    const back = await v4('companies', company1, 'contacts');
    expect(back[0]!.associationTypes.map((t) => t.typeId)).toContain(2);
  }, 60_000);
});
