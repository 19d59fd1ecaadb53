import { describe, expect, it } from 'vitest';
import { AlertCriteriaSchema, buildMatcher, matches, type AlertCriteria, type ListingLike } from '../../activities/watches/match/index.js';
import { randomAlerts, randomListings, rng } from '../support/watches-data.js';

const flat: ListingLike = {
  title: 'Appartement T3 lumineux avec balcon',
  description: 'Au 4e étage avec ascenseur, cave.',
  price: 485_000,
  transaction: 'sale',
  surface: 68,
  rooms: 3,
  bedrooms: 2,
  propertyType: 'apartment',
  postalCode: '75011',
  city: 'Paris',
  features: ['balcony', 'elevator'],
};

describe('AlertCriteriaSchema', () => {
  it.each([
    {},
    { priceMin: 200_000, priceMax: 500_000, propertyTypes: ['apartment'], roomsMin: 3, postalCodes: ['75015'] },
    { postalCodes: ['75', '06600', '20'], cities: ['Paris'], keywords: ['balcon', '-rez-de-chaussée'], transaction: 'rent' },
    { propertyTypes: [], postalCodes: [], cities: [], keywords: [] },
    { priceMin: 300_000, priceMax: 300_000 },
  ])('accepts %j', (c) => expect(AlertCriteriaSchema.safeParse(c).success).toBe(true));

  it.each([
    [{ priceMin: 500_000, priceMax: 200_000 }, 'priceMin'],
    [{ surfaceMin: 100, surfaceMax: 50 }, 'surfaceMin'],
    [{ roomsMin: 5, roomsMax: 2 }, 'roomsMin'],
    [{ priceMin: -1 }, 'priceMin'],
    [{ surfaceMax: -20 }, 'surfaceMax'],
    [{ roomsMin: 2.5 }, 'roomsMin'],
    [{ postalCodes: ['7501'] }, 'postalCodes'],
    [{ postalCodes: ['750111'] }, 'postalCodes'],
    [{ postalCodes: ['00100'] }, 'postalCodes'],
    [{ postalCodes: ['99'] }, 'postalCodes'],
    [{ postalCodes: ['75O11'] }, 'postalCodes'],
    [{ propertyTypes: ['castle'] }, 'propertyTypes'],
    [{ transaction: 'lease' }, 'transaction'],
    [{ keywords: ['-'] }, 'keywords'],
    [{ cities: [''] }, 'cities'],
    [{ priceMax: Number.POSITIVE_INFINITY }, 'priceMax'],
    [{ priceMax: '500000' }, 'priceMax'],
    [{ budget: 3 }, ''],
  ] as const)('rejects %j', (c, path) => {
    const r = AlertCriteriaSchema.safeParse(c);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => String(i.path[0] ?? ''))).toContain(path);
  });
});

describe('matches', () => {
  it.each<[AlertCriteria, boolean]>([
    [{}, true],
    [{ priceMin: 200_000, priceMax: 500_000 }, true],
    [{ priceMax: 400_000 }, false],
    [{ priceMin: 485_000, priceMax: 485_000 }, true],
    [{ surfaceMin: 60, surfaceMax: 70 }, true],
    [{ surfaceMin: 70 }, false],
    [{ roomsMin: 3, roomsMax: 3 }, true],
    [{ roomsMin: 4 }, false],
    [{ propertyTypes: ['apartment', 'house'] }, true],
    [{ propertyTypes: ['house'] }, false],
    [{ propertyTypes: [] }, true],
    [{ postalCodes: ['75011'] }, true],
    [{ postalCodes: ['75'] }, true],
    [{ postalCodes: ['75015'] }, false],
    [{ postalCodes: ['69'] }, false],
    [{ cities: ['paris'] }, true],
    [{ cities: ['Lyon'] }, false],
    [{ postalCodes: ['69003'], cities: ['Paris'] }, true],
    [{ keywords: ['balcon'] }, true],
    [{ keywords: ['BALCON', 'ascenseur'] }, true],
    [{ keywords: ['lumineu'] }, true],
    [{ keywords: ['piscine'] }, false],
    [{ keywords: ['-cave'] }, false],
    [{ keywords: ['-piscine'] }, true],
    [{ transaction: 'sale' }, true],
    [{ transaction: 'rent' }, false],
  ])('%j → %s', (c, want) => expect(matches(c, flat)).toBe(want));

  it('a bound on a field the listing lacks is not satisfied', () => {
    const { price: _p, surface: _s, rooms: _r, propertyType: _t, transaction: _x, ...bare } = flat;
    expect(matches({ priceMax: 1_000_000 }, bare)).toBe(false);
    expect(matches({ surfaceMin: 10 }, bare)).toBe(false);
    expect(matches({ roomsMin: 1 }, bare)).toBe(false);
    expect(matches({ propertyTypes: ['apartment'] }, bare)).toBe(false);
    expect(matches({ transaction: 'sale' }, bare)).toBe(false);
    expect(matches({ postalCodes: ['75011'] }, { title: 'x' })).toBe(false);
    expect(matches({ keywords: ['balcon'] }, bare)).toBe(true);
  });
  it('infers the transaction from the price when the listing does not say', () => {
    expect(matches({ transaction: 'rent' }, { price: 950 })).toBe(true);
    expect(matches({ transaction: 'sale' }, { price: 950 })).toBe(false);
  });
  it('folds cities: accents, case, hyphens, "St", arrondissements', () => {
    expect(matches({ cities: ['Saint-Germain-en-Laye'] }, { city: 'ST GERMAIN EN LAYE' })).toBe(true);
    expect(matches({ cities: ['Ecully'] }, { city: 'Écully' })).toBe(true);
    expect(matches({ cities: ['Lyon'] }, { city: 'Lyon 3e' })).toBe(true);
  });
});

