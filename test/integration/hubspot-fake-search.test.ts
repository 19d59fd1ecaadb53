/**
 * The HubSpot fake through the real `@hubspot/api-client`: CRM search filters, sorts, the after
 * cursor and the changed-since query the sync engine pages with.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '@hubspot/api-client';
import { failure, useFakeWithClient } from '../support/hubspot/sdk-client.js';

let hs: Client;

useFakeWithClient((started) => {
  ({ hs } = started);
});

describe('HubSpot fake: search', () => {
  it('filters (EQ, IN, GT, HAS_PROPERTY), sorts and pages with the after cursor', async () => {
    const inputs = Array.from({ length: 250 }, (_, i) => ({
      properties: { dealname: `Devis ${String(i).padStart(3, '0')}`, amount: String(i * 10), ...(i % 2 === 0 ? { description: 'pair' } : {}) },
      associations: [],
    }));
    for (let i = 0; i < inputs.length; i += 100) await hs.crm.deals.batchApi.create({ inputs: inputs.slice(i, i + 100) });

    const names: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await hs.crm.deals.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'GT' as never, value: '995' }] }],
        sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }] as never,
        properties: ['dealname', 'amount'],
        limit: 100,
        ...(after ? { after } : {}),
      });
      expect(page.total).toBe(150);
      names.push(...page.results.map((r) => r.properties.dealname!));
      after = page.paging?.next?.after;
      pages++;
    } while (after);
    expect(pages).toBe(2);
    expect(names).toHaveLength(150);
    expect(new Set(names).size).toBe(150);
    expect(names[0]).toBe('Devis 249');
    expect(names.at(-1)).toBe('Devis 100');

    const inSet = await hs.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'IN' as never, values: ['Devis 001', 'Devis 002'] }] }],
      properties: ['dealname'],
      limit: 10,
    });
    expect(inSet.results.map((r) => r.properties.dealname).sort()).toEqual(['Devis 001', 'Devis 002']);
    const has = await hs.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'description', operator: 'HAS_PROPERTY' as never }] }],
      limit: 1,
    });
    expect(has.total).toBe(125);
    const or = await hs.crm.deals.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'dealname', operator: 'EQ' as never, value: 'Devis 007' }] },
        { filters: [{ propertyName: 'amount', operator: 'EQ' as never, value: '80' }] },
      ],
      limit: 10,
    });
    expect(or.total).toBe(2);

    const tooBig = await failure(hs.crm.deals.searchApi.doSearch({ limit: 201 }));
    expect(tooBig.code).toBe(400);
    const badOp = await failure(
      hs.crm.deals.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'ABOUT' as never, value: '1' }] }], limit: 1 }),
    );
    expect(badOp.code).toBe(400);
  });

  it('finds objects changed since a time by hs_lastmodifieddate GT (epoch ms)', async () => {
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    const c = await hs.crm.companies.basicApi.create({ properties: { name: 'Changée' }, associations: [] });
    const r = await hs.crm.companies.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GT' as never, value: String(t0) }] }],
      limit: 100,
    });
    expect(r.results.map((x) => x.id)).toEqual([c.id]);
  });
});
