import { describe, expect, it } from 'vitest';
import { afterWrite, mergeRecord } from '../../../activities/sync/conflicts.js';
import { findDuplicates, normalizeName, sharedContacts } from '../../../activities/sync/duplicates.js';
import { canonicalJson, sideHash } from '../../../activities/sync/hashing.js';
import { CUSTOMER, MAPPINGS, QUOTE, customProperties } from '../../../activities/sync/mapping/entities.js';
import { fromHubSpot, fromSage, toHubSpot, toSage } from '../../../activities/sync/mapping/project.js';
import { mayFlowTo, ownedFields, parseRuleOverrides } from '../../../activities/sync/ownership.js';
import { bucketShape } from '../../../activities/sync/rate-limit.js';
import { parseDeletionRules } from '../../../activities/sync/sage-deletions.js';

const sageCustomer = {
  id: 'abc',
  name: 'Boulangerie Dupont SARL',
  reference: 'C00001',
  tax_number: 'FR 83 404833048',
  notes: null,
  main_address: { address_line_1: '1 rue de la Paix', city: 'Paris', postal_code: '75002', country: { id: 'FR', displayed_as: 'France' } },
  main_contact_person: { name: 'Marie Dupont', email: 'Marie@Dupont.fr', telephone: '01 23 45 67 89' },
  currency: { id: 'EUR' },
};

describe('mapping', () => {
  it('projects a Sage customer onto a HubSpot company and its primary contact', () => {
    const canon = fromSage(CUSTOMER, sageCustomer);
    expect(canon).toMatchObject({
      name: 'Boulangerie Dupont SARL',
      vatNumber: 'FR83404833048',
      country: 'FR',
      email: 'marie@dupont.fr',
      phone: '+33123456789',
      currency: 'EUR',
    });
    const view = toHubSpot(CUSTOMER, canon);
    expect(view.companies).toMatchObject({
      name: 'Boulangerie Dupont SARL',
      vat_number: 'FR83404833048',
      country: 'FR',
      zip: '75002',
      sage_reference: 'C00001',
      description: '',
    });
    expect(view.contacts).toEqual({ lastname: 'Marie Dupont', email: 'marie@dupont.fr', phone: '+33123456789' });
    // and back: HubSpot's view reads to the same canonical record
    expect(fromHubSpot(CUSTOMER, view)).toEqual(canon);
  });

  it('writes a nested Sage patch for HubSpot-owned fields only', () => {
    expect(toSage(CUSTOMER, { phone: '+33611223344', country: 'BE' })).toEqual({
      main_contact_person: { telephone: '+33611223344' },
      main_address: { country: { id: 'BE' } },
    });
  });

  it('every mapping has a version, unique fields, and its custom properties are declared', () => {
    for (const m of Object.values(MAPPINGS)) {
      expect(m.version).toBeGreaterThanOrEqual(1);
      expect(new Set(m.fields.map((f) => f.field)).size).toBe(m.fields.length);
    }
    expect(customProperties()).toContainEqual({ object: 'deals', name: 'sage_quote_date', type: 'date' });
    expect(customProperties()).toContainEqual({ object: 'companies', name: 'vat_number', type: 'string' });
  });
});

