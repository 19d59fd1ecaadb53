/** Synthetic alerts and listings (deterministic) for matching tests and the benchmark. */
import { PROPERTY_TYPES, type AlertCriteria, type ListingLike } from '../../activities/watches/match/criteria.js';

/** Deterministic pseudo-random generator so the comparison below is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export function randomAlerts(n: number, rand: () => number): Array<{ id: number; criteria: AlertCriteria }> {
  const codes = Array.from({ length: 40 }, (_v, i) => String(75001 + (i % 20) + (i >= 20 ? 1000 : 0)));
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  return Array.from({ length: n }, (_v, id) => {
    const c: AlertCriteria = {};
    const r = rand();
    if (r < 0.7) c.postalCodes = [pick(codes), pick(codes)];
    else if (r < 0.8) c.postalCodes = [pick(['75', '76'])];
    else if (r < 0.9) c.cities = [pick(['Paris', 'Rouen', 'Lyon'])];
    if (rand() < 0.7) c.propertyTypes = [pick(PROPERTY_TYPES)];
    const pr = rand();
    if (pr < 0.75) {
      const lo = Math.floor(rand() * 600) * 1000;
      c.priceMin = lo;
      c.priceMax = lo + Math.floor(rand() * 400) * 1000;
    } else if (pr < 0.8) c.priceMin = Math.floor(rand() * 600) * 1000;
    else if (pr < 0.85) c.priceMax = Math.floor(rand() * 900) * 1000;
    else if (pr < 0.87) {
      c.priceMin = 1_000;
      c.priceMax = 5_000_000;
    }
    if (rand() < 0.5) c.surfaceMin = Math.floor(rand() * 80);
    if (rand() < 0.4) c.roomsMin = 1 + Math.floor(rand() * 4);
    if (rand() < 0.2) c.keywords = [pick(['balcon', 'parking', 'jardin', '-cave'])];
    if (rand() < 0.3) c.transaction = pick(['sale', 'rent'] as const);
    return { id, criteria: c };
  });
}

export function randomListings(n: number, rand: () => number): ListingLike[] {
  const codes = Array.from({ length: 40 }, (_v, i) => String(75001 + (i % 20) + (i >= 20 ? 1000 : 0)));
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  return Array.from({ length: n }, () => {
    const postalCode = pick(codes);
    const l: ListingLike = {
      title: `${pick(['Appartement', 'Maison', 'Studio', 'Loft'])} ${pick(['avec balcon', 'avec parking', 'et jardin', 'lumineux'])}`,
      description: pick(['Cave et ascenseur.', 'Au calme.', 'Proche commerces.']),
      price: 50_000 + Math.floor(rand() * 900) * 1000,
      surface: 15 + Math.floor(rand() * 150),
      rooms: 1 + Math.floor(rand() * 6),
      propertyType: pick(PROPERTY_TYPES),
      postalCode,
      city: postalCode.startsWith('75') ? 'Paris' : 'Rouen',
    };
    if (rand() < 0.1) delete l.postalCode;
    if (rand() < 0.1) delete l.price;
    return l;
  });
}
