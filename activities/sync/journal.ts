/**
 * The applier's journal: each write made for a record of a page (the HubSpot object, the
 * customer's contact, the Sage update) is recorded in PostgreSQL as soon as it is done, so a
 * page played again after a crash or a failed step skips what had succeeded and reuses its
 * result (the HubSpot id, Sage's stored record). Rows belong to a run; `finishSyncRun` clears them.
 */
import type { Db, DbOrTx } from '../../db/client.js';
import type { SyncEntity } from './mapping/types.js';
import { json } from './store.js';

export type Step = 'hubspot' | 'contact' | 'sage' | 'sage-create' | 'person' | 'quote-create';

export interface Journal {
  get<T = Record<string, unknown>>(step: Step, sageId: string): T | undefined;
  record(step: Step, entries: Array<{ sageId: string; result: Record<string, unknown> }>): Promise<void>;
}

export async function openJournal(db: Db, runId: string, pageKey: string, entity: SyncEntity): Promise<Journal> {
  const rows = await db.selectFrom('sync_record_writes').select(['sage_id', 'step', 'result']).where('run_id', '=', runId).where('page_key', '=', pageKey).where('entity', '=', entity).execute();
  const done = new Map(rows.map((r) => [`${r.step}\0${r.sage_id}`, r.result]));
  return {
    get: <T>(step: Step, sageId: string) => done.get(`${step}\0${sageId}`) as T | undefined,
    async record(step, entries) {
      if (!entries.length) return;
      for (const e of entries) done.set(`${step}\0${e.sageId}`, e.result);
      await db
        .insertInto('sync_record_writes')
        .values(entries.map((e) => ({ run_id: runId, page_key: pageKey, entity, sage_id: e.sageId, step, result: json(e.result) })))
        .onConflict((oc) => oc.columns(['run_id', 'page_key', 'entity', 'sage_id', 'step']).doUpdateSet((eb) => ({ result: eb.ref('excluded.result') })))
        .execute();
    },
  };
}

/** A journal that remembers nothing (a dry run writes nothing anywhere). */
export const noJournal: Journal = { get: () => undefined, record: async () => undefined };

export async function clearJournal(db: DbOrTx, runId: string): Promise<void> {
  await db.deleteFrom('sync_record_writes').where('run_id', '=', runId).execute();
}