describe('buildMatcher', () => {
  it('answers exactly what matches() answers, alert by alert, in alert order', () => {
    const rand = rng(42);
    const alerts = randomAlerts(2_000, rand);
    const listings = randomListings(300, rand);
    const match = buildMatcher(alerts);
    let total = 0;
    for (const l of listings) {
      const naive = alerts.filter((a) => matches(a.criteria, l)).map((a) => a.id);
      expect(match(l)).toEqual(naive);
      total += naive.length;
    }
    expect(total).toBeGreaterThan(100);
  });
  it('price bands: bounds at band edges, open ranges, listings without a price', () => {
    const alerts = [
      { id: 'edge', criteria: { priceMin: 25_000, priceMax: 50_000 } },
      { id: 'min', criteria: { priceMin: 400_000 } },
      { id: 'max', criteria: { priceMax: 24_999 } },
      { id: 'wide', criteria: { priceMin: 0, priceMax: 9_000_000 } },
      { id: 'any', criteria: {} },
    ];
    const m = buildMatcher(alerts);
    for (const price of [undefined, 0, 24_999, 25_000, 49_999, 50_000, 50_001, 399_999, 400_000, 12_000_000]) {
      const l = { ...flat, price };
      expect(m(l), String(price)).toEqual(alerts.filter((a) => matches(a.criteria, l)).map((a) => a.id));
    }
    expect(m({ ...flat, price: 50_000 })).toEqual(['edge', 'wide', 'any']);
    expect(m({ ...flat, price: undefined })).toEqual(['any']);
  });
  it('keeps string ids and tolerates an empty alert list', () => {
    expect(buildMatcher([])(flat)).toEqual([]);
    expect(
      buildMatcher([
        { id: 'a', criteria: { postalCodes: ['75011'] } },
        { id: 'b', criteria: { postalCodes: ['69'] } },
        { id: 'c', criteria: {} },
      ])(flat),
    ).toEqual(['a', 'c']);
  });
  it('an alert naming two places is returned once', () => {
    expect(buildMatcher([{ id: 1, criteria: { postalCodes: ['75011', '75'], cities: ['Paris'] } }])(flat)).toEqual([1]);
  });
  it('10,000 alerts × 1,000 listings: the index checks a small fraction of the pairs, quickly', () => {
    const rand = rng(7);
    const alerts = randomAlerts(10_000, rand);
    const listings = randomListings(1_000, rand);
    const t0 = performance.now();
    const match = buildMatcher(alerts);
    let hits = 0;
    for (const l of listings) hits += match(l).length;
    const ms = performance.now() - t0;
    expect(hits).toBeGreaterThan(0);
    expect(match.stats.listings).toBe(1_000);
    // Only alerts sharing the listing's place (or naming none) and its type are looked at.
    expect(match.stats.checked).toBeLessThan(0.15 * alerts.length * listings.length);
    // Generous bound: the shared CI machine is often loaded; `npm run bench:watches:extract` gives the real figure.
    expect(ms).toBeLessThan(5_000);
  });
});
