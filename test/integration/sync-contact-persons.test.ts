/**
 * Every Sage contact person of a customer becomes a HubSpot contact associated to its company:
 * the main one with the primary-company label (type 1), the others plainly (279 / 280); a person
 * HubSpot already had by email is adopted; a retried page writes nothing twice; a person moved to
 * another customer in Sage leaves the old company and joins the new one; a person deleted in Sage
 * loses its association and its contact is archived (rule `archive`, the default). Real Temporal,
 * PostgreSQL, `@hubspot/api-client` and the Sage adapter against the stand-ins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerBody, HUBSPOT_TOKEN, startSyncHarness, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
let a: Record<string, unknown>;
let b: Record<string, unknown>;
const persons: Record<string, string> = {};
const addressOf = (c: Record<string, unknown>) => String((c.main_address as { id: string }).id);

beforeAll(async () => {
  h = await startSyncHarness();
  a = h.sage.direct.create('contacts', customerBody(1));
  b = h.sage.direct.create('contacts', customerBody(2));
  for (const [key, email, owner] of [
    ['compta', 'compta@client1.fr', a],
    ['achats', 'achats@client1.fr', a],
    ['dsi', 'dsi@client2.fr', b],
  ] as const) {
    persons[key] = String(
      h.sage.direct.create('contact_persons', { address_id: addressOf(owner), name: `Personne ${key}`, email, telephone: '01 45 67 89 10', job_title: key }).id,
    );
  }
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Link = { toObjectId: number; associationTypes: Array<{ category: string; typeId: number }> };
const v4 = async (from: string, id: string, to: string): Promise<Link[]> => {
  const res = await fetch(`${h.hubspot.url}/crm/v4/objects/${from}/${id}/associations/${to}`, { headers: { authorization: `Bearer ${HUBSPOT_TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Link[] }).results;
};
const company = (sageId: unknown) => h.hubspot.findBy('companies', 'sage_id', String(sageId))[0]!.id;
const contactOf = (personId: string) => h.hubspot.findBy('contacts', 'sage_id', personId);
const typesTo = async (contactId: string, companyId: string) =>
  (await v4('contacts', contactId, 'companies')).find((l) => String(l.toObjectId) === companyId)?.associationTypes.map((t) => t.typeId) ?? [];

describe('contact persons', () => {
  it('each becomes a contact of its company: main one primary, others plain; one made by hand in HubSpot is adopted', async () => {
    const byHand = h.hubspot.ui.create('contacts', { email: 'achats@client1.fr', firstname: 'Saisi', lastname: 'à la main' });
    const status = await h.run({ mode: 'full', trigger: 'test' });
    expect(status.phase).toBe('completed');
    const [ca, cb] = [company(a.id), company(b.id)];
    // 2 main contacts + 3 other persons, one of which adopted: 5 contacts, no duplicate email
    const contacts = h.hubspot.objects('contacts');
    expect(contacts).toHaveLength(5);
    expect(new Set(contacts.map((c) => c.properties.email)).size).toBe(5);
    expect(contactOf(persons.achats!)[0]!.id).toBe(byHand.id);
    const compta = contactOf(persons.compta!)[0]!;
    expect(compta.properties).toMatchObject({ lastname: 'Personne compta', email: 'compta@client1.fr', phone: '+33145678910', jobtitle: 'compta' });
    expect(await typesTo(compta.id, ca)).toContain(279);
    expect(await typesTo(compta.id, ca)).not.toContain(1);
    expect(await typesTo(contactOf(persons.dsi!)[0]!.id, cb)).toContain(279);
    const main = h.hubspot.findBy('contacts', 'sage_id', String(a.id))[0]!;
    expect(await typesTo(main.id, ca)).toContain(1);
    expect(h.hubspot.associations('companies', ca, 'contacts').sort()).toEqual([main.id, compta.id, byHand.id].sort());
    const back = (await v4('companies', ca, 'contacts')).find((l) => String(l.toObjectId) === compta.id)!;
    expect(back.associationTypes.map((t) => t.typeId)).toContain(280);
  }, 60_000);

  it('a page retried after a lost answer writes no contact or association twice; a second run writes nothing', async () => {
    h.sage.direct.create('contact_persons', { address_id: addressOf(b), name: 'Personne support', email: 'support@client2.fr' });
    // the association call is applied but its answer lost: the activity is retried
    h.hubspot.failNext({ method: 'POST', path: /associations\/contacts\/companies\/batch\/associate\/default/, status: 502, count: 5, afterApply: true });
    h.hubspot.resetStats();
    expect((await h.run({ mode: 'incremental', trigger: 'test' })).phase).toBe('completed');
    expect(h.hubspot.findBy('contacts', 'email', 'support@client2.fr')).toHaveLength(1);
    expect(h.hubspot.objects('contacts')).toHaveLength(6);
    const support = h.hubspot.findBy('contacts', 'email', 'support@client2.fr')[0]!;
    expect(h.hubspot.associations('contacts', support.id, 'companies')).toEqual([company(b.id)]);
    h.hubspot.resetStats();
    await h.run({ mode: 'full', trigger: 'test' });
    const writes = Object.entries(h.hubspot.stats().byRoute).filter(([route]) => /^POST .*contacts.*(upsert|create|associate)/.test(route));
    expect(writes).toEqual([]);
  }, 60_000);

  it('a person moved to another customer leaves the old company and joins the new one', async () => {
    const before = contactOf(persons.compta!)[0]!.id;
    h.sage.direct.update('contact_persons', persons.compta!, { address_id: addressOf(b) });
    expect((await h.run({ mode: 'incremental', trigger: 'test' })).phase).toBe('completed');
    const [ca, cb] = [company(a.id), company(b.id)];
    expect(contactOf(persons.compta!).map((c) => c.id)).toEqual([before]);
    expect(h.hubspot.associations('contacts', before, 'companies')).toEqual([cb]);
    expect(await typesTo(before, cb)).toContain(279);
    expect(h.hubspot.associations('companies', ca, 'contacts')).not.toContain(before);
  }, 60_000);

  it('a person deleted in Sage loses its association and its contact is archived', async () => {
    const dsi = contactOf(persons.dsi!)[0]!.id;
    h.sage.direct.delete('contact_persons', persons.dsi!);
    expect((await h.run({ mode: 'incremental', trigger: 'test' })).phase).toBe('completed');
    expect(h.hubspot.objects('contacts').map((c) => c.id)).not.toContain(dsi);
    expect(h.hubspot.associations('companies', company(b.id), 'contacts')).not.toContain(dsi);
    const row = await h.t.db
      .selectFrom('sync_id_map')
      .selectAll()
      .where('entity', '=', 'contact_person')
      .where('sage_id', '=', persons.dsi!)
      .executeTakeFirstOrThrow();
    expect(row.deletion).toBe('archived');
    // a full run does not bring it back
    await h.run({ mode: 'full', trigger: 'test' });
    expect(contactOf(persons.dsi!)).toHaveLength(0);
  }, 60_000);
});
