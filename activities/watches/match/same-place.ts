/**
 * Are two listings in the same place? The evidence two agencies' listings give, even when one of
 * them leaves out its postal code or its town: the same postal code, the same town (folded: "ST
 * MALO" is Saint-Malo), a postal code that goes with the other side's town (Paris / Lyon / Marseille
 * arrondissement codes, or a code the stored listings already pair with that town), coordinates a
 * few hundred metres apart. Two postal codes, two towns or two positions that differ are a
 * different place, whatever else matches. Pure.
 */
import { foldCity } from './normalize.js';

export interface PlaceLike {
  postalCode?: string | null;
  city?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

export type PlaceSignal = 'postal_code' | 'city' | 'postal_city' | 'geo';

export interface PlaceEvidence {
  verdict: 'same' | 'different' | 'unknown';
  /** What says "same place". */
  signals: PlaceSignal[];
  /** What says "different place" (then the verdict is `different`). */
  conflicts: Array<'postal_code' | 'city' | 'geo'>;
  /** Metres between the two positions, when both have one. */
  distanceM?: number;
}

/** Postal code → the folded towns the stored listings pair it with. */
export type PostalTowns = ReadonlyMap<string, ReadonlySet<string>>;

/** Positions this close are the same building or street; farther than FAR, another place. */
export const GEO_NEAR_M = 300;
export const GEO_FAR_M = 2000;

const ARRONDISSEMENTS: Array<[RegExp, string]> = [
  [/^75(0(0[1-9]|1\d|20)|116)$/, 'paris'],
  [/^6900[1-9]$/, 'lyon'],
  [/^130(0[1-9]|1[0-6])$/, 'marseille'],
];

/** Does `postalCode` go with the (folded) town `town`? */
export function postalFitsTown(postalCode: string, town: string, known: PostalTowns = new Map()): boolean {
  if (!town) return false;
  for (const [re, city] of ARRONDISSEMENTS) if (re.test(postalCode)) return town === city;
  return known.get(postalCode)?.has(town) ?? false;
}

/** Great-circle distance in metres. */
export function distanceMetres(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h))));
}

const hasPosition = (p: PlaceLike): p is PlaceLike & { latitude: number; longitude: number } =>
  typeof p.latitude === 'number' && typeof p.longitude === 'number' && Number.isFinite(p.latitude) && Number.isFinite(p.longitude);

export function samePlace(a: PlaceLike, b: PlaceLike, known: PostalTowns = new Map()): PlaceEvidence {
  const signals: PlaceSignal[] = [];
  const conflicts: PlaceEvidence['conflicts'] = [];
  const out: PlaceEvidence = { verdict: 'unknown', signals, conflicts };
  if (hasPosition(a) && hasPosition(b)) {
    const d = distanceMetres(a.latitude, a.longitude, b.latitude, b.longitude);
    out.distanceM = d;
    if (d <= GEO_NEAR_M) signals.push('geo');
    else if (d > GEO_FAR_M) conflicts.push('geo');
  }
  const pa = a.postalCode || undefined;
  const pb = b.postalCode || undefined;
  if (pa && pb) (pa === pb ? signals : conflicts).push('postal_code');
  const ta = foldCity(a.city);
  const tb = foldCity(b.city);
  if (ta && tb) (ta === tb ? signals : conflicts).push('city');
  // A postal code without a town against a town without a postal code (a side that names both is compared town to town).
  if ((pa && !ta && !pb && tb && postalFitsTown(pa, tb, known)) || (pb && !tb && !pa && ta && postalFitsTown(pb, ta, known))) signals.push('postal_city');
  out.verdict = conflicts.length > 0 ? 'different' : signals.length > 0 ? 'same' : 'unknown';
  return out;
}

/** A place match made without two postal codes to compare (a town, a code-town pair, a position). */
export function weakPlace(e: PlaceEvidence): boolean {
  return e.verdict === 'same' && !e.signals.includes('postal_code');
}
