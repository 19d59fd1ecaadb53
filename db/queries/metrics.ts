/**
 * The business figures behind the API's /metrics (api/metrics/business.ts): one grouped count per
 * question, over columns the tables' indexes or sizes keep cheap. Each returns rows of labels and
 * a count, ready to become a Prometheus gauge.
 */
import { sql } from 'kysely';
import type { Queryable } from './types.js';

export interface Counted<L extends string> {
  labels: Record<L, string>;
  n: number;
}

const rows = <L extends string>(list: Array<Record<L, string | null> & { n: number | string }>, keys: readonly L[]): Array<Counted<L>> =>
  list.map((r) => ({ labels: Object.fromEntries(keys.map((k) => [k, r[k] ?? 'none'])) as Record<L, string>, n: Number(r.n) }));

/** Concierge orders by the saga's current phase. */
export async function ordersByPhase(db: Queryable) {
  const r = await db.selectFrom('concierge_orders').select(['phase', sql<number>`count(*)`.as('n')]).groupBy('phase').execute();
  return rows(r, ['phase'] as const);
}

/** Listings the watches have seen, by status (active / inactive). */
export async function listingsByStatus(db: Queryable) {
  const r = await db.selectFrom('watch_listings').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  return rows(r, ['status'] as const);
}

/** Listing history events (new, updated, removed, reactivated) recorded so far. */
export async function listingEventsByType(db: Queryable) {
  const r = await db.selectFrom('watch_listing_history').select(['event', sql<number>`count(*)`.as('n')]).groupBy('event').execute();
  return rows(r, ['event'] as const);
}

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
export async function syncRecordWritesByEntity(db: Queryable) {
  const r = await db.selectFrom('sync_record_writes').select(['entity', sql<number>`count(*)`.as('n')]).groupBy('entity').execute();
  return rows(r, ['entity'] as const);
}

/** Sync conflicts by status (auto, held, resolved, applied). */
export async function syncConflictsByStatus(db: Queryable) {
  const r = await db.selectFrom('sync_conflicts').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  return rows(r, ['status'] as const);
}

/** Hosting audits by status and, once completed, verdict. */
export async function auditsByVerdict(db: Queryable) {
  const r = await db.selectFrom('audit_reports').select(['status', 'verdict', sql<number>`count(*)`.as('n')]).groupBy(['status', 'verdict']).execute();
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
