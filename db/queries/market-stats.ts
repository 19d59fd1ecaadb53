/** Queries over `watch_market_stats` (one row per postal code, written by activities/watches/store/market-stats.ts). */
import { sql } from 'kysely';
import type { Queryable } from './types.js';

export async function marketStatsOf(db: Queryable, postalCode: string) {
  return db.selectFrom('watch_market_stats').selectAll().where('postal_code', '=', postalCode).executeTakeFirst();
}

/**
 * Recomputes every postal code's statistics from the listings in one aggregate statement (upserted
 * by postal code; the JSON shape is activities/watches/store/market-stats.ts's `MarketStats`); how many were written.
 */
export async function upsertMarketStats(db: Queryable): Promise<number> {
  const res = await sql<{ n: number }>`
    with base as (
      select * from watch_listings where postal_code is not null and duplicate_of is null
    ), sale as (
      select * from base where status = 'active' and coalesce(transaction, 'sale') = 'sale' and price > 0
    ), types as (
      select postal_code, jsonb_object_agg(t, n) as by_type from (
        select postal_code, coalesce(property_type, 'unknown') as t, count(*)::int as n from base where status = 'active' group by 1, 2
      ) x group by postal_code
    ), agg as (
      select b.postal_code,
        mode() within group (order by b.city) as city,
        count(*)::int as total_listings,
        count(*) filter (where status = 'active')::int as active_listings,
        count(*) filter (where status = 'under_offer')::int as under_offer_listings,
        count(*) filter (where status = 'sold')::int as sold_listings,
        count(*) filter (where status = 'active' and property_type = 'apartment')::int as apartments_count,
        count(*) filter (where status = 'active' and property_type = 'house')::int as houses_count,
        count(*) filter (where status = 'active' and (property_subtype = 'studio' or (property_type = 'apartment' and rooms = 1)))::int as studios_count,
        round(avg(price) filter (where status = 'active' and transaction = 'rent'))::bigint as average_rent,
        count(*) filter (where first_seen_at >= date_trunc('day', now()))::int as listings_added_today,
        count(*) filter (where first_seen_at >= now() - interval '7 days')::int as listings_added_week,
        count(*) filter (where first_seen_at >= now() - interval '30 days')::int as listings_added_month
      from base b group by b.postal_code
    ), prices as (
      select postal_code,
        round(avg(price))::bigint as average_price,
        round(avg(price / nullif(surface, 0)) filter (where surface > 0))::bigint as average_price_per_sqm,
        round(percentile_cont(0.5) within group (order by price))::bigint as median_price,
        min(price) as price_min, max(price) as price_max
      from sale group by postal_code
    ), upserted as (
      insert into watch_market_stats (postal_code, stats, computed_at)
      select a.postal_code, jsonb_build_object(
        'postal_code', a.postal_code, 'city', a.city, 'total_listings', a.total_listings, 'active_listings', a.active_listings,
        'under_offer_listings', a.under_offer_listings, 'sold_listings', a.sold_listings,
        'average_price', p.average_price, 'average_price_per_sqm', p.average_price_per_sqm, 'median_price', p.median_price,
        'price_min', p.price_min, 'price_max', p.price_max, 'apartments_count', a.apartments_count,
        'houses_count', a.houses_count, 'studios_count', a.studios_count, 'by_type', coalesce(t.by_type, '{}'::jsonb),
        'average_rent', a.average_rent, 'listings_added_today', a.listings_added_today,
        'listings_added_week', a.listings_added_week, 'listings_added_month', a.listings_added_month
      ), now()
      from agg a left join prices p using (postal_code) left join types t using (postal_code)
      on conflict (postal_code) do update set stats = excluded.stats, computed_at = excluded.computed_at
      returning 1
    )
    select count(*)::int as n from upserted
  `.execute(db);
  return res.rows[0]?.n ?? 0;
}

/** Deletes the statistics of postal codes no listing has any more. */
export async function deleteOrphanMarketStats(db: Queryable): Promise<void> {
  await sql`delete from watch_market_stats where postal_code not in (select distinct postal_code from watch_listings where postal_code is not null)`.execute(
    db,
  );
}
