/**
 * Queries over `watch_sources` (the agency sites the fleet crawls): the API's CRUD and CSV upsert,
 * and what the crawl activities read of a source. Plain functions over the pool or a transaction.
 */
import { sql } from 'kysely';
import type { NewWatchSource, WatchSource, WatchSourceUpdate } from '../schema/watches.js';
import { countOf } from './keyset.js';
import type { Queryable } from './types.js';

/** Inserts a source; a duplicate website throws PostgreSQL's unique violation (23505). */
export async function insertSource(db: Queryable, values: NewWatchSource): Promise<WatchSource> {
  return db.insertInto('watch_sources').values(values).returningAll().executeTakeFirstOrThrow();
}

export interface SourceListFilter {
  /** true: flagged sources only; false: unflagged only. */
  flagged?: boolean;
  /** Substring of the name or the website. */
  q?: string;
}

/** Sources under `f` by id after `after`, `limit + 1` rows; and their total. */
export async function listSources(db: Queryable, f: SourceListFilter, after: number | null, limit: number) {
  let base = db.selectFrom('watch_sources');
  if (f.flagged === true) base = base.where('flagged_at', 'is not', null);
  if (f.flagged === false) base = base.where('flagged_at', 'is', null);
  if (f.q) {
    const like = `%${f.q}%`;
    base = base.where((eb) => eb.or([eb('name', 'ilike', like), eb('website', 'ilike', like)]));
  }
  const [rows, total] = await Promise.all([
    (after ? base.where('id', '>', after) : base)
      .selectAll()
      .orderBy('id')
      .limit(limit + 1)
      .execute(),
    countOf(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total };
}

export async function getSource(db: Queryable, id: number): Promise<WatchSource | undefined> {
  return db.selectFrom('watch_sources').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Changes a source (updated_at = now()); undefined when there is none; a taken website throws 23505. */
export async function updateSource(db: Queryable, id: number, set: Omit<WatchSourceUpdate, 'updated_at'>): Promise<WatchSource | undefined> {
  return db
    .updateTable('watch_sources')
    .set({ ...set, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a source; false when there was none. */
export async function deleteSource(db: Queryable, id: number): Promise<boolean> {
  const res = await db.deleteFrom('watch_sources').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export type CsvSourceFields = Pick<NewWatchSource, 'name' | 'website' | 'postal_codes' | 'priority' | 'force_browser' | 'listing_urls'>;

/** Creates the source of `s.website` (no selectors) or updates its CSV fields; whether it was created. */
export async function upsertSourceByWebsite(db: Queryable, s: CsvSourceFields): Promise<boolean> {
  const row = await db
    .insertInto('watch_sources')
    .values({ ...s, selectors: '{}' })
    .onConflict((oc) =>
      oc.column('website').doUpdateSet({
        name: s.name,
        postal_codes: s.postal_codes,
        priority: s.priority,
        force_browser: s.force_browser,
        listing_urls: s.listing_urls,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirstOrThrow();
  return row.inserted;
}

/** What a crawl learned of a source: it needs a browser (only ever set), its listing format (kept when not given). */
export async function recordSourceDetection(db: Queryable, id: number, learned: { needsBrowser: boolean; format: string | null }): Promise<void> {
  await db
    .updateTable('watch_sources')
    .set((eb) => ({ needs_browser: learned.needsBrowser ? true : eb.ref('needs_browser'), detected_format: learned.format ?? eb.ref('detected_format') }))
    .where('id', '=', id)
    .execute();
}

/** Active sources' ids (with priority >= 1 when `priorityOnly`) after `afterId`, ascending, at most `limit`. */
export async function activeSourceIds(db: Queryable, q: { priorityOnly: boolean; afterId: number; limit: number }): Promise<number[]> {
  let sel = db.selectFrom('watch_sources').select('id').where('active', '=', true).where('id', '>', q.afterId);
  if (q.priorityOnly) sel = sel.where('priority', '>=', 1);
  return (await sel.orderBy('id').limit(q.limit).execute()).map((r) => r.id);
}
