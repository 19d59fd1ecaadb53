import { describe, expect, it } from 'vitest';
import { checkVat, toE164, toIsoCountry, TRANSFORMS } from '../../../activities/sync/mapping/transforms.js';

describe('sync transforms', () => {
  it('writes phone numbers in E.164 whatever the spelling', () => {
    expect(toE164('01 23 45 67 89')).toBe('+33123456789');
    expect(toE164('01.23.45.67.89')).toBe('+33123456789');
    expect(toE164('+33 (0)1 23 45 67 89')).toBe('+33123456789');
    expect(toE164('0033 6 12 34 56 78')).toBe('+33612345678');
    expect(toE164('+33 0 6 12 34 56 78')).toBe('+33612345678');
    expect(toE164('02 123 45 67', 'BE')).toBe('+3221234567');
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958');
    expect(toE164('abc')).toBeNull();
    expect(toE164('12')).toBeNull();
    // unreadable numbers are kept as typed, never dropped
    expect(TRANSFORMS.phone.canon('poste 12', 'sage')).toBe('poste 12');
    expect(TRANSFORMS.phone.canon('  ', 'sage')).toBeNull();
  });

  it('maps country names and codes to ISO 3166 alpha-2', () => {
    expect(toIsoCountry('France')).toBe('FR');
    expect(toIsoCountry('belgique')).toBe('BE');
    expect(toIsoCountry('Royaume-Uni')).toBe('GB');
    expect(toIsoCountry('fr')).toBe('FR');
    expect(toIsoCountry('DEU')).toBe('DE');
    expect(toIsoCountry('Atlantis')).toBe('Atlantis');
    // Sage links {id, displayed_as} read as their id; written back as a link
    expect(TRANSFORMS.country.canon({ id: 'FR', displayed_as: 'France' }, 'sage')).toBe('FR');
    expect(TRANSFORMS.country.out('FR', 'sage')).toEqual({ id: 'FR' });
    expect(TRANSFORMS.country.out('FR', 'hubspot')).toBe('FR');
  });

  it('normalizes VAT numbers and checks the French key', () => {
    // SIREN 404 833 048 -> key (12 + 3 * (404833048 % 97)) % 97 = 83
    expect(checkVat('fr 83 404 833 048')).toEqual({ normalized: 'FR83404833048', valid: true });
    const wrong = checkVat('FR00404833048');
    expect(wrong.valid).toBe(false);
    expect(wrong.reason).toMatch(/should be 83/);
    expect(checkVat('FR83 4048').valid).toBe(false);
    expect(checkVat('DE 123456789')).toEqual({ normalized: 'DE123456789', valid: true });
    expect(checkVat('12345').valid).toBe(false);
    expect(TRANSFORMS.vat.canon('fr-83.404.833.048', 'sage')).toBe('FR83404833048');
  });

  it('reads amounts to the cent and writes strings to HubSpot', () => {
    expect(TRANSFORMS.amount.canon('1234.5', 'sage')).toBe(1234.5);
    expect(TRANSFORMS.amount.canon('1 234,567', 'sage')).toBe(1234.57);
    expect(TRANSFORMS.amount.canon('', 'hubspot')).toBeNull();
    expect(TRANSFORMS.amount.canon('n/a', 'hubspot')).toBeNull();
    expect(TRANSFORMS.amount.out(1800, 'hubspot')).toBe('1800.00');
    expect(TRANSFORMS.currency.canon({ id: 'eur' }, 'sage')).toBe('EUR');
  });

  it('maps statuses both ways and never invents one', () => {
    const t = TRANSFORMS.quoteStage;
    expect(t.canon({ id: 'ACCEPTED', displayed_as: 'Accepted' }, 'sage')).toBe('ACCEPTED');
    expect(t.out('ACCEPTED', 'hubspot')).toBe('closedwon');
    expect(t.canon('closedwon', 'hubspot')).toBe('ACCEPTED');
    expect(t.canon('somethingelse', 'hubspot')).toBeNull();
    expect(TRANSFORMS.invoiceStatus.out('PART_PAID', 'hubspot')).toBe('open');
    expect(TRANSFORMS.ticketStage.out('DONE', 'hubspot')).toBe('4');
  });

  it('dates: YYYY-MM-DD from dates, datetimes and epoch milliseconds', () => {
    expect(TRANSFORMS.date.canon('2026-11-20', 'sage')).toBe('2026-11-20');
    expect(TRANSFORMS.date.canon('2026-11-20T00:00:00.000Z', 'hubspot')).toBe('2026-11-20');
    expect(TRANSFORMS.date.canon(String(Date.UTC(2026, 10, 20)), 'hubspot')).toBe('2026-11-20');
    expect(TRANSFORMS.date.canon('not a date', 'hubspot')).toBeNull();
  });

  it('every transform is idempotent through a round trip (what we write reads back equal)', () => {
    const samples: Record<string, unknown[]> = {
      text: ['  Boulangerie   Dupont ', null],
      email: ['A@B.FR '],
      phone: ['01 23 45 67 89', 'poste 12'],
      country: ['France', { id: 'BE' }],
      vat: ['fr 83 404 833 048'],
      amount: ['12.345', 7],
      currency: [{ id: 'EUR' }],
      date: ['2026-01-02'],
      quoteStage: [{ id: 'PENDING' }],
      invoiceStatus: [{ id: 'PAID' }],
      ticketStage: ['OPEN'],
      ticketPriority: ['HIGH'],
    };
    for (const [name, values] of Object.entries(samples)) {
      const t = TRANSFORMS[name as keyof typeof TRANSFORMS];
      for (const v of values) {
        for (const side of ['sage', 'hubspot'] as const) {
          const c = t.canon(v, 'sage');
          expect(t.canon(t.out(c, side), side), `${name} ${JSON.stringify(v)} via ${side}`).toEqual(c);
        }
      }
    }
  });
});
