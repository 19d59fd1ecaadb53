import { describe, expect, it } from 'vitest';
import { CUSTOMER } from '../../../activities/sync/mapping/entities.js';
import { parseCreateRule, primaryContactId, qualifies, sageCustomerFields } from '../../../activities/sync/sage-create-plan.js';

const rec = (properties: Record<string, string | null>) => ({ id: '1', properties, updatedAt: null });

describe('HubSpot -> Sage creation rule', () => {
  it('lifecycle stage customer (the default) also takes evangelist, not lead or other', () => {
    const r = parseCreateRule('lifecyclestage=customer')!;
    expect(qualifies(r, { lifecyclestage: 'customer' })).toBe(true);
    expect(qualifies(r, { lifecyclestage: 'evangelist' })).toBe(true);
    expect(qualifies(r, { lifecyclestage: 'lead' })).toBe(false);
    expect(qualifies(r, { lifecyclestage: 'other' })).toBe(false);
    expect(qualifies(r, {})).toBe(false);
  });
  it('a property flag, case-insensitive; off creates nothing', () => {
    const r = parseCreateRule('sync_to_sage=true')!;
    expect(qualifies(r, { sync_to_sage: 'TRUE' })).toBe(true);
    expect(qualifies(r, { sync_to_sage: 'false' })).toBe(false);
    expect(parseCreateRule('off')).toBeNull();
  });
  it('the primary contact (company_to_contact type 2) first, else the first associated', () => {
    expect(
      primaryContactId([
        { id: '7', typeIds: [280] },
        { id: '9', typeIds: [2, 280] },
      ]),
    ).toBe('9');
    expect(primaryContactId([{ id: '7', typeIds: [280] }])).toBe('7');
    expect(primaryContactId([])).toBeUndefined();
  });
});

describe('Sage fields from a company and its contact', () => {
  it('maps address, country, VAT and the contact person through the transforms; no reference', () => {
    const { fields, missing } = sageCustomerFields(
      CUSTOMER,
      rec({ name: 'Acme', address: '1 rue', city: 'Lyon', zip: '69002', country: 'France', vat_number: 'fr 83 404833048', sage_reference: 'X' }),
      rec({ lastname: 'Durand', email: 'A@B.FR', phone: '04 72 00 11 22' }),
      [],
    );
    expect(missing).toEqual([]);
    expect(fields).toEqual({
      name: 'Acme',
      tax_number: 'FR83404833048',
      main_address: { address_line_1: '1 rue', city: 'Lyon', postal_code: '69002', country: { id: 'FR' } },
      main_contact_person: { name: 'Durand', email: 'a@b.fr', telephone: '+33472001122' },
    });
  });
  it('names what Sage requires that is missing: name always, plus the agency list', () => {
    expect(sageCustomerFields(CUSTOMER, rec({ city: 'Nantes' }), undefined, []).missing).toEqual(['name']);
    expect(sageCustomerFields(CUSTOMER, rec({ name: 'X', city: 'Nantes' }), undefined, ['postcode', 'email']).missing).toEqual(['postcode', 'email']);
  });
});
