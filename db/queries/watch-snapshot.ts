/**
 * The statements of the set-based snapshot diff (activities/watches/store/snapshot.ts runs them in
 * one transaction, guarded by `watch_crawl_runs.applied_at`): the staged listings of a run in
 * `watch_snapshot_items` compared with the source's stored listings, field by field.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from './types.js';

/** Descriptive fields a poorer view of a listing (its list card) may lack while its page had them. */
const FILLABLE = [
  'external_id',
  'transaction',
  'surface',
  'rooms',
  'bedrooms',
  'bathrooms',
  'property_type',
  'address',
  'postal_code',
  'city',
  'description',
  'property_subtype',
] as const;

/** `(field, old, new)` rows comparing stored listing `l` with staged row `s` on `fields` (column names). */
export const fieldPairsSql = (fields: readonly string[]) => sql.raw(fields.map((f) => `('${f}', to_jsonb(l.${f}), to_jsonb(s.${f}))`).join(', '));

/**
 * Stages listings of a run (JSON rows with the `watch_snapshot_items` columns), keeping per URL the
 * better-quality version against rows staged earlier; on equal quality a detail page's reading beats
 * a list card's whatever the order (otherwise the later one); how many rows were written.
 */
export async function insertSnapshotItems(db: Queryable, runId: number, rows: readonly object[]): Promise<number> {
  const res = await sql`
    insert into watch_snapshot_items as s (run_id, source_url, external_id, title, price, transaction, surface, rooms,
      bedrooms, bathrooms, property_type, address, postal_code, city, description, photos, features, quality, fingerprint, content_hash,
      status, price_qualifier, previous_price, property_subtype, from_detail)
    select ${runId}, r.source_url, r.external_id, r.title, r.price, r.transaction, r.surface, r.rooms, r.bedrooms, r.bathrooms,
      r.property_type, r.address, r.postal_code, r.city, r.description, coalesce(r.photos, '[]'), coalesce(r.features, '[]'),
      r.quality, r.fingerprint, r.content_hash, coalesce(r.status, 'active'), r.price_qualifier, r.previous_price, r.property_subtype,
      coalesce(r.from_detail, false)
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(source_url text, external_id text, title text, price bigint,
      transaction text, surface numeric, rooms int, bedrooms int, bathrooms int, property_type text, address text,
      postal_code text, city text, description text, photos jsonb, features jsonb, quality real, fingerprint text, content_hash text,
      status text, price_qualifier text, previous_price bigint, property_subtype text, from_detail boolean)
    on conflict (run_id, source_url) do update set
      external_id = excluded.external_id, title = excluded.title, price = excluded.price, transaction = excluded.transaction,
      surface = excluded.surface, rooms = excluded.rooms, bedrooms = excluded.bedrooms, bathrooms = excluded.bathrooms,
      property_type = excluded.property_type, address = excluded.address, postal_code = excluded.postal_code,
      city = excluded.city, description = excluded.description, photos = excluded.photos, features = excluded.features,
      quality = excluded.quality, fingerprint = excluded.fingerprint, content_hash = excluded.content_hash,
      status = excluded.status, price_qualifier = excluded.price_qualifier, previous_price = excluded.previous_price,
      property_subtype = excluded.property_subtype, from_detail = excluded.from_detail
    where (excluded.quality, excluded.from_detail) >= (s.quality, s.from_detail)
  `.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** Fresh planner statistics on the staging table (outside the diff's transaction: ANALYZE's lock would serialise the applies). */
export async function analyzeSnapshotItems(db: Queryable): Promise<void> {
  await sql`analyze watch_snapshot_items (run_id, source_url, content_hash)`.execute(db);
}

/** Marks the run applied; its source id, or undefined when it already was. */
export async function claimRunApply(tx: Queryable, runId: number): Promise<number | undefined> {
  const { rows } = await sql<{ source_id: number }>`
    update watch_crawl_runs set applied_at = now() where id = ${runId} and applied_at is null returning source_id
  `.execute(tx);
  return rows[0]?.source_id;
}

/** The counts an applied run recorded. */
export async function appliedRunCounts(db: Queryable, runId: number) {
  return db
    .selectFrom('watch_crawl_runs')
    .select(['found', 'new', 'updated', 'price_changes', 'sold', 'removed', 'reactivated'])
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
}

/**
 * Locks the source (one diff per source at a time) and plans the transaction's joins of a whole
 * snapshot with the source's listings (sets of comparable size) as in-memory hash joins, not index
 * probes per row, whatever the statistics say right after a bulk load.
 */
export async function lockSourceForDiff(tx: Queryable, sourceId: number): Promise<void> {
  await sql`select id from watch_sources where id = ${sourceId} for update`.execute(tx);
  await sql`set local work_mem = '64MB'`.execute(tx);
  await sql`set local enable_nestloop = off`.execute(tx);
}

/**
 * A listing staged from a poorer view than the stored one (lower quality: its card, when its page
 * failed this run) keeps the stored descriptive fields it lacks, so that a missing description or
 * address is not reported as a change, nor the next complete run as another. Title, price, status
 * and price qualifier are always the staged ones. A row that then equals the stored one takes its
 * content hash, so the diff sees it unchanged.
 */
export async function fillPoorerViews(tx: Queryable, runId: number, sourceId: number, fieldPairs: RawBuilder<unknown>): Promise<void> {
  const fill = sql.raw(
    [
      ...FILLABLE.map((f) => `${f} = coalesce(s.${f}, l.${f})`),
      ...['photos', 'features'].map((f) => `${f} = case when s.${f} = '[]'::jsonb then l.${f} else s.${f} end`),
    ].join(', '),
  );
  await sql`
    update watch_snapshot_items s set ${fill}
    from watch_listings l
    where s.run_id = ${runId} and l.source_id = ${sourceId} and l.source_url = s.source_url
      and s.quality < l.quality and l.content_hash <> s.content_hash
  `.execute(tx);
  await sql`
    update watch_snapshot_items s set content_hash = l.content_hash
    from watch_listings l
    where s.run_id = ${runId} and l.source_id = ${sourceId} and l.source_url = s.source_url
      and s.quality < l.quality and l.content_hash <> s.content_hash
      and not exists (select 1 from (values ${fieldPairs}) as f(k, o, n) where f.o is distinct from f.n)
  `.execute(tx);
}

/**
 * History rows for the run's changed and reactivated listings; their count by event. The event of a
 * changed listing, first rule that applies: sold (it was not); reactivated (it was removed, or sold
 * and is offered again); price_change (the price moved); updated (anything else, active <->
 * under_offer included).
 */
export async function insertChangeEvents(tx: Queryable, runId: number, sourceId: number, fieldPairs: RawBuilder<unknown>): Promise<Record<string, number>> {
  const changed = await sql<{ event: string; n: number }>`
    with changed as (
      select l.id, l.status as old_status, s.status as new_status, l.price as old_price, s.price as new_price, c.changes
      from watch_snapshot_items s
      join watch_listings l on l.source_id = ${sourceId} and l.source_url = s.source_url
      cross join lateral (
        select coalesce(jsonb_object_agg(f.k, jsonb_build_object('old', f.o, 'new', f.n)) filter (where f.o is distinct from f.n), '{}'::jsonb) as changes
        from (values ${fieldPairs}) as f(k, o, n)
      ) c
      where s.run_id = ${runId} and (l.status = 'removed' or l.content_hash <> s.content_hash)
    ), ins as (
      insert into watch_listing_history (listing_id, run_id, event, changes, price_old, price_new)
      select id, ${runId},
        case
          when new_status = 'sold' and old_status <> 'sold' then 'sold'
          when old_status = 'removed' or (old_status = 'sold' and new_status <> 'sold') then 'reactivated'
          when changes ? 'price' then 'price_change'
          else 'updated'
        end, changes,
        case when changes ? 'price' then old_price end, case when changes ? 'price' then new_price end
      from changed
      where old_status = 'removed' or changes <> '{}'::jsonb
      returning event
    )
    select event, count(*)::int as n from ins group by event
  `.execute(tx);
  return Object.fromEntries(changed.rows.map((r) => [r.event, r.n]));
}

/** Upserts the run's new, changed and returning listings, with a `new` history row per insert; how many were new. */
export async function upsertSnapshotListings(tx: Queryable, runId: number, sourceId: number): Promise<number> {
  const upserted = await sql<{ new: number }>`
    with up as (
      insert into watch_listings as l (source_id, source_url, external_id, title, price, transaction, surface, rooms, bedrooms,
        bathrooms, property_type, address, postal_code, city, description, photos, features, quality, fingerprint, content_hash,
        status, price_qualifier, previous_price, property_subtype)
      select ${sourceId}, s.source_url, s.external_id, s.title, s.price, s.transaction, s.surface, s.rooms, s.bedrooms,
        s.bathrooms, s.property_type, s.address, s.postal_code, s.city, s.description, s.photos, s.features, s.quality,
        s.fingerprint, s.content_hash, s.status, s.price_qualifier, s.previous_price, s.property_subtype
      from watch_snapshot_items s
      where s.run_id = ${runId}
        -- only new, changed or returning listings reach the upsert: an unchanged row is left
        -- alone (ON CONFLICT would lock every conflicting row even when its WHERE skips it)
        and not exists (
          select 1 from watch_listings u
          where u.source_id = ${sourceId} and u.source_url = s.source_url and u.content_hash = s.content_hash
            and u.status <> 'removed' and u.missed_runs = 0
        )
      on conflict (source_id, source_url) do update set
        external_id = excluded.external_id, title = excluded.title, price = excluded.price, transaction = excluded.transaction,
        surface = excluded.surface, rooms = excluded.rooms, bedrooms = excluded.bedrooms, bathrooms = excluded.bathrooms,
        property_type = excluded.property_type, address = excluded.address, postal_code = excluded.postal_code,
        city = excluded.city, description = excluded.description, photos = excluded.photos, features = excluded.features,
        quality = excluded.quality, fingerprint = excluded.fingerprint, content_hash = excluded.content_hash,
        status = excluded.status, price_qualifier = excluded.price_qualifier, property_subtype = excluded.property_subtype,
        -- the price before this change; else what the page strikes through; else what we had
        previous_price = case when l.price is distinct from excluded.price and l.price is not null then l.price
          else coalesce(excluded.previous_price, l.previous_price) end,
        updated_at = now(), missed_runs = 0, removed_at = null, last_seen_at = now()
      -- unchanged rows are not rewritten here (no index maintenance); only their last_seen_at moves, below
      where l.content_hash is distinct from excluded.content_hash or l.status = 'removed' or l.missed_runs <> 0
      returning l.id, l.price, (xmax = 0) as inserted
    ), hist as (
      insert into watch_listing_history (listing_id, run_id, event, changes, price_new)
      select id, ${runId}, 'new', '{}'::jsonb, price from up where inserted
      returning 1
    )
    select (select count(*) from hist)::int as new
  `.execute(tx);
  return upserted.rows[0]!.new;
}

/**
 * Unchanged listings: only last_seen_at changes, a column no index covers, so with the table's
 * fillfactor (45: a page has room for a new version of each of its rows) the update stays on the
 * page (HOT) and touches no index.
 */
export async function touchSeenListings(tx: Queryable, runId: number, sourceId: number): Promise<void> {
  await sql`
    update watch_listings l set last_seen_at = now()
    from watch_snapshot_items s
    where s.run_id = ${runId} and l.source_id = ${sourceId} and l.source_url = s.source_url and l.last_seen_at < now()
  `.execute(tx);
}

export async function countSnapshotItems(db: Queryable, runId: number): Promise<number> {
  return Number(
    (
      await db
        .selectFrom('watch_snapshot_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id', '=', runId)
        .executeTakeFirstOrThrow()
    ).n,
  );
}

/**
 * Counts a miss on each listing of the source absent from the run's snapshot and retires it (a
 * `removed` history row) after `removalMisses` consecutive misses; how many were removed. A sold
 * listing leaving the site stays sold (its removed_at set, no event): that it sold is the news.
 */
export async function countMisses(tx: Queryable, runId: number, sourceId: number, removalMisses: number): Promise<number> {
  const res = await sql<{ n: number }>`
    with missed as (
      update watch_listings l set
        missed_runs = l.missed_runs + 1,
        status = case when l.missed_runs + 1 >= ${removalMisses} and l.status <> 'sold' then 'removed' else l.status end,
        removed_at = case when l.missed_runs + 1 >= ${removalMisses} then now() end
      where l.source_id = ${sourceId} and (l.status in ('active', 'under_offer') or (l.status = 'sold' and l.removed_at is null))
        and not exists (select 1 from watch_snapshot_items s where s.run_id = ${runId} and s.source_url = l.source_url)
      returning l.id, l.status, l.price
    ), hist as (
      insert into watch_listing_history (listing_id, run_id, event, changes, price_old)
      select id, ${runId}, 'removed', '{}'::jsonb, price from missed where status = 'removed'
      returning 1
    )
    select count(*)::int as n from hist
  `.execute(tx);
  return res.rows[0]?.n ?? 0;
}

/** A run's counts, one per event type (`updated` excludes price changes and sales). */
export interface RunCounts {
  found: number;
  new: number;
  updated: number;
  priceChanges: number;
  sold: number;
  removed: number;
  reactivated: number;
}

export async function setRunCounts(tx: Queryable, runId: number, counts: RunCounts): Promise<void> {
  const { priceChanges, ...cols } = counts;
  await tx
    .updateTable('watch_crawl_runs')
    .set({ ...cols, price_changes: priceChanges })
    .where('id', '=', runId)
    .execute();
}

/** Deletes staged rows of applied runs and of runs started over 2 days ago (abandoned); how many. */
export async function purgeStagedRows(db: Queryable): Promise<number> {
  const res = await sql`
    delete from watch_snapshot_items s using watch_crawl_runs r
    where s.run_id = r.id and (r.applied_at is not null or r.started_at < now() - interval '2 days')
  `.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
