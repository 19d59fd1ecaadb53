/**
 * Cross-agency near-duplicates: the same flat listed by several agencies, each with its own title,
 * photos and rounding. `fingerprint` is a coarse blocking key (locality + type + rooms + a 5 %
 * log-scale surface bucket); `fingerprintKeys` adds the neighbouring bucket when the surface sits
 * within 2 % of a bucket edge, so two listings whose surfaces are within 2 % always share a key.
 * `compareListings` then decides on the evidence.
 */
import { tokenJaccard, trigramSimilarity } from '../extract/text.js';
import type { ListingLike } from './criteria.js';
import { foldCity } from './normalize.js';

const BUCKET = Math.log(1.05);
const TOLERANCE = Math.log(1.02);

/** Thresholds of the duplicate decision. */
export const DUPLICATE_RULES = { surfacePct: 2, pricePct: 5, minScore: 0.6, minTextWithoutPrice: 0.5 } as const;

function locality(l: ListingLike): string | undefined {
  if (l.postalCode) return l.postalCode;
  const c = foldCity(l.city);
  return c ? c.replace(/\s+/g, '-') : undefined;
}

function key(l: ListingLike, bucket: number): string {
  return `fp1:${locality(l)}:${l.propertyType ?? 'any'}:${l.rooms ?? 'x'}:${bucket}`;
}

/** Coarse blocking key; '' when the listing lacks a locality or a surface (nothing to block on). */
export function fingerprint(l: ListingLike): string {
  if (!locality(l) || !l.surface || l.surface <= 0) return '';
  return key(l, Math.floor(Math.log(l.surface) / BUCKET));
}

/** The listing's key plus the adjacent bucket's when its surface is within 2 % of the edge. */
export function fingerprintKeys(l: ListingLike): string[] {
  const own = fingerprint(l);
  if (!own) return [];
  const x = Math.log(l.surface!) / BUCKET;
  const b = Math.floor(x);
  const keys = [own];
  if ((x - b) * BUCKET <= TOLERANCE) keys.push(key(l, b - 1));
  if ((b + 1 - x) * BUCKET <= TOLERANCE) keys.push(key(l, b + 1));
  return keys;
}

export interface DuplicateEvidence {
  /** |a − b| / max(a, b) × 100; null when either side lacks it. */
  surfaceDiffPct: number | null;
  priceDiffPct: number | null;
  sameRooms: boolean;
  sameLocality: boolean;
  sameType: boolean;
  titleSimilarity: number;
  descriptionSimilarity: number;
}

export interface DuplicateVerdict {
  duplicate: boolean;
  score: number;
  evidence: DuplicateEvidence;
}

const pctDiff = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || a <= 0 || b <= 0 ? null : Math.round((Math.abs(a - b) / Math.max(a, b)) * 10_000) / 100;
const r2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Are these two listings the same property? Score 0..1 with the evidence behind it. `sameLocality`,
 * when given, is the caller's verdict on the place (see same-place.ts) instead of postal code / town equality.
 */
export function compareListings(a: ListingLike, b: ListingLike, opts: { sameLocality?: boolean } = {}): DuplicateVerdict {
  const surfaceDiffPct = pctDiff(a.surface, b.surface);
  const priceDiffPct = pctDiff(a.price, b.price);
  const roomless = (t: ListingLike['propertyType']): boolean => t === 'land' || t === 'parking' || t === 'commercial';
  const sameRooms =
    a.rooms !== undefined && b.rooms !== undefined
      ? a.rooms === b.rooms
      : a.rooms === undefined && b.rooms === undefined && roomless(a.propertyType ?? b.propertyType);
  const sameLocality =
    opts.sameLocality ?? (a.postalCode && b.postalCode ? a.postalCode === b.postalCode : foldCity(a.city) !== '' && foldCity(a.city) === foldCity(b.city));
  const sameType = !a.propertyType || !b.propertyType || a.propertyType === b.propertyType;
  const sameTransaction = !a.transaction || !b.transaction || a.transaction === b.transaction;
  const titleSimilarity = r2(trigramSimilarity(a.title ?? '', b.title ?? ''));
  const descriptionSimilarity = a.description && b.description ? r2(tokenJaccard(a.description, b.description)) : 0;

  // Closeness within tolerance: 1 when equal, 0.5 at the tolerance edge, 0 beyond it.
  const closeness = (diff: number | null, tol: number): number => (diff === null ? 0 : diff > tol ? 0 : 1 - diff / tol / 2);
  const surfaceScore = closeness(surfaceDiffPct, DUPLICATE_RULES.surfacePct);
  const priceScore = priceDiffPct === null ? 0.5 : closeness(priceDiffPct, DUPLICATE_RULES.pricePct);
  const score = r2(
    0.3 * surfaceScore + 0.25 * priceScore + (sameRooms ? 0.1 : 0) + (sameLocality ? 0.1 : 0) + 0.1 * titleSimilarity + 0.15 * descriptionSimilarity,
  );
  const text = Math.max(titleSimilarity, descriptionSimilarity);
  const duplicate =
    surfaceDiffPct !== null &&
    surfaceDiffPct <= DUPLICATE_RULES.surfacePct &&
    sameRooms &&
    sameLocality &&
    sameType &&
    sameTransaction &&
    (priceDiffPct === null ? text >= DUPLICATE_RULES.minTextWithoutPrice : priceDiffPct <= DUPLICATE_RULES.pricePct) &&
    score >= DUPLICATE_RULES.minScore;
  return { duplicate, score, evidence: { surfaceDiffPct, priceDiffPct, sameRooms, sameLocality, sameType, titleSimilarity, descriptionSimilarity } };
}
