/**
 * Cross-agency duplicates. SQL does the blocking (same rooms and type, surface within 2 %, price
 * within 5 %, another source, and the same postal code, or a postal code missing on one side; or the
 * same fingerprint), then `duplicateLink` decides each candidate pair: the place first (same-place.ts:
 * postal code, town, a code that goes with the other side's town, coordinates; two different places
 * are never linked), then `compareListings` on the rest. A link made without two postal codes to
 * compare also needs both prices within 5 %. A duplicate points at the oldest listing of its group
 * (`duplicate_of`), with the evidence kept: signals matched, place signals, score, measures.
 */
import type { Db } from '../../../db/client.js';
import {
  activeListingIdsAfter,
  duplicateCandidates,
  linkedPairs,
  postalCodeCities,
  setDuplicateLink,
  unlinkDuplicates,
  unlinkGoneDuplicates,
} from '../../../db/queries/watch-duplicates.js';
import { compareListings, DUPLICATE_RULES } from '../match/fingerprint.js';
import { foldCity } from '../match/normalize.js';
import { samePlace, weakPlace, type PostalTowns } from '../match/same-place.js';
import { rowToDraft, type ListingRowLike } from './listing-rows.js';

type Row = ListingRowLike & { source_id: number; fingerprint: string | null; duplicate_of: number | null };

export interface DuplicateLink {
  target: number;
  score: number;
  evidence: {
    with: number;
    score: number;
    /** What matched: surface, rooms, price, type, the place signals, title, description. */
    signals: string[];
    place: { signals: string[]; distanceM?: number };
    evidence: ReturnType<typeof compareListings>['evidence'];
  };
}

/** Is `a` a duplicate of the older `b`? The link with its evidence, or null. */
export function duplicateLink(a: Row, b: Row, known: PostalTowns = new Map()): DuplicateLink | null {
  const place = samePlace({ postalCode: a.postal_code, city: a.city }, { postalCode: b.postal_code, city: b.city }, known);
  if (place.verdict !== 'same') return null;
  const cmp = compareListings(rowToDraft(a), rowToDraft(b), { sameLocality: true });
  if (!cmp.duplicate) return null;
  const e = cmp.evidence;
  const priceClose = e.priceDiffPct !== null && e.priceDiffPct <= DUPLICATE_RULES.pricePct;
  if (weakPlace(place) && !priceClose) return null;
  const signals = [
    ...(e.surfaceDiffPct !== null && e.surfaceDiffPct <= DUPLICATE_RULES.surfacePct ? ['surface'] : []),
    ...(e.sameRooms ? ['rooms'] : []),
    ...(priceClose ? ['price'] : []),
    ...(e.sameType ? ['type'] : []),
    ...place.signals,
    ...(e.titleSimilarity >= 0.5 ? ['title'] : []),
    ...(e.descriptionSimilarity >= 0.5 ? ['description'] : []),
  ];
  const placeOut: DuplicateLink['evidence']['place'] = { signals: place.signals };
  if (place.distanceM !== undefined) placeOut.distanceM = place.distanceM;
  return { target: b.id, score: cmp.score, evidence: { with: b.id, score: cmp.score, signals, place: placeOut, evidence: e } };
}

/** The towns the stored listings pair each of `codes` with (folded). */
async function postalTowns(db: Db, codes: string[]): Promise<PostalTowns> {
  const out = new Map<string, Set<string>>();
  if (codes.length === 0) return out;
  const rows = await postalCodeCities(db, [...new Set(codes)]);
  for (const r of rows) {
    const town = foldCity(r.city);
    if (!r.postal_code || !town) continue;
    if (!out.has(r.postal_code)) out.set(r.postal_code, new Set());
    out.get(r.postal_code)!.add(town);
  }
  return out;
}

/** Postal codes without a town facing a town without a postal code: the codes whose towns the decision needs. */
const lopsidedCodes = (pairs: Array<{ a: Row; b: Row }>): string[] =>
  pairs.flatMap(({ a, b }) =>
    a.postal_code && !a.city && !b.postal_code ? [a.postal_code] : b.postal_code && !b.city && !a.postal_code ? [b.postal_code] : [],
  );

/**
 * Links the duplicates among listings `ids` (each against older active listings of other sources).
 * Returns how many links were set or changed.
 */
export async function linkDuplicates(db: Db, ids: number[]): Promise<number> {
  let linked = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await duplicateCandidates<Row>(db, chunk);
    const known = await postalTowns(db, lopsidedCodes(rows));
    const best = new Map<number, DuplicateLink>();
    for (const { a, b } of rows) {
      const link = duplicateLink(a, b, known);
      if (!link) continue;
      const prev = best.get(a.id);
      if (!prev || link.score > prev.score || (link.score === prev.score && link.target < prev.target)) best.set(a.id, link);
    }
    for (const [id, link] of best) {
      linked += await setDuplicateLink(db, id, link.target, link.evidence);
    }
  }
  return linked;
}

/** The listings a run created, changed or brought back: those whose duplicate links need a look. */
export { runListingIds } from '../../../db/queries/watch-duplicates.js';

/**
 * The daily clean-up: unlinks duplicates whose original is gone or which no longer compare as
 * duplicates, then links every active listing again. Returns { unlinked, linked }.
 */
export async function cleanupDuplicates(db: Db): Promise<{ unlinked: number; linked: number }> {
  let unlinked = await unlinkGoneDuplicates(db);
  const pairs = await linkedPairs<Row>(db);
  const known = await postalTowns(db, lopsidedCodes(pairs));
  const stale = pairs.filter(({ a, b }) => !duplicateLink(a, b, known)).map(({ a }) => a.id);
  if (stale.length) {
    await unlinkDuplicates(db, stale);
    unlinked += stale.length;
  }
  let linked = 0;
  let after = 0;
  for (;;) {
    const ids = await activeListingIdsAfter(db, after, 2000);
    if (ids.length === 0) break;
    linked += await linkDuplicates(db, ids);
    after = ids[ids.length - 1]!;
  }
  return { unlinked, linked };
}
