/** The pure parts of a sync batch: matching before creating, the planner and its dry-run report, HubSpot's structured errors, a run's failure. */
import { describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { sideHash } from '../../../activities/sync/hashing.js';
import { conflictingObjectId, structuredError } from '../../../activities/sync/hubspot-errors.js';
import type { HubSpotRecord } from '../../../activities/sync/hubspot-port.js';
import { CUSTOMER } from '../../../activities/sync/mapping/entities.js';
import { fromSage } from '../../../activities/sync/mapping/project.js';
import { matchCompanies, normalizeDomain, searchKeys, type MatchKeys } from '../../../activities/sync/match.js';
import { dryRunReport, MATCH_FIELD, planBatch, unchangedOnSage, type PlanInput } from '../../../activities/sync/plan.js';
import type { SyncIdMapRow } from '../../../db/schema/sync.js';
import { describeFailure } from '../../../workflows/sync.js';

const keys = (sageId: string, k: Partial<MatchKeys>): MatchKeys => ({ sageId, vatNumber: null, domain: null, name: null, postcode: null, ...k });
const company = (id: string, p: Record<string, string | null>) => ({ id, properties: p });

describe('matching before creating', () => {
  const candidates = [
    company('1', { name: 'Boulangerie Dupont', zip: '75002', vat_number: 'FR83404833048', domain: null }),
    company('2', { name: 'Garage Martin SAS', zip: '69001', vat_number: null, domain: 'garage-martin.fr' }),
    company('3', { name: 'Plomberie Roux', zip: '13001', vat_number: null, domain: null }),
    company('4', { name: 'PLOMBERIE ROUX SARL', zip: '13 001', vat_number: null, domain: null }),
  ];
  it('adopts a unique match by VAT, then domain, then normalised name + postcode', () => {
    const r = matchCompanies(
      [
        keys('a', { vatNumber: 'fr 83 404 833 048', name: 'Autre nom', postcode: '69001' }),
        keys('b', { domain: 'https://www.Garage-Martin.fr/contact', name: 'Garage Martin', postcode: '69001' }),
        keys('c', { name: 'Nouveau client', postcode: '75002' }),
      ],
      candidates,
    );
    expect(r.get('a')).toEqual({ kind: 'unique', id: '1', rule: 'vat' });
    expect(r.get('b')).toEqual({ kind: 'unique', id: '2', rule: 'domain' });
    expect(r.has('c')).toBe(false);
  });
  it('holds an ambiguous match with its candidates, and a company two customers both match', () => {
    const r = matchCompanies(
      [
        keys('d', { name: 'Plomberie Roux', postcode: '13001' }),
        keys('e', { vatNumber: 'FR83404833048' }),
        keys('f', { name: 'Boulangerie Dupont S.A.R.L.', postcode: '75002' }),
      ],
      candidates,
    );
    expect(r.get('d')).toEqual({ kind: 'ambiguous', ids: ['3', '4'], rule: 'name+postcode' });
    expect(r.get('e')).toEqual({ kind: 'ambiguous', ids: ['1'], rule: 'vat' });
    expect(r.get('f')).toEqual({ kind: 'ambiguous', ids: ['1'], rule: 'name+postcode' });
  });
  it('searches lower-case keys, and only by postcode when a name goes with it', () => {
    expect(searchKeys([keys('a', { vatNumber: 'FR83404833048', domain: 'WWW.X.FR', postcode: '75002' }), keys('b', { name: 'Y', postcode: '69001' })])).toEqual(
      {
        vats: ['fr83404833048'],
        domains: ['x.fr'],
        postcodes: ['69001'],
      },
    );
    expect(normalizeDomain('not a domain')).toBeNull();
  });
});

const sageCustomer = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  updatedAt: new Date('2026-11-20T10:00:00Z'),
  data: {
    name: `Client ${id}`,
    reference: `C-${id}`,
    main_address: { address_line_1: '1 rue', city: 'Paris', postal_code: '75002', country: { id: 'FR' } },
    main_contact_person: { name: 'X', email: `${id}@example.fr`, telephone: null },
    currency: { id: 'EUR' },
    ...extra,
  },
});
const emptyConflicts = { held: new Map(), resolved: new Map() };
const base = (over: Partial<PlanInput>): PlanInput => ({
  mapping: CUSTOMER,
  ids: [],
  recs: new Map(),
  rows: new Map(),
  prim: new Map(),
  contacts: new Map(),
  conflicts: emptyConflicts,
  shared: new Map(),
  matches: new Map(),
  ...over,
});

