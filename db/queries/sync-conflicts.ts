/**
 * Sync conflicts as the API reads and resolves them (api/routes/sync.ts): a page of conflicts
 * newest first, one conflict, and the resolution of a held one; and as the engine logs them, reads
 * those still open for a batch and marks the resolved ones applied.
 */
import type { ConflictEntry, SyncEntity } from '../../core/contracts/sync.js';
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

// ---- the engine: open conflicts of a batch, the log, the resolutions applied ------------------

/** Fields held for a person, and values people chose, per Sage id. */
export async function openConflicts(db: Queryable, entity: SyncEntity, sageIds: string[]) {
  const held = new Map<string, Set<string>>();
  const resolved = new Map<string, { values: Record<string, string | number | null>; ids: number[] }>();
  if (!sageIds.length) return { held, resolved };
  const rows = await db
    .selectFrom('sync_conflicts')
    .select(['id', 'sage_id', 'field', 'status', 'resolution_value'])
    .where('entity', '=', entity)
    .where('sage_id', 'in', sageIds)
    .where('status', 'in', ['held', 'resolved'])
    .execute();
  for (const r of rows) {
    if (r.status === 'held') {
      let s = held.get(r.sage_id);
      if (!s) held.set(r.sage_id, (s = new Set()));
      s.add(r.field);
    } else {
      let e = resolved.get(r.sage_id);
      if (!e) resolved.set(r.sage_id, (e = { values: {}, ids: [] }));
      e.values[r.field] = (r.resolution_value ?? null) as string | number | null;
      e.ids.push(r.id);
    }
  }
  return { held, resolved };
}

export async function logConflicts(db: Queryable, runId: string, entity: SyncEntity, sageId: string, entries: ConflictEntry[]): Promise<void> {
  for (const c of entries) {
    await db
      .insertInto('sync_conflicts')
      .values({
        run_id: runId,
        entity,
        sage_id: sageId,
        field: c.field,
        base_value: JSON.stringify(c.base ?? null),
        sage_value: JSON.stringify(c.sage ?? null),
        hubspot_value: JSON.stringify(c.hubspot ?? null),
        rule: c.rule,
        winner: c.winner,
        status: c.winner === null ? 'held' : 'auto',
        resolution_value: c.winner === null ? null : JSON.stringify(c.value ?? null),
      })
      .onConflict((oc) => oc.columns(['entity', 'sage_id', 'field']).where('status', 'in', ['held', 'resolved']).doNothing())
      .execute();
  }
}

export async function markApplied(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await db.updateTable('sync_conflicts').set({ status: 'applied' }).where('id', 'in', ids).execute();
}
