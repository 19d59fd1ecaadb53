/**
 * The Sage Business Cloud adapter's records against the stateful Sage fake and a real PostgreSQL:
 * paging by `$next`, incremental cursors, deletions, changes while paging, quotes and invoices,
 * writes and upserts by reference.
 */
import { describe, expect, it } from 'vitest';
import type { SageFake } from '../../sandbox/sage/index.js';
import { failure, useSeededSage, type SeededSage } from '../support/sage/adapter.js';

let sage: SageFake;
let adapter: SeededSage['adapter'];
let offset = 0;
const clock = () => Date.now() + offset;
useSeededSage(clock, (w) => {
  ({ sage, adapter } = w);
  offset += 60_000;
});

describe('Sage adapter: incremental reads', () => {
  let cursor: string;

  it('pages through every customer by $next (suppliers left out), with the full record', async () => {
    const s = adapter();
    sage.resetStats();
    const seen: string[] = [];
    let page: string | null = null;
    let pages = 0;
    do {
      const r = await s.customers.listChanged(null, page, 20);
      seen.push(...r.items.map((i) => i.id));
      page = r.next;
      cursor = r.cursor;
      pages++;
    } while (page);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(45);
    expect(sage.stats().byRoute['GET /v3.1/contacts']).toBe(3);
    const one = (await s.customers.get(seen[0]!))!;
    expect(one.data).toMatchObject({
      email: expect.stringMatching(/@exemple\.fr$/),
      main_address: { city: 'Lyon', country: { id: 'FR' } },
      currency: { id: 'EUR' },
    });
    expect(one.updatedAt).toBeInstanceOf(Date);
    expect(Date.parse(cursor)).toBeLessThanOrEqual(clock());
    expect(Date.parse(cursor)).toBeGreaterThan(clock() - 5_000);
  });

  it('reads only what changed since the cursor, and the deletions since it', async () => {
    offset += 60_000;
    const all = sage.list('contacts').filter((c) => String(c.name).startsWith('Client'));
    sage.direct.update('contacts', String(all[3]!.id), { telephone: '06 11 22 33 44' });
    sage.direct.update('contacts', String(all[40]!.id), { name: 'Client renommé' });
    sage.direct.delete('contacts', String(all[7]!.id));
    const s = adapter();
    const r = await s.customers.listChanged(new Date(cursor), null, 20);
    expect(r.next).toBeNull();
    expect(r.items.map((i) => i.id).sort()).toEqual([String(all[3]!.id), String(all[40]!.id)].sort());
    expect(r.items.find((i) => i.id === all[40]!.id)!.data.name).toBe('Client renommé');
    expect(await s.customers.listDeleted(new Date(cursor))).toEqual([String(all[7]!.id)]);
    expect(await s.customers.get(String(all[7]!.id))).toBeNull();
    // The cursor keeps a margin: changes from the same instant are handed back once more...
    offset += 60_000;
    const again = await s.customers.listChanged(new Date(r.cursor), null, 20);
    expect(again.items.map((i) => i.id).sort()).toEqual(r.items.map((i) => i.id).sort());
    // ...and once the dust has settled, nothing.
    expect((await s.customers.listChanged(new Date(again.cursor), null, 20)).items).toEqual([]);
    expect(await s.customers.listDeleted(new Date(again.cursor))).toEqual([]);
  });

  it('loses nothing when records change or vanish while it pages', async () => {
    offset += 60_000;
    const s = adapter();
    const live = () =>
      sage
        .list('contacts')
        .filter((c) => (c.contact_types as Array<{ id: string }>).some((x) => x.id === 'CUSTOMER'))
        .map((c) => String(c.id));
    const first = await s.customers.listChanged(null, null, 10);
    const seen = new Set(first.items.map((i) => i.id));
    // Meanwhile in Sage: two records read on page 1 are deleted, one not yet read is edited.
    sage.direct.delete('contacts', first.items[0]!.id);
    sage.direct.delete('contacts', first.items[1]!.id);
    const unread = live().find((id) => !seen.has(id))!;
    offset += 5_000;
    sage.direct.update('contacts', unread, { notes: 'modifié pendant la lecture' });
    let page = first.next;
    let cursor = first.cursor;
    while (page) {
      const r = await s.customers.listChanged(null, page, 10);
      r.items.forEach((i) => seen.add(i.id));
      page = r.next;
      cursor = r.cursor;
    }
    const changedAfter = await s.customers.listChanged(new Date(cursor), null, 200);
    changedAfter.items.forEach((i) => seen.add(i.id));
    for (const id of live()) expect(seen.has(id)).toBe(true);
  });

  it('lists quotes and invoices with their lines and totals', async () => {
    const c = sage.list('contacts')[10]!;
    const q = sage.direct.create('sales_quotes', {
      contact_id: c.id,
      date: '2026-11-20',
      expiry_date: '2026-12-20',
      quote_lines: [
        { description: 'Tableau électrique', quantity: 1, unit_price: 850, tax_rate_id: 'FR_INTERMEDIATE' },
        { description: "Main d'œuvre", quantity: 3, unit_price: 55.5 },
      ],
    });
    sage.direct.create('sales_invoices', {
      contact_id: c.id,
      date: '2026-11-21',
      due_date: '2026-12-21',
      invoice_lines: [{ description: 'Dépannage', quantity: 1, unit_price: 120 }],
    });
    const s = adapter();
    const quotes = await s.quotes.listChanged(null, null, 50);
    expect(quotes.items).toHaveLength(1);
    expect(quotes.items[0]!.data).toMatchObject({
      id: q.id,
      quote_number: 'SQ-1',
      net_amount: '1016.50',
      tax_amount: '118.30',
      total_amount: '1134.80',
      contact: { id: c.id },
      status: { id: 'DRAFT' },
    });
    const invoices = await s.invoices.listChanged(null, null, 50);
    expect(invoices.items[0]!.data).toMatchObject({ invoice_number: 'SI-1', total_amount: '144.00', outstanding_amount: '144.00', status: { id: 'UNPAID' } });
    const accepted = await s.quotes.update(String(q.id), { status: { id: 'ACCEPTED' }, notes: 'Signé par le client' });
    expect(accepted.data).toMatchObject({ status: { id: 'ACCEPTED' }, notes: 'Signé par le client' });
  });
});

