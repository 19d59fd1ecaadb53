/**
 * The sync applier's journal in PostgreSQL (activities/sync/journal.ts): the writes already made
 * for the records of a run's page, recorded as each is done, and cleared when the run finishes.
 */
import type { Queryable } from './types.js';

export interface JournalKey {
  runId: string;
  pageKey: string;
  entity: string;
}

/** The writes recorded for this page of this run: per record and step, its result. */
export async function journalEntries(db: Queryable, k: JournalKey) {
  return db
    .selectFrom('sync_record_writes')
    .select(['sage_id', 'step', 'result'])
    .where('run_id', '=', k.runId)
    .where('page_key', '=', k.pageKey)
    .where('entity', '=', k.entity)
    .execute();
}

/** Records (or replaces) the results of one step for these records. */
export async function recordJournalEntries(
  db: Queryable,
  k: JournalKey,
  step: string,
  entries: Array<{ sageId: string; result: Record<string, unknown> }>,
): Promise<void> {
  if (!entries.length) return;
  await db
    .insertInto('sync_record_writes')
    .values(entries.map((e) => ({ run_id: k.runId, page_key: k.pageKey, entity: k.entity, sage_id: e.sageId, step, result: JSON.stringify(e.result ?? null) })))
    .onConflict((oc) => oc.columns(['run_id', 'page_key', 'entity', 'sage_id', 'step']).doUpdateSet((eb) => ({ result: eb.ref('excluded.result') })))
    .execute();
}

/** Forgets the journal of a run (it finished). */
export async function clearJournal(db: Queryable, runId: string): Promise<void> {
  await db.deleteFrom('sync_record_writes').where('run_id', '=', runId).execute();
}
