/**
 * Market statistics per postal code, in one aggregate query (the brief's JSON). Duplicates are
 * counted once (rows with `duplicate_of` are left out); price figures are over sale listings.
 * Only listings on offer (`active`) count in the figures: one under offer or sold is counted apart
 * (`under_offer_listings`, `sold_listings`) and in `total_listings`, never in prices or type counts.
 */
import { sql } from 'kysely';
import type { Db } from '../../../db/client.js';

export interface MarketStats {
  postal_code: string;
  city: string | null;
  total_listings: number;
  active_listings: number;
  under_offer_listings: number;
  sold_listings: number;
  average_price: number | null;
  average_price_per_sqm: number | null;
  median_price: number | null;
  price_min: number | null;
  price_max: number | null;
  apartments_count: number;
  houses_count: number;
  studios_count: number;
  by_type: Record<string, number>;
  average_rent: number | null;
  listings_added_today: number;
  listings_added_week: number;
  listings_added_month: number;
}

/** Recomputes every postal code's statistics; returns how many postal codes were written. */
export async function computeMarketStats(db: Db): Promise<number> {
  return db.transaction().execute(async (tx) => {
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
    `.execute(tx);
    await sql`delete from watch_market_stats where postal_code not in (select distinct postal_code from watch_listings where postal_code is not null)`.execute(tx);
    return res.rows[0]?.n ?? 0;
  });
}