describe('Sage adapter: writes', () => {
  it('updates a customer from a read-shaped patch; bad input is a non-retryable SageValidationError', async () => {
    const s = adapter();
    const id = String(sage.list('contacts')[5]!.id);
    const r = await s.customers.update(id, {
      telephone: '+32 2 000 00 00',
      website: 'https://duret.example',
      main_address: { city: 'Bruxelles', country: { id: 'BE' } },
    });
    expect(r.data).toMatchObject({
      telephone: '+32 2 000 00 00',
      website: 'https://duret.example',
      main_address: { city: 'Bruxelles', postal_code: '69002', country: { id: 'BE' } },
    });
    expect(sage.get('contacts', id)).toMatchObject({ main_address: { city: 'Bruxelles' } });
    const bad = await failure(s.customers.update(id, { email: 'pas-un-email' }));
    expect(bad.type).toBe('SageValidationError');
    expect(bad.nonRetryable).toBe(true);
    expect(bad.message).toContain('main_contact_person.email');
    const missing = await failure(s.customers.update('0'.repeat(32), { name: 'x' }));
    expect(missing.type).toBe('SageNotFound');
  });

  it('upserts a customer by reference: a second call updates, never a second customer', async () => {
    const s = adapter();
    const first = await s.upsertCustomer('HS-9001', { name: 'Nouvelle SARL', email: 'contact@nouvelle.fr' });
    expect(first.created).toBe(true);
    const again = await s.upsertCustomer('hs-9001', { name: 'Nouvelle SAS' });
    expect(again).toMatchObject({ created: false, record: { id: first.record.id } });
    const holders = sage.list('contacts').filter((c) => String(c.reference).toUpperCase() === 'HS-9001');
    expect(holders).toHaveLength(1);
    expect(holders[0]).toMatchObject({ name: 'Nouvelle SAS', email: 'contact@nouvelle.fr', contact_types: [{ id: 'CUSTOMER' }] });
  });
});
