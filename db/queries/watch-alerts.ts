/**
 * Queries over `watch_alerts` (the saved searches of the watches family) and the erasure of one
 * person's data (their alerts, generic watches and the notifications addressed to them).
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { WatchAlert, WatchAlertsTable } from '../schema/watches.js';
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
    (q.after ? base.where('id', '>', q.after) : base).selectAll().orderBy('id').limit(q.limit + 1).execute(),
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
  const row = await db.updateTable('watch_alerts').set({ active: false, updated_at: sql<Date>`now()` }).where('unsubscribe_token', '=', token).returning('id').executeTakeFirst();
  return row?.id;
}

/**
 * Deletes what is held about `email` (lower-case) in the watches family: its alerts, its generic
 * watches, and the notifications addressed to it or produced for them, in one transaction.
 */
export async function eraseWatchData(db: Db, email: string): Promise<{ alerts: number; watches: number[]; notifications: number }> {
  return db.transaction().execute(async (tx) => {
    const alerts = await tx.deleteFrom('watch_alerts').where(sql<boolean>`lower(owner_email) = ${email}`).returning('id').execute();
    const watches = await tx.deleteFrom('watch_generic').where(sql<boolean>`lower(owner_email) = ${email}`).returning('id').execute();
    const patterns = [...alerts.flatMap((a) => [`watch:alert:${a.id}:%`, `watch:digest:${a.id}:%`]), ...watches.map((w) => `watch:generic:${w.id}:%`)];
    // notifications addressed to the email, whatever produced them, and those of the deleted alerts
    const notes = await tx
      .deleteFrom('outbox')
      .where((eb) => eb.or([eb(sql`lower(payload->>'to')`, '=', email), ...(patterns.length ? [eb('dedupe_key', 'like', sql<string>`any(${patterns}::text[])`)] : [])]))
      .where('dedupe_key', 'like', 'watch:%')
      .returning('id')
      .execute();
    return { alerts: alerts.length, watches: watches.map((w) => w.id), notifications: notes.length };
  });
}
