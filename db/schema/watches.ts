import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
/** numeric comes back from pg as a string; we write numbers. */
type Numeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;

export type PropertyType = 'apartment' | 'house' | 'land' | 'commercial' | 'parking' | 'other';
export type Transaction = 'sale' | 'rent';
/** Where a listing stands: on the agency's site (active / under offer / sold) or gone from it for K runs. */
export type ListingStatus = 'active' | 'under_offer' | 'sold' | 'removed';
export type PriceQualifier = 'from' | 'on_request';

export interface SourceSelectors {
  item?: string;
  title?: string;
  price?: string;
  surface?: string;
  rooms?: string;
  link?: string;
  nextPage?: string;
}

/** An agency site (or any listing site) the fleet crawls. */
export interface WatchSourcesTable {
  id: Generated<number>;
  name: string;
  website: string;
  postal_codes: ColumnType<string[], string[] | undefined, string[]>;
  /** 0 = normal; >= 1 is also crawled by the 6-hourly priority schedule. */
  priority: ColumnType<number, number | undefined, number>;
  force_browser: ColumnType<boolean, boolean | undefined, boolean>;
  selectors: Json<SourceSelectors>;
  listing_urls: ColumnType<string[], string[] | undefined, string[]>;
  /** Remembered after a page turned out to need JavaScript. */
  needs_browser: ColumnType<boolean, boolean | undefined, boolean>;
  detected_format: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  flagged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_run_at: ColumnType<Date | null, never, Date | string | null>;
  last_error: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: Timestamp;
}

export interface WatchListingsTable {
  id: Generated<number>;
  source_id: number;
  source_url: string;
  external_id: string | null;
  title: string;
  price: number | null;
  transaction: Transaction | null;
  surface: Numeric;
  rooms: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  property_type: PropertyType | null;
  address: string | null;
  postal_code: string | null;
  city: string | null;
  description: string | null;
  photos: Json<string[]>;
  features: Json<string[]>;
  quality: number;
  fingerprint: string | null;
  content_hash: string;
  duplicate_of: number | null;
  duplicate_evidence: ColumnType<unknown, string | null, string | null>;
  status: ColumnType<ListingStatus, ListingStatus | undefined, ListingStatus>;
  price_qualifier: PriceQualifier | null;
  /** The price before the last price change (or the struck-through one the page showed). */
  previous_price: number | null;
  /** A finer type than property_type ('studio'), as extraction gives it. */
  property_subtype: string | null;
  missed_runs: ColumnType<number, number | undefined, number>;
  first_seen_at: ColumnType<Date, never, never>;
  last_seen_at: Timestamp;
  updated_at: Timestamp;
  removed_at: ColumnType<Date | null, never, Date | string | null>;
}

/**
 * new; price_change (the price moved, whatever else did); updated (other fields, including
 * active <-> under_offer); sold; removed (gone K runs); reactivated (back after removed, or sold
 * and offered again).
 */
export type ListingEvent = 'new' | 'price_change' | 'updated' | 'sold' | 'removed' | 'reactivated';
export const LISTING_EVENTS = ['new', 'price_change', 'updated', 'sold', 'removed', 'reactivated'] as const satisfies readonly ListingEvent[];

export interface WatchListingHistoryTable {
  id: Generated<number>;
  listing_id: number;
  run_id: number | null;
  event: ListingEvent;
  /** field -> { old, new } for every field that changed */
  changes: ColumnType<Record<string, { old: unknown; new: unknown }>, string, string>;
  price_old: number | null;
  price_new: number | null;
  at: ColumnType<Date, never, never>;
}

export type CrawlStatus = 'running' | 'ok' | 'partial' | 'failed' | 'cancelled';

export interface WatchCrawlRunsTable {
  id: Generated<number>;
  source_id: number;
  run_key: string;
  workflow_id: string;
  status: ColumnType<CrawlStatus, CrawlStatus | undefined, CrawlStatus>;
  pages: ColumnType<number, number | undefined, number>;
  found: ColumnType<number, number | undefined, number>;
  new: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  removed: ColumnType<number, number | undefined, number>;
  reactivated: ColumnType<number, number | undefined, number>;
  price_changes: ColumnType<number, number | undefined, number>;
  sold: ColumnType<number, number | undefined, number>;
  errors: ColumnType<number, number | undefined, number>;
  error_message: string | null;
  applied_at: ColumnType<Date | null, never, Date | string | null>;
  started_at: ColumnType<Date, never, never>;
  finished_at: ColumnType<Date | null, never, Date | string | null>;
  duration_ms: number | null;
}

