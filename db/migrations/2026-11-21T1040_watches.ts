import { sql, type Kysely } from 'kysely';

/** Watches: sources, listings and their history, crawl runs, snapshot staging, alerts, stats, politeness, generic watches. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table watch_sources (
      id bigserial primary key,
      name text not null,
      website text not null unique,
      postal_codes text[] not null default '{}',
      priority integer not null default 0,
      force_browser boolean not null default false,
      selectors jsonb not null default '{}',
      listing_urls text[] not null default '{}',
      needs_browser boolean not null default false,
      detected_format text,
      active boolean not null default true,
      consecutive_failures integer not null default 0,
      flagged_at timestamptz,
      last_run_at timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table watch_listings (
      id bigserial primary key,
      source_id bigint not null references watch_sources(id) on delete cascade,
      source_url text not null,
      external_id text,
      title text not null,
      price bigint,
      transaction text check (transaction in ('sale', 'rent')),
      surface numeric(10, 2),
      rooms integer,
      bedrooms integer,
      bathrooms integer,
      property_type text check (property_type in ('apartment', 'house', 'land', 'commercial', 'parking', 'other')),
      address text,
      postal_code text,
      city text,
      description text,
      photos jsonb not null default '[]',
      features jsonb not null default '[]',
      quality real not null default 0,
      fingerprint text,
      content_hash text not null,
      duplicate_of bigint references watch_listings(id) on delete set null,
      duplicate_evidence jsonb,
      status text not null default 'active' check (status in ('active', 'inactive')),
      missed_runs integer not null default 0,
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      removed_at timestamptz,
      unique (source_id, source_url)
    ) with (fillfactor = 45);
    create index watch_listings_postal_price on watch_listings (postal_code, price) where status = 'active';
    create index watch_listings_city_type on watch_listings (city, property_type);
    create index watch_listings_source_status on watch_listings (source_id, status);
    create index watch_listings_first_seen on watch_listings (first_seen_at, id);
    create index watch_listings_dup_block on watch_listings (postal_code, rooms, property_type) where status = 'active';
    create index watch_listings_fingerprint on watch_listings (fingerprint) where status = 'active';
    create index watch_listings_duplicate_of on watch_listings (duplicate_of) where duplicate_of is not null;

    create table watch_crawl_runs (
      id bigserial primary key,
      source_id bigint not null references watch_sources(id) on delete cascade,
      run_key text not null unique,
      workflow_id text not null,
      status text not null default 'running' check (status in ('running', 'ok', 'partial', 'failed')),
      pages integer not null default 0,
      found integer not null default 0,
      new integer not null default 0,
      updated integer not null default 0,
      removed integer not null default 0,
      reactivated integer not null default 0,
      errors integer not null default 0,
      error_message text,
      applied_at timestamptz,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      duration_ms integer
    );
    create index watch_crawl_runs_source on watch_crawl_runs (source_id, id desc);

    create table watch_listing_history (
      id bigserial primary key,
      listing_id bigint not null references watch_listings(id) on delete cascade,
      run_id bigint references watch_crawl_runs(id) on delete set null,
      event text not null check (event in ('new', 'updated', 'removed', 'reactivated')),
      changes jsonb not null default '{}',
      price_old bigint,
      price_new bigint,
      at timestamptz not null default now()
    );
    create index watch_listing_history_listing on watch_listing_history (listing_id, id);
    create index watch_listing_history_run on watch_listing_history (run_id);

    create table watch_snapshot_items (
      run_id bigint not null references watch_crawl_runs(id) on delete cascade,
      source_url text not null,
      external_id text,
      title text not null,
      price bigint,
      transaction text,
      surface numeric(10, 2),
      rooms integer,
      bedrooms integer,
      bathrooms integer,
      property_type text,
      address text,
      postal_code text,
      city text,
      description text,
      photos jsonb not null default '[]',
      features jsonb not null default '[]',
      quality real not null default 0,
      fingerprint text,
      content_hash text not null,
      primary key (run_id, source_url)
    );

    create table watch_crawl_errors (
      id bigserial primary key,
      run_id bigint not null references watch_crawl_runs(id) on delete cascade,
      url text not null,
      kind text not null,
      message text not null,
      at timestamptz not null default now(),
      unique (run_id, url, kind)
    );

    create table watch_alerts (
      id bigserial primary key,
      owner_email text not null,
      name text,
      criteria jsonb not null,
      channel text not null check (channel in ('email', 'webhook')),
      target text not null,
      frequency text not null default 'immediate' check (frequency in ('immediate', 'daily')),
      unsubscribe_token text not null unique,
      active boolean not null default true,
      last_notified_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index watch_alerts_owner on watch_alerts (lower(owner_email));

    create table watch_alert_matches (
      alert_id bigint not null references watch_alerts(id) on delete cascade,
      listing_id bigint not null references watch_listings(id) on delete cascade,
      event_key text not null,
      event text not null check (event in ('new', 'price_drop')),
      outbox_key text,
      digested_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (alert_id, listing_id, event_key)
    );
    create index watch_alert_matches_digest on watch_alert_matches (alert_id) where digested_at is null and outbox_key is null;

    create table watch_market_stats (
      postal_code text primary key,
      stats jsonb not null,
      computed_at timestamptz not null default now()
    );

    create table watch_politeness (
      host text primary key,
      next_at timestamptz not null,
      delay_ms integer not null
    );

    create table watch_generic (
      id bigserial primary key,
      name text not null,
      url text not null,
      selector text,
      text_contains text,
      interval_minutes integer not null default 60,
      channel text not null check (channel in ('email', 'webhook')),
      target text not null,
      owner_email text,
      last_text text,
      last_checked_at timestamptz,
      last_changed_at timestamptz,
      last_error text,
      created_at timestamptz not null default now()
    );

    create table watch_generic_changes (
      id bigserial primary key,
      watch_id bigint not null references watch_generic(id) on delete cascade,
      summary text not null,
      added jsonb not null default '[]',
      removed jsonb not null default '[]',
      text_hash text not null,
      at timestamptz not null default now(),
      unique (watch_id, text_hash)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists watch_generic_changes, watch_generic, watch_politeness, watch_market_stats,
      watch_alert_matches, watch_alerts, watch_crawl_errors, watch_snapshot_items, watch_listing_history,
      watch_crawl_runs, watch_listings, watch_sources cascade
  `.execute(db);
}
