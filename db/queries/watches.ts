/**
 * Queries of the watches routes: sources' runs (the run log, one run's report, its page errors) and
 * the listing event feed across sources. Plain functions over the pool or a transaction; the
 * routes shape the JSON.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { ListingEvent, ListingStatus, PropertyType, Transaction } from '../schema/watches.js';
import { beforeTimeId, countOf as count, micros } from './keyset.js';
import type { Queryable } from './types.js';

export async function sourceExists(db: Queryable, sourceId: number): Promise<boolean> {
  return (await db.selectFrom('watch_sources').select('id').where('id', '=', sourceId).executeTakeFirst()) !== undefined;
}

/** A source's runs, newest first, after run id `before` (keyset), `limit + 1` rows; and their total. */
export async function listSourceRuns(db: Queryable, sourceId: number, before: number | null, limit: number) {
  const base = db.selectFrom('watch_crawl_runs').where('source_id', '=', sourceId);
  const [rows, total] = await Promise.all([
    (before ? base.where('id', '<', before) : base)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute(),
    count(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total };
}

/** One run of one source (undefined when the run is not that source's). */
export async function getSourceRun(db: Queryable, sourceId: number, runId: number) {
  return db.selectFrom('watch_crawl_runs').selectAll().where('id', '=', runId).where('source_id', '=', sourceId).executeTakeFirst();
}

/** A run's page errors in the order they were recorded, after error id `after`, `limit + 1` rows; and their total. */
export async function listRunErrors(db: Queryable, runId: number, after: number | null, limit: number) {
  const base = db.selectFrom('watch_crawl_errors').where('run_id', '=', runId);
  const [rows, total] = await Promise.all([
    (after ? base.where('id', '>', after) : base)
      .select(['id', 'url', 'kind', 'http_status', 'message', 'at'])
      .orderBy('id')
      .limit(limit + 1)
      .execute(),
    count(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total };
}

export interface EventFilter {
  /** Events at or after this instant (RFC 3339). */
  since?: string;
  /** Events strictly before this instant. */
  until?: string;
  sourceId?: number;
  runId?: number;
  types?: ListingEvent[];
}

/**
 * Listing events (history rows) newest first by (time, id), with the listing's source, URL, title,
 * current status and price; after `cursor` ([micros, id]); `limit + 1` rows, and the total under
 * the same filters.
 */
export async function listListingEvents(db: Queryable, f: EventFilter, cursor: unknown[] | null, limit: number) {
  let base = db.selectFrom('watch_listing_history as h').innerJoin('watch_listings as l', 'l.id', 'h.listing_id');
  if (f.since) base = base.where(sql<SqlBool>`h.at >= ${f.since}::timestamptz`);
  if (f.until) base = base.where(sql<SqlBool>`h.at < ${f.until}::timestamptz`);
  if (f.sourceId !== undefined) base = base.where('l.source_id', '=', f.sourceId);
  if (f.runId !== undefined) base = base.where('h.run_id', '=', f.runId);
  if (f.types?.length) base = base.where('h.event', 'in', f.types);
  const page = (cursor ? base.where(beforeTimeId('h.at', 'h.id', cursor)) : base)
    .select([
      'h.id',
      'h.event',
      'h.listing_id',
      'h.run_id',
      'h.changes',
      'h.price_old',
      'h.price_new',
      'h.at',
      'l.source_id',
      'l.source_url',
      'l.title',
      'l.status',
      'l.price',
    ])
    .select(micros('h.at').as('at_us'))
    .orderBy('h.at', 'desc')
    .orderBy('h.id', 'desc')
    .limit(limit + 1);
  const [rows, total] = await Promise.all([page.execute(), count(base.select((eb) => eb.fn.countAll<string>().as('n')))]);
  return { rows, total };
}

/** A run's events by type (what the run report shows next to its counts). */
export async function runEventCounts(db: Queryable, runId: number): Promise<Partial<Record<ListingEvent, number>>> {
  const rows = await db
    .selectFrom('watch_listing_history')
    .select(['event', (eb) => eb.fn.countAll<string>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('event')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.event, Number(r.n)]));
}

export const LISTING_SORTS = {
  newest: { col: 'id', dir: 'desc' },
  oldest: { col: 'id', dir: 'asc' },
  price_asc: { col: 'price', dir: 'asc' },
  price_desc: { col: 'price', dir: 'desc' },
  surface_asc: { col: 'surface', dir: 'asc' },
  surface_desc: { col: 'surface', dir: 'desc' },
} as const;
export type ListingSort = keyof typeof LISTING_SORTS;

export interface ListingFilter {
  postalCodes: string[];
  city?: string;
  propertyTypes: PropertyType[];
  propertySubtype?: string;
  transaction?: Transaction;
  priceMin?: number;
  priceMax?: number;
  surfaceMin?: number;
  surfaceMax?: number;
  roomsMin?: number;
  roomsMax?: number;
  /** Words, each in the title or the description. */
  words: string[];
  sourceId?: number;
  /** Empty: any status. */
  statuses: ListingStatus[];
  includeDuplicates: boolean;
}

/**
 * Listings under `f`, sorted by `sort` then id (a nullable sort column lists only rows that have
 * it, so the keyset order is total), after `cursor` ([sort value, id]); `limit + 1` rows and the
 * total under the same filters.
 */
export async function searchListings(db: Queryable, f: ListingFilter, sortKey: ListingSort, cursor: unknown[] | null, limit: number) {
  const sort = LISTING_SORTS[sortKey];
  const base = db.selectFrom('watch_listings as l').where((eb) => {
    const and: Expression<SqlBool>[] = [];
    if (f.statuses.length) and.push(eb('l.status', 'in', f.statuses));
    if (!f.includeDuplicates) and.push(eb('l.duplicate_of', 'is', null));
    if (f.postalCodes.length) and.push(eb('l.postal_code', 'in', f.postalCodes));
    if (f.city) and.push(sql<SqlBool>`lower(l.city) = lower(${f.city})`);
    if (f.propertyTypes.length) and.push(eb('l.property_type', 'in', f.propertyTypes));
    if (f.propertySubtype) and.push(eb('l.property_subtype', '=', f.propertySubtype));
    if (f.transaction) and.push(eb('l.transaction', '=', f.transaction));
    if (f.priceMin !== undefined) and.push(eb('l.price', '>=', f.priceMin));
    if (f.priceMax !== undefined) and.push(eb('l.price', '<=', f.priceMax));
    if (f.surfaceMin !== undefined) and.push(sql<SqlBool>`l.surface >= ${f.surfaceMin}`);
    if (f.surfaceMax !== undefined) and.push(sql<SqlBool>`l.surface <= ${f.surfaceMax}`);
    if (f.roomsMin !== undefined) and.push(eb('l.rooms', '>=', f.roomsMin));
    if (f.roomsMax !== undefined) and.push(eb('l.rooms', '<=', f.roomsMax));
    if (f.sourceId !== undefined) and.push(eb('l.source_id', '=', f.sourceId));
    for (const word of f.words) {
      const like = `%${word.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
      and.push(sql<SqlBool>`(l.title ilike ${like} or l.description ilike ${like})`);
    }
    if (sort.col !== 'id') and.push(eb(`l.${sort.col}`, 'is not', null));
    return eb.and(and);
  });
  const op = sql.raw(sort.dir === 'asc' ? '>' : '<');
  const after = !cursor
    ? base
    : sort.col === 'id'
      ? base.where(sql<SqlBool>`l.id ${op} ${Number(cursor[1])}`)
      : base.where(sql<SqlBool>`(l.${sql.raw(sort.col)}, l.id) ${op} (${String(cursor[0])}::numeric, ${Number(cursor[1])})`);
  const [rows, total] = await Promise.all([
    after
      .selectAll()
      .orderBy(`l.${sort.col}`, sort.dir)
      .$if(sort.col !== 'id', (qb) => qb.orderBy('l.id', sort.dir))
      .limit(limit + 1)
      .execute(),
    count(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total, sortCol: sort.col };
}

/** One listing with its history (oldest first) and the listings linked to it as duplicates. */
export async function getListing(db: Queryable, id: number) {
  const row = await db.selectFrom('watch_listings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [history, duplicates] = await Promise.all([
    db.selectFrom('watch_listing_history').selectAll().where('listing_id', '=', id).orderBy('id').execute(),
    db.selectFrom('watch_listings').select(['id', 'source_id', 'source_url', 'duplicate_evidence']).where('duplicate_of', '=', id).orderBy('id').execute(),
  ]);
  return { row, history, duplicates };
}

/** The id of a source's listing at `sourceUrl` (normalised), if it holds one. */
export async function listingIdByUrl(db: Queryable, sourceId: number, sourceUrl: string): Promise<number | undefined> {
  return (await db.selectFrom('watch_listings').select('id').where('source_id', '=', sourceId).where('source_url', '=', sourceUrl).executeTakeFirst())?.id;
}
