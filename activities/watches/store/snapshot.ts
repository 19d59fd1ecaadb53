/**
 * The snapshot diff, set-based: a run's listings are staged in `watch_snapshot_items` (page by
 * page, idempotently), then one transaction compares the whole snapshot with the stored listings:
 * history rows for changed and reactivated listings (field by field, price old -> new), one
 * `INSERT ... ON CONFLICT` upsert, an anti-join that counts misses and retires a listing after K
 * consecutive misses, and the run's counts. Applying a run twice is a no-op (guarded by
 * `watch_crawl_runs.applied_at`), so a retried or re-delivered activity never double-counts.
 * Staged rows of applied runs are purged by the daily duplicate clean-up, off the crawl's path.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db, DbOrTx } from '../../../db/client.js';
import { TRACKED_FIELDS } from './staging.js';

export { contentHash, stageRows, toStagedRow, TRACKED_FIELDS, type StagedRow } from './staging.js';

/** Descriptive fields a poorer view of a listing (its list card) may lack while its page had them. */
const FILLABLE = ['external_id', 'transaction', 'surface', 'rooms', 'bedrooms', 'bathrooms', 'property_type', 'address', 'postal_code', 'city', 'description', 'property_subtype'] as const;

/**
 * A listing staged from a poorer view than the stored one (lower quality: its card, when its page
 * failed this run) keeps the stored descriptive fields it lacks, so that a missing description or
 * address is not reported as a change, nor the next complete run as another. Title, price, status
 * and price qualifier are always the staged ones. A row that then equals the stored one takes its
 * content hash, so the diff sees it unchanged.
 */
async function fillPoorerViews(tx: DbOrTx, runId: number, sourceId: number, fieldPairs: RawBuilder<unknown>): Promise<void> {
  const fill = sql.raw([
    ...FILLABLE.map((f) => `${f} = coalesce(s.${f}, l.${f})`),
    ...['photos', 'features'].map((f) => `${f} = case when s.${f} = '[]'::jsonb then l.${f} else s.${f} end`),
  ].join(', '));
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

/** A run's counts, one per event type (`updated` excludes price changes and sales). */
export interface DiffCounts {
  found: number;
  new: number;
  updated: number;
  priceChanges: number;
  sold: number;
  removed: number;
  reactivated: number;
  alreadyApplied: boolean;
}

/**
 * Applies run `runId`'s staged snapshot to its source's listings. `countMisses: false` (a run with
 * failed pages) leaves absent listings alone: a page we could not read proves nothing.
 */
export async function applySnapshot(db: Db, runId: number, opts: { removalMisses: number; countMisses: boolean }): Promise<DiffCounts> {
  // fresh statistics on the staging table, so the joins below are planned as hash joins over the
  // whole snapshot rather than index probes per row (taken outside the transaction: ANALYZE's lock
  // would otherwise serialise every source's apply until commit)
  await sql`analyze watch_snapshot_items (run_id, source_url, content_hash)`.execute(db);
  return db.transaction().execute(async (tx) => {
    const claimed = await sql<{ source_id: number }>`
      update watch_crawl_runs set applied_at = now() where id = ${runId} and applied_at is null returning source_id
    `.execute(tx);
    if (claimed.rows.length === 0) {
      const r = await tx.selectFrom('watch_crawl_runs').select(['found', 'new', 'updated', 'price_changes', 'sold', 'removed', 'reactivated']).where('id', '=', runId).executeTakeFirstOrThrow();
      const { price_changes: priceChanges, ...rest } = r;
      return { ...rest, priceChanges, alreadyApplied: true };
    }
    const sourceId = claimed.rows[0]!.source_id;
    // one diff per source at a time
    await sql`select id from watch_sources where id = ${sourceId} for update`.execute(tx);
    // every statement below joins this run's whole snapshot with the same source's listings (sets of
    // comparable size): hash joins in memory, not one index probe per row, whatever the listings'
    // statistics say right after a bulk load (for this transaction only)
    await sql`set local work_mem = '64MB'`.execute(tx);
    await sql`set local enable_nestloop = off`.execute(tx);

    const fieldPairs = sql.raw(
      TRACKED_FIELDS.map((f) => `('${f}', to_jsonb(l.${f}), to_jsonb(s.${f}))`).join(', '),
    );
    await fillPoorerViews(tx, runId, sourceId, fieldPairs);
    // the event of a changed listing, first rule that applies: sold (it was not); reactivated (it was
    // removed, or sold and is offered again); price_change (the price moved); updated (anything else,
    // active <-> under_offer included)
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
    const byEvent = Object.fromEntries(changed.rows.map((r) => [r.event, r.n]));

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
    const { new: created } = upserted.rows[0]!;
    // unchanged listings: only last_seen_at changes, a column no index covers, so with the table's
    // fillfactor (45: a page has room for a new version of each of its rows) the update stays on
    // the page (HOT) and touches no index
    await sql`
      update watch_listings l set last_seen_at = now()
      from watch_snapshot_items s
      where s.run_id = ${runId} and l.source_id = ${sourceId} and l.source_url = s.source_url and l.last_seen_at < now()
    `.execute(tx);
    const found = Number((await tx.selectFrom('watch_snapshot_items').select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow()).n);

    let removed = 0;
    if (opts.countMisses) {
      // a sold listing leaving the site stays sold (its removed_at set, no event): that it sold is the news
      const res = await sql<{ n: number }>`
        with missed as (
          update watch_listings l set
            missed_runs = l.missed_runs + 1,
            status = case when l.missed_runs + 1 >= ${opts.removalMisses} and l.status <> 'sold' then 'removed' else l.status end,
            removed_at = case when l.missed_runs + 1 >= ${opts.removalMisses} then now() end
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
      removed = res.rows[0]?.n ?? 0;
    }

    const counts = {
      found, new: created, updated: byEvent.updated ?? 0, priceChanges: byEvent.price_change ?? 0, sold: byEvent.sold ?? 0,
      removed, reactivated: byEvent.reactivated ?? 0,
    };
    const { priceChanges, ...cols } = counts;
    await tx.updateTable('watch_crawl_runs').set({ ...cols, price_changes: priceChanges }).where('id', '=', runId).execute();
    // the applied run's staged rows are purged by the daily clean-up (a bulk delete off the crawl's path)
    return { ...counts, alreadyApplied: false };
  });
}
