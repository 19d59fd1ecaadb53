/**
 * Sync runs as the API reads them (api/routes/sync.ts): a page of runs newest first, one run, and
 * the sample records a run's pages kept of what went to HubSpot.
 */
import type { SyncRun, SyncRunStatus } from '../schema/sync.js';
import { beforeTimeId, countOf, micros } from './keyset.js';
import type { Queryable } from './types.js';

/** Runs (of `status` when given), newest first, before the cursor [micros, id], `limit + 1` rows; and their total. */
export async function listSyncRuns(db: Queryable, q: { status?: SyncRunStatus; before: unknown[] | null; limit: number }) {
  let base = db.selectFrom('sync_runs');
  if (q.status) base = base.where('status', '=', q.status);
  const [rows, total] = await Promise.all([
    (q.before ? base.where(beforeTimeId('started_at', 'id', q.before)) : base)
      .selectAll()
      .select(micros('started_at').as('us'))
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute(),
    countOf(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total };
}

export async function syncRunById(db: Queryable, id: string): Promise<SyncRun | undefined> {
  return db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The samples each of the run's pages kept of records sent to HubSpot, in page order as stored. */
export async function runSamples(db: Queryable, runId: string): Promise<unknown[]> {
  const rows = await db.selectFrom('sync_run_pages').select('samples').where('run_id', '=', runId).where('direction', '=', 'to_hubspot').execute();
  return rows.flatMap((s) => s.samples);
}
