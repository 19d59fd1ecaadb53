/**
 * The business figures behind the API's /metrics (api/metrics/business.ts): one grouped count per
 * question, over columns the tables' indexes or sizes keep cheap. Each returns rows of labels and
 * a count, ready to become a Prometheus gauge.
 */
import { sql } from 'kysely';
import type { Database } from '../database.js';
import type { Queryable } from './types.js';

export interface Counted<L extends string> {
  labels: Record<L, string>;
  n: number;
}

const rows = <L extends string>(list: Array<Record<L, string | null> & { n: number | string }>, keys: readonly L[]): Array<Counted<L>> =>
  list.map((r) => ({ labels: Object.fromEntries(keys.map((k) => [k, r[k] ?? 'none'])) as Record<L, string>, n: Number(r.n) }));

/** Rows of `table` grouped by one of its columns, the column's value under the label `label`. */
async function countBy<T extends keyof Database, L extends string>(db: Queryable, table: T, column: keyof Database[T] & string, label: L) {
  const { rows: r } = await sql<
    Record<L, string | null> & { n: number }
  >`select ${sql.ref(column)} as ${sql.id(label)}, count(*) as n from ${sql.table(table)} group by 1`.execute(db);
  return rows(r, [label] as const);
}

/** Concierge orders by the saga's current phase. */
export const ordersByPhase = (db: Queryable) => countBy(db, 'concierge_orders', 'phase', 'phase');

/** Listings the watches have seen, by status (active / inactive). */
export const listingsByStatus = (db: Queryable) => countBy(db, 'watch_listings', 'status', 'status');

/** Listing history events (new, updated, removed, reactivated) recorded so far. */
export const listingEventsByType = (db: Queryable) => countBy(db, 'watch_listing_history', 'event', 'event');

/**
 * Outbox notifications (alerts, mails, webhooks) by what they are about (the dedupe key's first
 * segment: monitor, watch, alert, concierge…), channel and status (pending / sent / failed).
 */
export async function notificationsByStatus(db: Queryable) {
  const source = sql<string>`split_part(dedupe_key, ':', 1)`;
  const r = await db
    .selectFrom('outbox')
    .select([source.as('source'), 'channel', 'status', sql<number>`count(*)`.as('n')])
    .groupBy([source, 'channel', 'status'])
    .execute();
  return rows(r, ['source', 'channel', 'status'] as const);
}

/** Records the sync wrote to HubSpot or Sage, by entity. */
export const syncRecordWritesByEntity = (db: Queryable) => countBy(db, 'sync_record_writes', 'entity', 'entity');

/** Sync conflicts by status (auto, held, resolved, applied). */
export const syncConflictsByStatus = (db: Queryable) => countBy(db, 'sync_conflicts', 'status', 'status');

/** Hosting audits by status and, once completed, verdict. */
export async function auditsByVerdict(db: Queryable) {
  const r = await db
    .selectFrom('audit_reports')
    .select(['status', 'verdict', sql<number>`count(*)`.as('n')])
    .groupBy(['status', 'verdict'])
    .execute();
  return rows(r, ['status', 'verdict'] as const);
}

/** Live monitors by availability (up / down / unknown), paused ones apart. */
export async function monitorsByState(db: Queryable) {
  const state = sql<string>`case when paused then 'paused' else coalesce(machine->>'availability', 'unknown') end`;
  const r = await db
    .selectFrom('monitors')
    .select([state.as('state'), sql<number>`count(*)`.as('n')])
    .where('deleted_at', 'is', null)
    .groupBy(state)
    .execute();
  return rows(r, ['state'] as const);
}