describe('planner', () => {
  it('plans create, adopt and held for records HubSpot does not have yet, and reports them for a dry run', () => {
    const recs = new Map(['a', 'b', 'c'].map((id) => [id, sageCustomer(id)]));
    const prim = new Map([['900', { id: '900', properties: { name: 'Client b', sage_id: null, description: 'met at a fair' }, updatedAt: null }]]);
    const items = planBatch(
      base({
        ids: ['a', 'b', 'c'],
        recs,
        prim,
        matches: new Map([
          ['b', { kind: 'unique', id: '900', rule: 'name+postcode' }],
          ['c', { kind: 'ambiguous', ids: ['901', '902'], rule: 'name+postcode' }],
        ]),
      }),
    );
    expect(items.map((i) => i.action)).toEqual(['create', 'adopt', 'held']);
    // adopting keeps what a person wrote in HubSpot for a HubSpot-owned field, and sends it to Sage
    expect(items[1]!.hubRec!.id).toBe('900');
    expect(items[1]!.plan.toSage).toEqual({ notes: 'met at a fair' });
    expect(items[2]!.matchConflict).toMatchObject({
      field: MATCH_FIELD,
      rule: 'hold',
      winner: null,
      hubspot: { rule: 'name+postcode', candidates: [{ id: '901' }, { id: '902' }] },
    });
    const report = dryRunReport(items);
    expect(report.to_hubspot).toMatchObject({ created: 1, updated: 1, conflicts: 1 });
    expect(report.to_sage).toMatchObject({ updated: 1, skipped: 2 });
    expect(report.samples.map((s) => (s as { action: string }).action)).toEqual(['create', 'adopt', 'hold-match']);
  });
  it('follows a person’s choice for a held match, and skips a record already agreed on both sides', () => {
    const recs = new Map([
      ['a', sageCustomer('a')],
      ['b', sageCustomer('b')],
    ]);
    const canon = fromSage(CUSTOMER, recs.get('b')!.data);
    const row = {
      entity: 'customer',
      sage_id: 'b',
      hubspot_id: '77',
      hubspot_contact_id: null,
      sage_hash: sideHash(1, canon),
      hubspot_hash: sideHash(1, canon),
      synced_fields: canon,
      mapping_version: 1,
      deleted_at: null,
    } as unknown as SyncIdMapRow;
    const hubB = {
      id: '77',
      properties: { name: 'Client b', sage_reference: 'C-b', address: '1 rue', city: 'Paris', zip: '75002', country: 'FR', sage_currency: 'EUR', sage_id: 'b' },
      updatedAt: null,
    };
    const prim = new Map<string, HubSpotRecord>([
      ['901', { id: '901', properties: { name: 'Client a', sage_id: null }, updatedAt: null }],
      ['77', hubB],
    ]);
    const contactB = { id: '5', properties: { lastname: 'X', email: 'b@example.fr', sage_id: 'b' }, updatedAt: null };
    const rows = new Map([['b', { ...row, hubspot_contact_id: '5' }]]);
    const conflicts = { held: new Map([['a', new Set([MATCH_FIELD])]]), resolved: new Map([['a', { values: { [MATCH_FIELD]: '901' }, ids: [3] }]]) };
    const items = planBatch(base({ ids: ['a', 'b'], recs, prim, rows, contacts: new Map([['5', contactB]]), conflicts }));
    expect(items.map((i) => [i.action, i.hubRec?.id])).toEqual([
      ['adopt', '901'],
      ['skip', '77'],
    ]);
    expect(items[0]!.resolvedIds).toEqual([3]);
    expect(unchangedOnSage(CUSTOMER, recs, rows, emptyConflicts)).toEqual(new Set(['b']));
  });
});

describe('HubSpot structured errors', () => {
  it('reads the holder of a unique value from context, or from the contact conflict HubSpot answers', () => {
    expect(
      conflictingObjectId(
        structuredError({ status: 'error', category: 'CONFLICT', message: 'Contact already exists. Existing ID: 37765128953', correlationId: 'x' }),
      ),
    ).toBe('37765128953');
    expect(conflictingObjectId(structuredError(JSON.stringify({ status: 'error', category: 'CONFLICT', message: 'exists', context: { id: ['42'] } })))).toBe(
      '42',
    );
    expect(conflictingObjectId(structuredError({ status: 'error', category: 'VALIDATION_ERROR', message: 'Existing ID: 9' }))).toBeNull();
    expect(structuredError('not json')).toBeNull();
  });
});

describe('a run’s failure', () => {
  it('names the activity failure’s cause and entity, not "Activity task failed"', () => {
    const cause = ApplicationFailure.create({
      type: 'HubSpotUnauthorized',
      message: 'HubSpot upsert companies failed (401): bad token',
      nonRetryable: true,
      details: [{ cause: 'HubSpotUnauthorized', entity: 'customer' }],
    });
    const err = new ActivityFailure('Activity task failed', 'syncSagePage', '3', RetryState.NON_RETRYABLE_FAILURE, 'x', cause);
    expect(describeFailure(err, 'quote')).toEqual({
      cause: 'HubSpotUnauthorized',
      entity: 'customer',
      message: 'HubSpot upsert companies failed (401): bad token',
    });
    expect(describeFailure(new Error('boom'), 'invoice')).toEqual({ cause: 'Error', entity: 'invoice', message: 'boom' });
  });
});
