import { describe, expect, it } from 'vitest';
import { compareListings, fingerprint, fingerprintKeys } from '../../activities/watches/match/fingerprint.js';
import type { ListingLike } from '../../activities/watches/match/criteria.js';

// The same flat listed by two agencies, each with its own wording and rounding.
const a: ListingLike = {
  title: 'Appartement T3 lumineux – Bastille',
  price: 485_000,
  transaction: 'sale',
  surface: 68,
  rooms: 3,
  bedrooms: 2,
  propertyType: 'apartment',
  postalCode: '75011',
  city: 'Paris',
  description:
    "Au 4e étage avec ascenseur d'un bel immeuble haussmannien, appartement traversant de 68 m² : séjour lumineux ouvrant sur un balcon filant, cuisine équipée, deux chambres. Cave. Proche métro Bastille.",
};
const b: ListingLike = {
  title: 'Paris 11e – Bel appartement 3 pièces traversant avec balcon',
  price: 479_000,
  transaction: 'sale',
  surface: 67.5,
  rooms: 3,
  propertyType: 'apartment',
  postalCode: '75011',
  city: 'PARIS',
  description:
    'Bel immeuble haussmannien, 4e étage avec ascenseur : appartement traversant, séjour lumineux sur balcon filant, cuisine équipée, deux chambres, cave. Métro Bastille à proximité.',
};

describe('compareListings', () => {
  it('links the same flat across agencies and keeps the evidence', () => {
    const v = compareListings(a, b);
    expect(v.duplicate).toBe(true);
    expect(v.score).toBeGreaterThanOrEqual(0.6);
    expect(v.evidence).toMatchObject({ surfaceDiffPct: 0.74, priceDiffPct: 1.24, sameRooms: true, sameLocality: true, sameType: true });
    expect(v.evidence.descriptionSimilarity).toBeGreaterThan(0.2);
    expect(compareListings(b, a)).toEqual(v);
  });
  it.each<[string, ListingLike]>([
    ['surface beyond 2 %', { ...b, surface: 64 }],
    ['another room count', { ...b, rooms: 4 }],
    ['another postal code', { ...b, postalCode: '75012' }],
    ['price beyond 5 %', { ...b, price: 430_000 }],
    ['a house, not a flat', { ...b, propertyType: 'house' }],
    ['a rent', { ...b, transaction: 'rent', price: 2_400 }],
    ['no surface', { ...b, surface: undefined }],
  ])('keeps apart: %s', (_why, other) => expect(compareListings(a, other).duplicate).toBe(false));

  it('without a price on one side, it needs similar text', () => {
    expect(compareListings(a, { ...b, price: undefined }).duplicate).toBe(true);
    expect(compareListings(a, { ...b, price: undefined, title: 'Annonce 58421', description: 'Contactez-nous.' }).duplicate).toBe(false);
  });
  it('land and parking have no rooms on either side', () => {
    const land: ListingLike = { title: 'Terrain à bâtir', price: 189_000, surface: 1_050, propertyType: 'land', postalCode: '44240' };
    expect(compareListings(land, { ...land, title: 'Terrain constructible viabilisé', price: 185_000, surface: 1_040 }).duplicate).toBe(true);
  });
  it('uses the city when a postal code is missing', () => {
    expect(compareListings({ ...a, postalCode: undefined }, { ...b, postalCode: undefined }).evidence.sameLocality).toBe(true);
    expect(compareListings({ ...a, postalCode: undefined, city: undefined }, { ...b, postalCode: undefined }).evidence.sameLocality).toBe(false);
  });
});

describe('fingerprint', () => {
  it('is a coarse key shared by near-identical listings, empty without locality or surface', () => {
    expect(fingerprint(a)).toMatch(/^fp1:75011:apartment:3:\d+$/);
    expect(fingerprint(a)).toBe(fingerprint({ ...a, surface: 68.4, price: 1, title: 'autre' }));
    expect(fingerprint({ ...a, rooms: 4 })).not.toBe(fingerprint(a));
    expect(fingerprint({ ...a, postalCode: undefined })).toMatch(/^fp1:paris:/);
    expect(fingerprint({ ...a, postalCode: undefined, city: undefined })).toBe('');
    expect(fingerprint({ ...a, surface: undefined })).toBe('');
  });
  it('two surfaces within 2 % always share a key of fingerprintKeys', () => {
    for (let s = 10; s < 2_000; s += 0.7) {
      const other = s * 1.0199;
      const ka = fingerprintKeys({ ...a, surface: s });
      const kb = fingerprintKeys({ ...a, surface: other });
      expect(
        ka.some((k) => kb.includes(k)),
        `${s} vs ${other}`,
      ).toBe(true);
      expect(ka[0]).toBe(fingerprint({ ...a, surface: s }));
    }
  });
});

describe('compareListings at the tolerance edges', () => {
  it('numbers at the edge of every tolerance and nothing else in common are not enough', () => {
    const x: ListingLike = { title: 'Annonce 1', price: 100_000, surface: 50, rooms: 2, propertyType: 'apartment', postalCode: '69003' };
    const y: ListingLike = { title: 'Réf 99', price: 95_100, surface: 49.05, rooms: 2, propertyType: 'apartment', postalCode: '69003' };
    const v = compareListings(x, y);
    expect(v.evidence.surfaceDiffPct).toBeLessThanOrEqual(2);
    expect(v.evidence.priceDiffPct).toBeLessThanOrEqual(5);
    expect(v.duplicate).toBe(false);
  });
});
