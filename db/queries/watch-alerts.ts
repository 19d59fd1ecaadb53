/**
 * Queries over `watch_alerts` (the saved searches of the watches family) and their matches
 * (`watch_alert_matches`: what activities/watches/notify/alerts.ts queues, immediately or in a
 * daily digest), and the erasure of one person's data (their alerts, generic watches and the
 * notifications addressed to them).
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { WatchAlert, WatchAlertMatchesTable, WatchAlertsTable } from '../schema/watches.js';
import type { Db } from '../client.js';
import { countOf } from './keyset.js';
import type { Queryable } from './types.js';

export async function insertAlert(db: Queryable, values: Insertable<WatchAlertsTable>): Promise<WatchAlert> {
  return db.insertInto('watch_alerts').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Alerts (of `email` when given) by id after `after`, `limit + 1` rows; and their total. */
export async function listAlerts(db: Queryable, q: { email?: string; after: number | null; limit: number }) {
  let base = db.selectFrom('watch_alerts');
  if (q.email) base = base.where('owner_email', '=', q.email);
  const [rows, total] = await Promise.all([
    (q.after ? base.where('id', '>', q.after) : base)
      .selectAll()
      .orderBy('id')
      .limit(q.limit + 1)
      .execute(),
    countOf(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total };
}

export async function getAlert(db: Queryable, id: number): Promise<WatchAlert | undefined> {
  return db.selectFrom('watch_alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Changes an alert; undefined when there is none. */
export async function updateAlert(db: Queryable, id: number, set: Omit<Updateable<WatchAlertsTable>, 'updated_at'>): Promise<WatchAlert | undefined> {
  return db
    .updateTable('watch_alerts')
    .set({ ...set, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes an alert; false when there was none. */
export async function deleteAlert(db: Queryable, id: number): Promise<boolean> {
  const res = await db.deleteFrom('watch_alerts').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Deactivates the alert of an unsubscribe token; its id, or undefined for an unknown token. */
export async function deactivateAlertByToken(db: Queryable, token: string): Promise<number | undefined> {
  const row = await db
    .updateTable('watch_alerts')
    .set({ active: false, updated_at: sql<Date>`now()` })
    .where('unsubscribe_token', '=', token)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/**
 * Deletes what is held about `email` (lower-case) in the watches family: its alerts, its generic
 * watches, and the notifications addressed to it or produced for them, in one transaction.
 */
export async function eraseWatchData(db: Db, email: string): Promise<{ alerts: number; watches: number[]; notifications: number }> {
  return db.transaction().execute(async (tx) => {
    const alerts = await tx
      .deleteFrom('watch_alerts')
      .where(sql<boolean>`lower(owner_email) = ${email}`)
      .returning('id')
      .execute();
    const watches = await tx
      .deleteFrom('watch_generic')
      .where(sql<boolean>`lower(owner_email) = ${email}`)
      .returning('id')
      .execute();
    const patterns = [...alerts.flatMap((a) => [`watch:alert:${a.id}:%`, `watch:digest:${a.id}:%`]), ...watches.map((w) => `watch:generic:${w.id}:%`)];
    // notifications addressed to the email, whatever produced them, and those of the deleted alerts
    const notes = await tx
      .deleteFrom('outbox')
      .where((eb) =>
        eb.or([eb(sql`lower(payload->>'to')`, '=', email), ...(patterns.length ? [eb('dedupe_key', 'like', sql<string>`any(${patterns}::text[])`)] : [])]),
      )
      .where('dedupe_key', 'like', 'watch:%')
      .returning('id')
      .execute();
    return { alerts: alerts.length, watches: watches.map((w) => w.id), notifications: notes.length };
  });
}

/** What matching and notifying need of an alert. */
export type AlertTarget = Pick<WatchAlert, 'id' | 'name' | 'criteria' | 'channel' | 'target' | 'frequency' | 'unsubscribe_token'>;

/** Active alerts. */
export async function activeAlerts(db: Queryable): Promise<AlertTarget[]> {
  return db
    .selectFrom('watch_alerts')
    .select(['id', 'name', 'criteria', 'channel', 'target', 'frequency', 'unsubscribe_token'])
    .where('active', '=', true)
    .execute();
}

/** Active daily alerts with matches not yet in a digest. */
export async function dailyAlertsWithUndigested(db: Queryable): Promise<AlertTarget[]> {
  return db
    .selectFrom('watch_alerts')
    .select(['id', 'name', 'criteria', 'channel', 'target', 'frequency', 'unsubscribe_token'])
    .where('active', '=', true)
    .where('frequency', '=', 'daily')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('watch_alert_matches as m')
          .select('m.alert_id')
          .whereRef('m.alert_id', '=', 'watch_alerts.id')
          .where('m.digested_at', 'is', null)
          .where('m.outbox_key', 'is', null),
      ),
    )
    .execute();
}

/**
 * A run's alert-worthy events with their whole listing row (`R` names that shape): new listings
 * (not duplicates) and price drops (a price change or a reactivation at a lower price), of
 * listings still offered.
 */
export async function runAlertEvents<R>(db: Queryable, runId: number): Promise<R[]> {
  const { rows } = await sql<R>`
    select l.*, h.event, h.price_old, h.price_new
    from watch_listing_history h join watch_listings l on l.id = h.listing_id
    where h.run_id = ${runId} and l.status = 'active'
      and ((h.event = 'new' and l.duplicate_of is null)
        or (h.event in ('price_change', 'reactivated') and h.price_new < h.price_old))
  `.execute(db);
  return rows;
}

/** Records (alert, listing, event) matches, each once, 1,000 a statement. */
export async function insertAlertMatches(db: Queryable, matches: Insertable<WatchAlertMatchesTable>[]): Promise<void> {
  for (let i = 0; i < matches.length; i += 1000) {
    await db
      .insertInto('watch_alert_matches')
      .values(matches.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['alert_id', 'listing_id', 'event_key']).doNothing())
      .execute();
  }
}

/**
 * Up to `limit` undigested matches of an alert, oldest first, locked until the transaction ends,
 * each with its whole listing row (`R` names that shape), the match's event and event key, and
 * for a price drop the price before it (`drop_from`).
 */
export async function lockUndigestedMatches<R>(tx: Queryable, alertId: number, limit: number): Promise<R[]> {
  const { rows } = await sql<R>`
    select l.*, m.event as m_event, m.event_key,
      (select h.price_old from watch_listing_history h where h.listing_id = l.id and m.event = 'price_drop'
         and h.price_new::text = split_part(m.event_key, ':', 2) order by h.id desc limit 1) as drop_from
    from watch_alert_matches m join watch_listings l on l.id = m.listing_id
    where m.alert_id = ${alertId} and m.digested_at is null and m.outbox_key is null
    order by m.created_at limit ${limit}
    for update of m
  `.execute(tx);
  return rows;
}

/** Marks an alert's matches (listing ids and event keys, pairwise) digested under outbox key `key`, and the alert notified. */
export async function markMatchesDigested(tx: Queryable, alertId: number, key: string, matches: { listingIds: number[]; eventKeys: string[] }): Promise<void> {
  await sql`
    update watch_alert_matches set digested_at = now(), outbox_key = ${key}
    where alert_id = ${alertId} and (listing_id, event_key) in (select * from unnest(${matches.listingIds}::bigint[], ${matches.eventKeys}::text[]))
  `.execute(tx);
  await tx
    .updateTable('watch_alerts')
    .set({ last_notified_at: sql<Date>`now()` })
    .where('id', '=', alertId)
    .execute();
}
