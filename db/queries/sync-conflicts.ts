/**
 * Sync conflicts as the API reads and resolves them (api/routes/sync.ts): a page of conflicts
 * newest first, one conflict, and the resolution of a held one.
 */
import type { SyncConflict, SyncConflictsTable } from '../schema/sync.js';
import { countOf } from './keyset.js';
import type { Queryable } from './types.js';

/** Conflicts (by status and entity when given), ids below `before`, newest first, `limit + 1` rows; and their total. */
export async function listSyncConflicts(db: Queryable, q: { status?: SyncConflictsTable['status']; entity?: string; before: number | null; limit: number }) {
  let base = db.selectFrom('sync_conflicts');
  if (q.status) base = base.where('status', '=', q.status);
  if (q.entity) base = base.where('entity', '=', q.entity);
  const [rows, total] = await Promise.all([
    (q.before ? base.where('id', '<', q.before) : base)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute(),
    countOf(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total };
}

export async function syncConflictById(db: Queryable, id: number): Promise<SyncConflict | undefined> {
  return db.selectFrom('sync_conflicts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Resolves the conflict if it is still held; undefined when it no longer is (resolved meanwhile). */
export async function resolveHeldConflict(db: Queryable, id: number, r: { value: unknown; by: string }): Promise<SyncConflict | undefined> {
  return db
    .updateTable('sync_conflicts')
    .set({ status: 'resolved', resolution_value: JSON.stringify(r.value ?? null), resolved_by: r.by, resolved_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'held')
    .returningAll()
    .executeTakeFirst();
}

/** The held conflicts of `field` (a creation) among these keys (sage_id column). */
export async function heldConflictsOf(db: Queryable, entity: string, field: string, keys: string[]) {
  return db
    .selectFrom('sync_conflicts')
    .select(['id', 'sage_id'])
    .where('entity', '=', entity)
    .where('field', '=', field)
    .where('status', '=', 'held')
    .where('sage_id', 'in', [...keys, '-'])
    .execute();
}
