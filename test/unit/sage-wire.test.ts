import { describe, expect, it } from 'vitest';
import {
  cursorFrom,
  decodePageToken,
  describeSageError,
  encodePageToken,
  sageSince,
  serverTime,
  toSourceRecord,
  toWriteBody,
} from '../../activities/sync/sage/wire.js';

describe('Sage wire helpers', () => {
  it('turns a read-shaped patch into a write body: links become *_id, read-only attributes are dropped', () => {
    const body = toWriteBody('customers', {
      name: 'Duret Électricité',
      telephone: '+33 4 72 00 00 00',
      currency: { id: 'EUR', displayed_as: 'Euro', $path: '/currencies/EUR' },
      main_address: { city: 'Lyon', country: { id: 'FR' } },
      updated_at: '2026-11-21T08:00:00Z',
      displayed_as: 'x',
    });
    expect(body).toEqual({
      contact: { name: 'Duret Électricité', telephone: '+33 4 72 00 00 00', currency_id: 'EUR', main_address: { city: 'Lyon', country_id: 'FR' } },
    });
    expect(toWriteBody('quotes', { status: { id: 'ACCEPTED' }, notes: null, total_amount: '12.00' })).toEqual({
      sales_quote: { status_id: 'ACCEPTED', notes: null },
    });
    expect(toWriteBody('invoices', { invoice_lines: [{ description: 'Pose', tax_rate: { id: 'FR_STANDARD' }, net_amount: '1' }] })).toEqual({
      sales_invoice: { invoice_lines: [{ description: 'Pose', tax_rate_id: 'FR_STANDARD' }] },
    });
    expect(toWriteBody('customers', { main_address: { country: null } })).toEqual({ contact: { main_address: { country_id: null } } });
  });

  it('round-trips the page token and refuses a forged or broken one', () => {
    const t = { p: 3, t: 120, s: 1_763_712_000_000, r: 0 };
    expect(decodePageToken(encodePageToken(t))).toEqual(t);
    expect(() => decodePageToken('not-base64-json')).toThrow(/malformed/);
    expect(() => decodePageToken(Buffer.from(JSON.stringify({ p: 0, t: 1, s: 1, r: 0 })).toString('base64url'))).toThrow(/malformed/);
    expect(() => decodePageToken(Buffer.from('{"p":"1"}').toString('base64url'))).toThrow(/malformed/);
  });

  it("takes the cursor from Sage's clock minus a margin, to the second", () => {
    const start = serverTime('Sat, 21 Nov 2026 08:00:10 GMT', 0);
    expect(cursorFrom(start)).toBe('2026-11-21T08:00:08Z');
    expect(serverTime(null, 42)).toBe(42);
    expect(serverTime('garbage', 42)).toBe(42);
    expect(sageSince(new Date('2026-11-21T08:00:08.999Z'))).toBe('2026-11-21T08:00:08Z');
  });

  it('describes Sage error arrays and OAuth errors', () => {
    expect(describeSageError([{ $severity: 'error', $dataCode: 'RecordInvalid', $message: 'has already been taken', $source: 'reference' }])).toEqual({
      code: 'RecordInvalid',
      message: 'reference: has already been taken',
    });
    expect(describeSageError({ error: 'invalid_grant', error_description: 'used' })).toEqual({ code: 'invalid_grant', message: 'used' });
    expect(describeSageError('<html>')).toEqual({ code: 'Error', message: '<html>' });
  });

  it('keeps the record as Sage sent it, with its updated_at as a Date', () => {
    const r = toSourceRecord({ id: 'abc', updated_at: '2026-11-21T08:00:00Z', name: 'X' });
    expect(r).toEqual({ id: 'abc', updatedAt: new Date('2026-11-21T08:00:00Z'), data: { id: 'abc', updated_at: '2026-11-21T08:00:00Z', name: 'X' } });
    expect(toSourceRecord({ id: 1 }).updatedAt).toBeNull();
  });
});
