/**
 * Cross-agency duplicates. SQL does the blocking (same rooms and type, surface within 2 %, price
 * within 5 %, another source, and the same postal code, or a postal code missing on one side; or the
 * same fingerprint), then `duplicateLink` decides each candidate pair: the place first (same-place.ts:
 * postal code, town, a code that goes with the other side's town, coordinates; two different places
 * are never linked), then `compareListings` on the rest. A link made without two postal codes to
 * compare also needs both prices within 5 %. A duplicate points at the oldest listing of its group
 * (`duplicate_of`), with the evidence kept: signals matched, place signals, score, measures.
 */
import { sql } from 'kysely';
import type { Db } from '../../../db/client.js';
import { compareListings, DUPLICATE_RULES } from '../match/fingerprint.js';
import { foldCity } from '../match/normalize.js';
import { samePlace, weakPlace, type PostalTowns } from '../match/same-place.js';
import { rowToDraft, type ListingRowLike } from './listing-rows.js';

const COLS = sql.raw(
  'id, source_id, source_url, external_id, title, price, transaction, surface, rooms, bedrooms, bathrooms, property_type, address, postal_code, city, description, photos, features, quality, fingerprint, duplicate_of',
);

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
    ...(e.sameRooms ? ['rooms'] : []), ...(priceClose ? ['price'] : []), ...(e.sameType ? ['type'] : []),
    ...place.signals,
    ...(e.titleSimilarity >= 0.5 ? ['title'] : []), ...(e.descriptionSimilarity >= 0.5 ? ['description'] : []),
  ];
  const placeOut: DuplicateLink['evidence']['place'] = { signals: place.signals };
  if (place.distanceM !== undefined) placeOut.distanceM = place.distanceM;
  return { target: b.id, score: cmp.score, evidence: { with: b.id, score: cmp.score, signals, place: placeOut, evidence: e } };
}

/** The towns the stored listings pair each of `codes` with (folded). */
async function postalTowns(db: Db, codes: string[]): Promise<PostalTowns> {
  const out = new Map<string, Set<string>>();
  if (codes.length === 0) return out;
  const rows = await db.selectFrom('watch_listings').select(['postal_code', 'city']).distinct()
    .where('postal_code', 'in', [...new Set(codes)]).where('city', 'is not', null).execute();
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
  pairs.flatMap(({ a, b }) => (a.postal_code && !a.city && !b.postal_code ? [a.postal_code] : b.postal_code && !b.city && !a.postal_code ? [b.postal_code] : []));

/**
 * Links the duplicates among listings `ids` (each against older active listings of other sources).
 * Returns how many links were set or changed.
 */
export async function linkDuplicates(db: Db, ids: number[]): Promise<number> {
  let linked = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    // Index-backed branches (one OR over them scans the table for every listing); the two without a
    // postal code use watch_listings_dup_surface (coalesced rooms and type, surface), unordered.
    const common = sql`m.status = 'active' and m.id < a.id and m.source_id <> a.source_id and m.duplicate_of is null`;
    const shape = sql`m.rooms is not distinct from a.rooms and m.property_type is not distinct from a.property_type`;
    const close = sql`coalesce(m.rooms, -1) = coalesce(a.rooms, -1) and coalesce(m.property_type, '') = coalesce(a.property_type, '')
      and m.surface between a.surface * 0.98 and a.surface * 1.02 and m.price between a.price * 0.95 and a.price * 1.05`;
    const { rows } = await sql<{ a: Row; b: Row }>`
      with scope as (select ${COLS} from watch_listings where id = any(${chunk}::bigint[]) and status = 'active')
      select distinct on (a.id, b.id) to_jsonb(a) as a, to_jsonb(b) as b
      from scope a
      join lateral (
        (select ${COLS} from watch_listings m where ${common} and a.fingerprint is not null and m.fingerprint = a.fingerprint order by m.id limit 20)
        union all
        (select ${COLS} from watch_listings m where ${common} and m.postal_code = a.postal_code and ${shape}
          and (a.surface is null or m.surface between a.surface * 0.98 and a.surface * 1.02)
          and (a.price is null or m.price between a.price * 0.95 and a.price * 1.05)
          order by m.id limit 20)
        union all
        -- one side without a postal code: surface and price both needed, the place decided in TypeScript
        (select ${COLS} from watch_listings m where ${common} and a.postal_code is not null and m.postal_code is null and ${close} limit 20)
        union all
        (select ${COLS} from watch_listings m where ${common} and a.postal_code is null and ${close} limit 20)
      ) b on true
    `.execute(db);
    const known = await postalTowns(db, lopsidedCodes(rows));
    const best = new Map<number, DuplicateLink>();
    for (const { a, b } of rows) {
      const link = duplicateLink(a, b, known);
      if (!link) continue;
      const prev = best.get(a.id);
      if (!prev || link.score > prev.score || (link.score === prev.score && link.target < prev.target)) best.set(a.id, link);
    }
    for (const [id, link] of best) {
      const res = await db
        .updateTable('watch_listings')
        .set({ duplicate_of: link.target, duplicate_evidence: JSON.stringify(link.evidence) })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('duplicate_of', 'is', null), eb('duplicate_of', '<>', link.target)]))
        .executeTakeFirst();
      linked += Number(res.numUpdatedRows);
    }
  }
  return linked;
}

/** The listings a run created, changed or brought back: those whose duplicate links need a look. */
export async function runListingIds(db: Db, runId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('watch_listing_history')
    .select('listing_id')
    .distinct()
    .where('run_id', '=', runId)
    .where('event', 'in', ['new', 'price_change', 'updated', 'reactivated'])
    .execute();
  return rows.map((r) => r.listing_id);
}

/**
 * The daily clean-up: unlinks duplicates whose original is gone or which no longer compare as
 * duplicates, then links every active listing again. Returns { unlinked, linked }.
 */
export async function cleanupDuplicates(db: Db): Promise<{ unlinked: number; linked: number }> {
  const gone = await sql<{ id: number }>`
    update watch_listings d set duplicate_of = null, duplicate_evidence = null
    from watch_listings o
    where d.duplicate_of = o.id and (o.status = 'removed' or d.status = 'removed' or o.duplicate_of is not null)
    returning d.id
  `.execute(db);
  let unlinked = gone.rows.length;
  const pairs = await sql<{ a: Row; b: Row }>`
    select to_jsonb(d) as a, to_jsonb(o) as b from watch_listings d join watch_listings o on o.id = d.duplicate_of
  `.execute(db);
  const known = await postalTowns(db, lopsidedCodes(pairs.rows));
  const stale = pairs.rows.filter(({ a, b }) => !duplicateLink(a, b, known)).map(({ a }) => a.id);
  if (stale.length) {
    await db.updateTable('watch_listings').set({ duplicate_of: null, duplicate_evidence: null }).where('id', 'in', stale).execute();
    unlinked += stale.length;
  }
  let linked = 0;
  let after = 0;
  for (;;) {
    const ids = (await db.selectFrom('watch_listings').select('id').where('status', '=', 'active').where('id', '>', after).orderBy('id').limit(2000).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    linked += await linkDuplicates(db, ids);
    after = ids[ids.length - 1]!;
  }
  return { unlinked, linked };
}