/** One run's snapshot, staged page by page before the set-based diff. */
export interface WatchSnapshotItemsTable {
  run_id: number;
  source_url: string;
  external_id: string | null;
  title: string;
  price: number | null;
  transaction: Transaction | null;
  surface: number | null;
  rooms: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  property_type: PropertyType | null;
  address: string | null;
  postal_code: string | null;
  city: string | null;
  description: string | null;
  photos: Json<string[]>;
  features: Json<string[]>;
  quality: number;
  fingerprint: string | null;
  content_hash: string;
  status: ColumnType<string, string | undefined, string>;
  price_qualifier: string | null;
  previous_price: number | null;
  property_subtype: string | null;
  /** Read on the listing's own page (not a list card): wins a quality tie whatever the order. */
  from_detail: ColumnType<boolean, boolean | undefined, boolean>;
}

/** Crawl errors per run (one row per failing page), for the run log. */
export interface WatchCrawlErrorsTable {
  id: Generated<number>;
  run_id: number;
  url: string;
  kind: string;
  message: string;
  /** The HTTP status the page answered, for `http-NNN` kinds. */
  http_status: number | null;
  at: ColumnType<Date, never, never>;
}

export type AlertChannel = 'email' | 'webhook';
export type AlertFrequency = 'immediate' | 'daily';

export interface WatchAlertsTable {
  id: Generated<number>;
  owner_email: string;
  name: string | null;
  criteria: Json<unknown>;
  channel: AlertChannel;
  target: string;
  frequency: AlertFrequency;
  unsubscribe_token: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  last_notified_at: ColumnType<Date | null, never, Date | string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: Timestamp;
}

/** One row per (alert, listing, event): what matched, and whether a digest carried it yet. */
export interface WatchAlertMatchesTable {
  alert_id: number;
  listing_id: number;
  event_key: string;
  event: 'new' | 'price_drop';
  outbox_key: string | null;
  digested_at: ColumnType<Date | null, never, Date | string | null>;
  created_at: ColumnType<Date, never, never>;
}

export interface WatchMarketStatsTable {
  postal_code: string;
  stats: Json<unknown>;
  computed_at: Timestamp;
}

/** Per-host next allowed request time, shared by every worker process. */
export interface WatchPolitenessTable {
  host: string;
  next_at: Timestamp;
  delay_ms: number;
}

export interface WatchGenericTable {
  id: Generated<number>;
  name: string;
  url: string;
  selector: string | null;
  text_contains: string | null;
  interval_minutes: number;
  channel: AlertChannel;
  target: string;
  owner_email: string | null;
  last_text: string | null;
  last_checked_at: ColumnType<Date | null, never, Date | string | null>;
  last_changed_at: ColumnType<Date | null, never, Date | string | null>;
  last_error: string | null;
  created_at: ColumnType<Date, never, never>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  paused: ColumnType<boolean, boolean | undefined, boolean>;
  /** Change events recorded so far: the next one is `seq + 1`. */
  seq: ColumnType<number, number | undefined, number>;
  last_hash: string | null;
  next_check_at: ColumnType<Date, Date | string | undefined, Date | string>;
  lease_owner: string | null;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface WatchGenericChangesTable {
  id: Generated<number>;
  watch_id: number;
  summary: string;
  added: Json<string[]>;
  removed: Json<string[]>;
  text_hash: string;
  at: ColumnType<Date, never, never>;
  seq: number;
  prev_hash: string | null;
  /** The sweep (activity) that recorded it: its retry delivers what it left pending. */
  sweep: string | null;
}

export type WatchSource = Selectable<WatchSourcesTable>;
export type NewWatchSource = Insertable<WatchSourcesTable>;
export type WatchSourceUpdate = Updateable<WatchSourcesTable>;
export type WatchListing = Selectable<WatchListingsTable>;
export type WatchAlert = Selectable<WatchAlertsTable>;
export type WatchGeneric = Selectable<WatchGenericTable>;
