import { describe, expect, it } from 'vitest';
import { otherPersons, personHash, planPersons, type PersonRow, type SagePerson } from '../../../activities/sync/contact-persons-plan.js';

const person = (id: string, customer: string, email = `${id}@example.fr`): SagePerson => ({ id, customer, properties: { lastname: id, email } });
const row = (p: SagePerson, over: Partial<PersonRow> = {}): PersonRow => ({
  sageId: p.id,
  hubspotId: `hs-${p.id}`,
  customer: p.customer,
  hash: personHash(p.properties),
  ...over,
});

describe('contact persons: what HubSpot gets', () => {
  it('reads the persons besides the main one, as HubSpot contact properties (E.164 phones, lower-case email)', () => {
    const data = {
      contact_persons: [
        { id: 'm', is_main_contact: true, name: 'Main', email: 'main@x.fr' },
        {
          id: 'p1',
          is_main_contact: false,
          name: ' Jeanne Martin ',
          email: 'Jeanne@X.fr',
          telephone: '01 45 67 89 10',
          mobile: '06 12 34 56 78',
          job_title: 'DAF',
        },
        { id: 'p2', name: 'Sans email' },
        { name: 'no id' },
      ],
    };
    expect(otherPersons('C1', data)).toEqual([
      {
        id: 'p1',
        customer: 'C1',
        properties: { lastname: 'Jeanne Martin', email: 'jeanne@x.fr', phone: '+33145678910', mobilephone: '+33612345678', jobtitle: 'DAF' },
      },
      { id: 'p2', customer: 'C1', properties: { lastname: 'Sans email' } },
    ]);
    expect(otherPersons('C1', {})).toEqual([]);
  });

  it('writes new and changed persons only; links new and moved ones; finds the vanished', () => {
    const same = person('same', 'A');
    const changed = person('changed', 'A');
    const moved = person('moved', 'B');
    const fresh = person('fresh', 'B');
    const rows = new Map<string, PersonRow>([
      [same.id, row(same)],
      [changed.id, row(changed, { hash: 'old' })],
      [moved.id, row(moved, { customer: 'A' })],
      ['gone', { sageId: 'gone', hubspotId: 'hs-gone', customer: 'A', hash: 'h' }],
      ['elsewhere', { sageId: 'elsewhere', hubspotId: 'hs-e', customer: 'Z', hash: 'h' }],
    ]);
    const plan = planPersons(
      new Map([
        ['A', [same, changed]],
        ['B', [moved, fresh]],
      ]),
      rows,
    );
    expect(plan.writes.map((w) => w.id).sort()).toEqual(['changed', 'fresh']);
    expect(plan.links).toEqual([
      { personId: 'moved', customer: 'B', previous: 'A' },
      { personId: 'fresh', customer: 'B', previous: null },
    ]);
    expect(plan.vanished.map((v) => v.sageId)).toEqual(['gone']);
    expect(plan.listed).toHaveLength(4);
  });
});