describe('ownership and conflicts', () => {
  const base = fromSage(CUSTOMER, sageCustomer);

  it('Sage owns billing fields, HubSpot owns sales fields', () => {
    expect(ownedFields(CUSTOMER, 'sage')).toEqual(expect.arrayContaining(['name', 'vatNumber', 'address', 'currency']));
    expect(ownedFields(CUSTOMER, 'hubspot')).toEqual(expect.arrayContaining(['email', 'phone', 'notes']));
    expect(
      mayFlowTo(
        QUOTE.fields.find((f) => f.field === 'amount')!,
        'sage',
      ),
    ).toBe(false);
  });

  it('a change on one side flows to the other', () => {
    const plan = mergeRecord({ mapping: CUSTOMER, base, sage: { ...base, city: 'Lyon' }, hubspot: { ...base, phone: '+33600000000' } });
    expect(plan.toHubSpot).toEqual({ city: 'Lyon' });
    expect(plan.toSage).toEqual({ phone: '+33600000000' });
    expect(plan.conflicts).toEqual([]);
    expect(plan.merged).toMatchObject({ city: 'Lyon', phone: '+33600000000' });
  });

  it('a financial field changed by hand in HubSpot is put back (it only flows from Sage)', () => {
    const q = { title: 'SQ-1', amount: 100, currency: 'EUR', status: 'DRAFT', date: '2026-01-01', expiry: null, notes: null };
    const plan = mergeRecord({ mapping: QUOTE, base: q, sage: q, hubspot: { ...q, amount: 1 } });
    expect(plan.toHubSpot).toEqual({ amount: 100 });
    expect(plan.toSage).toEqual({});
  });

  it('both sides changed: owner wins, newest wins, or held for a person', () => {
    const t0 = new Date('2026-11-21T08:00:00Z');
    const t1 = new Date('2026-11-21T09:00:00Z');
    const plan = mergeRecord({
      mapping: CUSTOMER,
      base,
      sage: { ...base, name: 'S', phone: '+33100000001', email: 's@x.fr' },
      hubspot: { ...base, name: 'H', phone: '+33100000002', email: 'h@x.fr' },
      sageUpdatedAt: t0,
      hubspotUpdatedAt: t1,
    });
    const by = Object.fromEntries(plan.conflicts.map((c) => [c.field, c]));
    expect(by.name).toMatchObject({ rule: 'owner', winner: 'sage', value: 'S' });
    expect(by.phone).toMatchObject({ rule: 'newest', winner: 'hubspot', value: '+33100000002' });
    expect(by.email).toMatchObject({ rule: 'hold', winner: null });
    expect(plan.toHubSpot).toEqual({ name: 'S' });
    expect(plan.toSage).toEqual({ phone: '+33100000002' });
    // held: nothing written either way, the agreed value stays
    expect(plan.merged.email).toBe(base.email);
  });

  it('rules are configurable per field; a held field is not logged twice; a resolution is written to both sides', () => {
    const overrides = parseRuleOverrides(['customer.name=hold']);
    const changed = { mapping: CUSTOMER, base, sage: { ...base, name: 'S' }, hubspot: { ...base, name: 'H' }, overrides };
    expect(mergeRecord(changed).conflicts[0]).toMatchObject({ field: 'name', rule: 'hold', winner: null });
    expect(mergeRecord({ ...changed, held: new Set(['name']) }).conflicts).toEqual([]);
    const resolved = mergeRecord({ ...changed, resolved: { name: 'H' } });
    expect(resolved.toSage).toEqual({ name: 'H' });
    expect(resolved.toHubSpot).toEqual({});
    expect(() => parseRuleOverrides(['customer.name=maybe'])).toThrow(/bad conflict rule/);
    expect(() => parseDeletionRules(['customer=shred'])).toThrow(/bad deletion rule/);
    expect(parseDeletionRules(['quote=hold'])).toEqual({ quote: 'hold' });
  });

  it('same change on both sides is no conflict; a new record goes to HubSpot whole', () => {
    expect(mergeRecord({ mapping: CUSTOMER, base, sage: { ...base, city: 'Nice' }, hubspot: { ...base, city: 'Nice' } }).conflicts).toEqual([]);
    const created = mergeRecord({ mapping: CUSTOMER, base: null, sage: base, hubspot: null });
    expect(Object.keys(created.toHubSpot).sort()).toEqual(CUSTOMER.fields.map((f) => f.field).sort());
    expect(afterWrite(CUSTOMER, null, created.toHubSpot)).toEqual(base);
  });
});

describe('hashing', () => {
  it('is canonical: key order and undefined do not matter; any value change does; so does the mapping version', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: null, c: 'x' }], u: undefined })).toBe('{"a":[1,{"c":"x","d":null}],"b":1}');
    expect(sideHash(1, { a: 1, b: 'x' })).toBe(sideHash(1, { b: 'x', a: 1 }));
    expect(sideHash(1, { a: 1 })).not.toBe(sideHash(1, { a: 2 }));
    expect(sideHash(1, { a: 1 })).not.toBe(sideHash(2, { a: 1 }));
    expect(sideHash(1, { a: '1' })).not.toBe(sideHash(1, { a: 1 }));
  });
});

describe('duplicates', () => {
  it('normalizes company names', () => {
    expect(normalizeName('Boulangerie Dupont S.A.R.L.')).toBe('boulangerie dupont');
    expect(normalizeName('  BOULANGERIE  DUPONT (SARL) ')).toBe('boulangerie dupont');
    expect(normalizeName('Électricité Générale & Fils')).toBe('electricite generale fils');
  });

  it('groups customers by email, VAT and name; the first (or the one already mapped) keeps the contact', () => {
    const groups = findDuplicates([
      { sageId: 'b2', email: 'A@x.fr', vatNumber: null, name: 'Alpha' },
      { sageId: 'a1', email: 'a@x.fr', vatNumber: 'FR83404833048', name: 'Beta SAS' },
      { sageId: 'c3', email: 'c@x.fr', vatNumber: 'fr 83 404833048', name: 'beta' },
      { sageId: 'd4', email: null, vatNumber: null, name: null },
    ]);
    expect(groups).toEqual(
      expect.arrayContaining([
        { rule: 'email', key: 'a@x.fr', sageIds: ['a1', 'b2'], owner: 'a1' },
        { rule: 'vat', key: 'FR83404833048', sageIds: ['a1', 'c3'], owner: 'a1' },
        { rule: 'name', key: 'beta', sageIds: ['a1', 'c3'], owner: 'a1' },
      ]),
    );
    expect(groups).toHaveLength(3);
    expect(sharedContacts(groups)).toEqual(new Map([['b2', 'a1']]));
    const known = findDuplicates([{ sageId: 'a1', email: 'z@x.fr', vatNumber: null, name: null }], new Map([['z@x.fr', 'zz']]));
    expect(known).toEqual([{ rule: 'email', key: 'z@x.fr', sageIds: ['a1', 'zz'], owner: 'zz' }]);
  });
});

describe('rate limit shape', () => {
  it('never lets a window hold more than the limit', () => {
    for (const limit of [100, 190]) {
      const { capacity, refillPerSec } = bucketShape({ name: 'x', limit, windowMs: 10_000, dailyBudget: 1 });
      // headroom below the limit for send-time jitter (test/unit/sync/rate-limit-shape.test.ts)
      expect(capacity + refillPerSec * 10).toBeLessThanOrEqual(limit - 1);
      expect(refillPerSec).toBeGreaterThan((limit / 10) * 0.9);
    }
  });
});
