/**
 * Queries over the notification `outbox` (activities/shared/outbox.ts records and delivers through
 * them): rows keyed by a dedupe key, locked while one is sent, marked sent in the same transaction.
 */
import { sql } from 'kysely';
import type { OutboxChannel, OutboxRow } from '../schema/outbox.js';
import type { Queryable } from './types.js';

/** Inserts rows under new keys (known keys are left as they are); returns the keys that were new. */
export async function insertOutbox(db: Queryable, rows: Array<{ key: string; channel: OutboxChannel; payload: unknown }>): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('outbox')
    .values(rows.map((n) => ({ dedupe_key: n.key, channel: n.channel, payload: JSON.stringify(n.payload) })))
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('dedupe_key')
    .execute();
  return inserted.map((r) => r.dedupe_key);
}

/** The row under `key`, locked until the transaction ends (`FOR UPDATE`). */
export async function lockOutboxRow(tx: Queryable, key: string): Promise<OutboxRow | undefined> {
  return tx.selectFrom('outbox').selectAll().where('dedupe_key', '=', key).forUpdate().executeTakeFirst();
}

export async function markOutboxSent(tx: Queryable, row: Pick<OutboxRow, 'id' | 'attempts'>): Promise<void> {
  await tx
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: sql<Date>`now()`, attempts: row.attempts + 1, last_error: null })
    .where('id', '=', row.id)
    .execute();
}

/** Counts a failed attempt on a pending row and keeps its error. */
export async function recordOutboxFailure(db: Queryable, key: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ attempts: sql<number>`attempts + 1`, last_error: error.slice(0, 1000) })
    .where('dedupe_key', '=', key)
    .where('status', '=', 'pending')
    .execute();
}

/** Of `keys`, those whose row is still waiting to be sent. */
export async function pendingOutboxKeys(db: Queryable, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'in', keys).where('status', '=', 'pending').execute();
  return rows.map((r) => r.dedupe_key);
}

/** Keys of pending rows matching the LIKE pattern `pattern`. */
export async function pendingOutboxKeysLike(db: Queryable, pattern: string): Promise<string[]> {
  const rows = await db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'like', pattern).where('status', '=', 'pending').execute();
  return rows.map((r) => r.dedupe_key);
}
