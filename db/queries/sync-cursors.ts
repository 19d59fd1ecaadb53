/** Named sync cursors (`sync_cursors`): each source's incremental-read position and each run's checkpoints. */
import type { Queryable } from './types.js';

export async function getCursor(db: Queryable, name: string): Promise<string | null> {
  const row = await db.selectFrom('sync_cursors').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value ?? null;
}

export async function setCursor(db: Queryable, name: string, value: string): Promise<void> {
  await db
    .insertInto('sync_cursors')
    .values({ name, value, updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: new Date() }))
    .execute();
}
