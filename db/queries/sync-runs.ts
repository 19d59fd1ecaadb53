/**
 * Sync runs as the API reads them (api/routes/sync.ts): a page of runs newest first, one run, and
 * the sample records a run's pages kept of what went to HubSpot.
 */
import type { SyncRun, SyncRunsTable, SyncRunStatus } from '../schema/sync.js';
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

// ---- the run as its activities write it (activities/sync/index.ts) ------------------------------

/** Records a run (idempotent by id). */
export async function insertSyncRun(db: Queryable, r: { id: string; mode: SyncRunsTable['mode']; dryRun: boolean; trigger: string }): Promise<void> {
  await db
    .insertInto('sync_runs')
    .values({ id: r.id, mode: r.mode, dry_run: r.dryRun, trigger: r.trigger })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Sets the run's progress counter `key` (entity or HubSpot object) to `processed`. */
export async function setRunProgress(db: Queryable, runId: string, key: string, processed: number): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set((eb) => ({ progress: eb.fn('jsonb_set', [eb.ref('progress'), eb.val(`{${key}}`), eb.val(JSON.stringify(processed))]) as never }))
    .where('id', '=', runId)
    .execute();
}

export async function syncRunStartedAt(db: Queryable, runId: string): Promise<Date> {
  const run = await db.selectFrom('sync_runs').select('started_at').where('id', '=', runId).executeTakeFirstOrThrow();
  return run.started_at;
}

export async function syncRunOrThrow(db: Queryable, runId: string): Promise<SyncRun> {
  return db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
}

/** The run's checkpoints (cursors named `run:<id>:<listing>`). */
export async function runCheckpoints(db: Queryable, runId: string) {
  return db.selectFrom('sync_cursors').selectAll().where('name', 'like', `run:${runId}:%`).execute();
}

export async function deleteRunCheckpoints(db: Queryable, runId: string): Promise<void> {
  await db.deleteFrom('sync_cursors').where('name', 'like', `run:${runId}:%`).execute();
}

/** Closes the run with its outcome. */
export async function closeSyncRun(db: Queryable, runId: string, r: { status: SyncRunStatus; error: string | null; failure: string | null }): Promise<void> {
  await db.updateTable('sync_runs').set({ status: r.status, error: r.error, failure: r.failure, finished_at: new Date() }).where('id', '=', runId).execute();
}
