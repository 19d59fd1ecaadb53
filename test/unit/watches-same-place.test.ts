/** Same-place evidence between two agencies' listings (pure). */
import { describe, expect, it } from 'vitest';
import { distanceMetres, postalFitsTown, samePlace, weakPlace } from '../../activities/watches/match/same-place.js';

describe('samePlace', () => {
  it('same postal code, same folded town, a code that goes with the town, nearby coordinates', () => {
    expect(samePlace({ postalCode: '35400', city: 'Saint-Malo' }, { postalCode: '35400', city: 'ST MALO' })).toMatchObject({
      verdict: 'same',
      signals: ['postal_code', 'city'],
    });
    expect(samePlace({ city: 'Anglet' }, { city: 'ANGLET' })).toMatchObject({ verdict: 'same', signals: ['city'] });
    const known = new Map([['64600', new Set(['anglet'])]]);
    expect(samePlace({ postalCode: '64600' }, { city: 'Anglet' }, known)).toMatchObject({ verdict: 'same', signals: ['postal_city'] });
    expect(samePlace({ postalCode: '64600' }, { city: 'Biarritz' }, known)).toMatchObject({ verdict: 'unknown', signals: [] });
    const near = samePlace({ latitude: 43.4832, longitude: -1.5586 }, { latitude: 43.4845, longitude: -1.5571 });
    expect(near).toMatchObject({ verdict: 'same', signals: ['geo'] });
    expect(near.distanceM).toBeLessThan(300);
  });

  it('different postal codes, towns or far positions are a different place, whatever else matches', () => {
    expect(samePlace({ postalCode: '32500', city: 'Fleurance' }, { postalCode: '32500', city: 'Pauilhac' })).toMatchObject({
      verdict: 'different',
      conflicts: ['city'],
    });
    expect(samePlace({ postalCode: '33000' }, { postalCode: '33700' })).toMatchObject({ verdict: 'different', conflicts: ['postal_code'] });
    expect(samePlace({ city: 'Bordeaux', latitude: 44.8378, longitude: -0.5792 }, { city: 'Bordeaux', latitude: 44.8638, longitude: -0.6553 }).verdict).toBe(
      'different',
    );
    expect(samePlace({}, { city: 'Pessac' }).verdict).toBe('unknown');
  });

  it('arrondissement codes go with their city; a side naming both is compared town to town', () => {
    expect(postalFitsTown('75007', 'paris')).toBe(true);
    expect(postalFitsTown('69003', 'lyon')).toBe(true);
    expect(postalFitsTown('13016', 'marseille')).toBe(true);
    expect(postalFitsTown('75007', 'lyon')).toBe(false);
    expect(samePlace({ postalCode: '33300', city: 'Bordeaux' }, { city: 'Bordeaux' }, new Map([['33300', new Set(['bordeaux'])]])).signals).toEqual(['city']);
  });

  it('a place matched without two postal codes is weak; distances in metres', () => {
    expect(weakPlace(samePlace({ city: 'Pau' }, { city: 'Pau' }))).toBe(true);
    expect(weakPlace(samePlace({ postalCode: '64000' }, { postalCode: '64000' }))).toBe(false);
    expect(distanceMetres(48.8584, 2.2945, 48.8606, 2.3376)).toBeGreaterThan(3000);
  });
});
