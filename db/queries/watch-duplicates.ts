/**
 * Queries of cross-agency duplicate linking over `watch_listings` (activities/watches/store/duplicates.ts
 * decides each candidate pair): the index-backed blocking that finds candidates, the towns stored
 * per postal code, and setting or clearing `duplicate_of` with its evidence.
 */
import { sql } from 'kysely';
import type { Queryable } from './types.js';

const COLS = sql.raw(
  'id, source_id, source_url, external_id, title, price, transaction, surface, rooms, bedrooms, bathrooms, property_type, address, postal_code, city, description, photos, features, quality, fingerprint, duplicate_of',
);

/**
 * Candidate pairs (listing `a` among active listings `ids`, older active listing `b` of another
 * source, not itself a duplicate), both as JSON rows of the COLS columns (`R` names that shape):
 * same fingerprint; or same postal code, rooms and type with surface within 2 % and price within 5 %;
 * or one side without a postal code with rooms, type, surface and price all close.
 */
export async function duplicateCandidates<R>(db: Queryable, ids: number[]): Promise<Array<{ a: R; b: R }>> {
  // Index-backed branches (one OR over them scans the table for every listing); the two without a
  // postal code use watch_listings_dup_surface (coalesced rooms and type, surface), unordered.
  const common = sql`m.status = 'active' and m.id < a.id and m.source_id <> a.source_id and m.duplicate_of is null`;
  const shape = sql`m.rooms is not distinct from a.rooms and m.property_type is not distinct from a.property_type`;
  const close = sql`coalesce(m.rooms, -1) = coalesce(a.rooms, -1) and coalesce(m.property_type, '') = coalesce(a.property_type, '')
    and m.surface between a.surface * 0.98 and a.surface * 1.02 and m.price between a.price * 0.95 and a.price * 1.05`;
  const { rows } = await sql<{ a: R; b: R }>`
    with scope as (select ${COLS} from watch_listings where id = any(${ids}::bigint[]) and status = 'active')
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
  return rows;
}

/** The distinct (postal code, city) pairs of stored listings with a city, for `codes`. */
export async function postalCodeCities(db: Queryable, codes: string[]) {
  return db.selectFrom('watch_listings').select(['postal_code', 'city']).distinct().where('postal_code', 'in', codes).where('city', 'is not', null).execute();
}

/** Points listing `id` at `target` with the evidence, unless it already does; 1 when it changed, else 0. */
export async function setDuplicateLink(db: Queryable, id: number, target: number, evidence: unknown): Promise<number> {
  const res = await db
    .updateTable('watch_listings')
    .set({ duplicate_of: target, duplicate_evidence: JSON.stringify(evidence) })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('duplicate_of', 'is', null), eb('duplicate_of', '<>', target)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** The listings a run created, changed or brought back. */
export async function runListingIds(db: Queryable, runId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('watch_listing_history')
    .select('listing_id')
    .distinct()
    .where('run_id', '=', runId)
    .where('event', 'in', ['new', 'price_change', 'updated', 'reactivated'])
    .execute();
  return rows.map((r) => r.listing_id);
}

/** Unlinks duplicates whose original is removed or itself a duplicate, or which are removed; how many. */
export async function unlinkGoneDuplicates(db: Queryable): Promise<number> {
  const gone = await sql<{ id: number }>`
    update watch_listings d set duplicate_of = null, duplicate_evidence = null
    from watch_listings o
    where d.duplicate_of = o.id and (o.status = 'removed' or d.status = 'removed' or o.duplicate_of is not null)
    returning d.id
  `.execute(db);
  return gone.rows.length;
}

/** Every linked pair: the duplicate `a` and its original `b`, as JSON rows of the whole listing. */
export async function linkedPairs<R>(db: Queryable): Promise<Array<{ a: R; b: R }>> {
  const { rows } = await sql<{ a: R; b: R }>`
    select to_jsonb(d) as a, to_jsonb(o) as b from watch_listings d join watch_listings o on o.id = d.duplicate_of
  `.execute(db);
  return rows;
}

export async function unlinkDuplicates(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('watch_listings').set({ duplicate_of: null, duplicate_evidence: null }).where('id', 'in', ids).execute();
}

/** Active listing ids after `after`, ascending, at most `limit`. */
export async function activeListingIdsAfter(db: Queryable, after: number, limit: number): Promise<number[]> {
  return (await db.selectFrom('watch_listings').select('id').where('status', '=', 'active').where('id', '>', after).orderBy('id').limit(limit).execute()).map(
    (r) => r.id,
  );
}
