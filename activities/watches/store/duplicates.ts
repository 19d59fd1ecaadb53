/**
 * Cross-agency duplicates. SQL does the blocking (same postal code or city, same rooms and type,
 * surface within 2 %, price within 5 %, another source; or the same fingerprint), then
 * `compareListings` scores each candidate pair. A duplicate points at the oldest listing of its
 * group (`duplicate_of`), with the comparison's evidence kept.
 */
import { sql } from 'kysely';
import type { Db } from '../../../db/client.js';
import { compareListings } from '../match/fingerprint.js';
import { rowToDraft, type ListingRowLike } from './listing-rows.js';

const COLS = sql.raw(
  'id, source_id, source_url, external_id, title, price, transaction, surface, rooms, bedrooms, bathrooms, property_type, address, postal_code, city, description, photos, features, quality, fingerprint, duplicate_of',
);

type Row = ListingRowLike & { source_id: number; fingerprint: string | null; duplicate_of: number | null };

/**
 * Links the duplicates among listings `ids` (each against older active listings of other sources).
 * Returns how many links were set or changed.
 */
export async function linkDuplicates(db: Db, ids: number[]): Promise<number> {
  let linked = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const { rows } = await sql<{ a: Row; b: Row }>`
      with scope as (select ${COLS} from watch_listings where id = any(${chunk}::bigint[]) and status = 'active')
      select to_jsonb(a) as a, to_jsonb(b) as b
      from scope a
      join lateral (
        select ${COLS} from watch_listings m
        where m.status = 'active' and m.id < a.id and m.source_id <> a.source_id and m.duplicate_of is null
          and (
            (a.fingerprint is not null and m.fingerprint = a.fingerprint)
            or (
              (m.postal_code = a.postal_code or (a.postal_code is null and lower(m.city) = lower(a.city)))
              and m.rooms is not distinct from a.rooms
              and m.property_type is not distinct from a.property_type
              and (a.surface is null or m.surface between a.surface * 0.98 and a.surface * 1.02)
              and (a.price is null or m.price between a.price * 0.95 and a.price * 1.05)
            )
          )
        order by m.id
        limit 20
      ) b on true
    `.execute(db);
    const best = new Map<number, { target: number; score: number; evidence: unknown }>();
    for (const { a, b } of rows) {
      const cmp = compareListings(rowToDraft(a), rowToDraft(b));
      if (!cmp.duplicate) continue;
      const prev = best.get(a.id);
      if (!prev || cmp.score > prev.score) best.set(a.id, { target: b.id, score: cmp.score, evidence: { score: cmp.score, evidence: cmp.evidence, with: b.id } });
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
    .where('event', 'in', ['new', 'updated', 'reactivated'])
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
    where d.duplicate_of = o.id and (o.status = 'inactive' or d.status = 'inactive' or o.duplicate_of is not null)
    returning d.id
  `.execute(db);
  let unlinked = gone.rows.length;
  const pairs = await sql<{ a: Row; b: Row }>`
    select to_jsonb(d) as a, to_jsonb(o) as b from watch_listings d join watch_listings o on o.id = d.duplicate_of
  `.execute(db);
  const stale = pairs.rows.filter(({ a, b }) => !compareListings(rowToDraft(a), rowToDraft(b)).duplicate).map(({ a }) => a.id);
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
