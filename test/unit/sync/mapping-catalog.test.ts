import type { HubSpotObject } from '../../../core/contracts/sync.js';
import { describe, expect, it } from 'vitest';
import { CUSTOMER } from '../../../activities/sync/mapping/entities.js';
import { previewChange, validateFields, type PropertyDef } from '../../../activities/sync/mapping/catalog.js';
import type { FieldMapping } from '../../../activities/sync/mapping/types.js';

const defs = new Map<HubSpotObject, Map<string, PropertyDef>>([
  ['companies', new Map(['name', 'domain', 'city', 'zip', 'country', 'address', 'description'].map((n) => [n, { name: n, type: 'string', readOnly: false }]))],
  [
    'contacts',
    new Map<string, PropertyDef>([
      ...['email', 'lastname', 'phone'].map((n): [string, PropertyDef] => [n, { name: n, type: 'string', readOnly: false }]),
      ['hs_object_id', { name: 'hs_object_id', type: 'number', readOnly: true }],
    ]),
  ],
]);
const f = (x: Partial<FieldMapping>): FieldMapping => ({
  field: 'website',
  sage: 'website',
  hubspot: 'domain',
  transform: 'text',
  owner: 'sage',
  direction: 'to_hubspot',
  conflict: 'owner',
  ...x,
});

describe('mapping validation', () => {
  it('accepts the built-in customer mapping plus a field on an existing property', () => {
    expect(validateFields(CUSTOMER, [...CUSTOMER.fields, f({})], defs)).toEqual([]);
  });
  it('names each problem by path', () => {
    const errors = validateFields(
      CUSTOMER,
      [
        f({}),
        f({}),
        f({ field: 'a', object: 'deals' }),
        f({ field: 'b', hubspot: 'sage_id' }),
        f({ field: 'c', object: 'contacts', hubspot: 'hs_object_id' }),
        f({ field: 'd', hubspot: 'nope', sage: 'nope', transform: 'nope' as FieldMapping['transform'] }),
      ],
      defs,
    );
    expect(errors.map((e) => e.path)).toEqual([
      'fields.1.field',
      'fields.1.hubspot',
      'fields.2.object',
      'fields.3.hubspot',
      'fields.4.hubspot',
      'fields.5.transform',
      'fields.5.sage',
      'fields.5.hubspot',
    ]);
  });
  it('a read-only property may only feed Sage; a custom sage_ property is created by the setup step', () => {
    expect(validateFields(CUSTOMER, [f({ object: 'contacts', hubspot: 'hs_object_id', direction: 'to_sage', sage: 'notes' })], defs)).toEqual([]);
    expect(validateFields(CUSTOMER, [f({ hubspot: 'sage_website' })], defs)).toEqual([]);
  });
});

describe('preview of a change', () => {
  it('lists per record the HubSpot properties whose written value changes', () => {
    const proposed = { ...CUSTOMER, fields: [...CUSTOMER.fields.filter((x) => x.field !== 'notes'), f({})] };
    const out = previewChange(CUSTOMER, proposed, [{ id: 's1', data: { name: 'A', website: 'a.fr', notes: 'hello' } }]);
    expect(out).toEqual([
      {
        sageId: 's1',
        changes: [
          { object: 'companies', property: 'description', before: 'hello', after: null },
          { object: 'companies', property: 'domain', before: null, after: 'a.fr' },
        ],
      },
    ]);
  });
});
