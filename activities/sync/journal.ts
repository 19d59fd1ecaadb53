/**
 * The applier's journal: each write made for a record of a page (the HubSpot object, the
 * customer's contact, the Sage update) is recorded in PostgreSQL as soon as it is done, so a
 * page played again after a crash or a failed step skips what had succeeded and reuses its
 * result (the HubSpot id, Sage's stored record). Rows belong to a run; `finishSyncRun` clears them.
 */
import type { SyncEntity } from '../../core/contracts/sync.js';
import type { Db } from '../../db/client.js';
import { journalEntries, recordJournalEntries } from '../../db/queries/sync-journal.js';

export type Step = 'hubspot' | 'contact' | 'sage' | 'sage-create' | 'person' | 'quote-create';

export interface Journal {
  get<T = Record<string, unknown>>(step: Step, sageId: string): T | undefined;
  record(step: Step, entries: Array<{ sageId: string; result: Record<string, unknown> }>): Promise<void>;
}

export async function openJournal(db: Db, runId: string, pageKey: string, entity: SyncEntity): Promise<Journal> {
  const key = { runId, pageKey, entity };
  const rows = await journalEntries(db, key);
  const done = new Map(rows.map((r) => [`${r.step}\0${r.sage_id}`, r.result]));
  return {
    get: <T>(step: Step, sageId: string) => done.get(`${step}\0${sageId}`) as T | undefined,
    async record(step, entries) {
      if (!entries.length) return;
      for (const e of entries) done.set(`${step}\0${e.sageId}`, e.result);
      await recordJournalEntries(db, key, step, entries);
    },
  };
}

/** A journal that remembers nothing (a dry run writes nothing anywhere). */
export const noJournal: Journal = { get: () => undefined, record: async () => undefined };
