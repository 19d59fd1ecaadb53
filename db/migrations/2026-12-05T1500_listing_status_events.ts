import { sql, type Kysely } from 'kysely';

/**
 * Listings' market status and price details, and the event feed (issue 13):
 * - `watch_listings.status` becomes active / under_offer / sold / removed (`inactive` is renamed
 *   `removed`); `price_qualifier` (from / on_request), `previous_price` (the price before the last
 *   change, or the struck-through one the page shows) and `property_subtype` (studio…);
 * - the staging table carries the same four values;
 * - history events gain `price_change` and `sold`, with an index for the feed ordered by time;
 * - runs count price changes and sales; crawl errors keep the HTTP status they answered.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table watch_listings drop constraint watch_listings_status_check;
    update watch_listings set status = 'removed' where status = 'inactive';
    alter table watch_listings
      add constraint watch_listings_status_check check (status in ('active', 'under_offer', 'sold', 'removed')),
      add column price_qualifier text check (price_qualifier in ('from', 'on_request')),
      add column previous_price bigint,
      add column property_subtype text check (length(property_subtype) <= 40);

    alter table watch_snapshot_items
      add column status text not null default 'active',
      add column price_qualifier text,
      add column previous_price bigint,
      add column property_subtype text;

    alter table watch_listing_history drop constraint watch_listing_history_event_check;
    alter table watch_listing_history add constraint watch_listing_history_event_check
      check (event in ('new', 'price_change', 'updated', 'sold', 'removed', 'reactivated'));
    create index watch_listing_history_feed on watch_listing_history (at, id);

    alter table watch_crawl_runs
      add column price_changes integer not null default 0,
      add column sold integer not null default 0;

    alter table watch_crawl_errors add column http_status integer;
    update watch_crawl_errors set http_status = substring(kind from '^http-([0-9]{3})$')::int where kind ~ '^http-[0-9]{3}$';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table watch_crawl_errors drop column http_status;
    alter table watch_crawl_runs drop column sold, drop column price_changes;
    drop index if exists watch_listing_history_feed;
    alter table watch_listing_history drop constraint watch_listing_history_event_check;
    update watch_listing_history set event = 'updated' where event in ('price_change', 'sold');
    alter table watch_listing_history add constraint watch_listing_history_event_check
      check (event in ('new', 'updated', 'removed', 'reactivated'));
    alter table watch_snapshot_items drop column property_subtype, drop column previous_price,
      drop column price_qualifier, drop column status;
    alter table watch_listings drop constraint watch_listings_status_check;
    update watch_listings set status = case when status = 'removed' then 'inactive' else 'active' end;
    alter table watch_listings
      drop column property_subtype, drop column previous_price, drop column price_qualifier,
      add constraint watch_listings_status_check check (status in ('active', 'inactive'));
  `.execute(db);
}
