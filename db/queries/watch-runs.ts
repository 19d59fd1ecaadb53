/**
 * Queries of crawl-run bookkeeping (`watch_crawl_runs`, `watch_crawl_errors`) and the source's
 * failure streak a finished run updates. activities/watches/store/runs.ts decides what to write.
 */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { CrawlStatus, WatchCrawlErrorsTable, WatchCrawlRunsTable } from '../schema/watches.js';
import type { Queryable } from './types.js';

/** Opens the run for `runKey` (the workflow run), or finds it when the activity is retried. */
export async function openRun(db: Queryable, sourceId: number, runKey: string, workflowId: string): Promise<number> {
  const row = await db
    .insertInto('watch_crawl_runs')
    .values({ source_id: sourceId, run_key: runKey, workflow_id: workflowId })
    .onConflict((oc) => oc.column('run_key').doUpdateSet({ run_key: runKey }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Inserts page errors, once per (run, url, kind): a retry writes nothing new. */
export async function insertCrawlErrors(db: Queryable, rows: Insertable<WatchCrawlErrorsTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('watch_crawl_errors')
    .values(rows)
    .onConflict((oc) => oc.columns(['run_id', 'url', 'kind']).doNothing())
    .execute();
}

/** The run, locked until the transaction ends. */
export async function lockRun(tx: Queryable, runId: number): Promise<Selectable<WatchCrawlRunsTable>> {
  return tx.selectFrom('watch_crawl_runs').selectAll().where('id', '=', runId).forUpdate().executeTakeFirstOrThrow();
}

export async function sourceFailureState(db: Queryable, sourceId: number): Promise<{ consecutive_failures: number; flagged_at: Date | null }> {
  return db.selectFrom('watch_sources').select(['consecutive_failures', 'flagged_at']).where('id', '=', sourceId).executeTakeFirstOrThrow();
}

/** A run's page errors whose kind is not in `notErrors`. */
export async function countRunErrors(db: Queryable, runId: number, notErrors: string[]): Promise<number> {
  const row = await db
    .selectFrom('watch_crawl_errors')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId)
    .where('kind', 'not in', notErrors)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Closes a run: status, pages, errors, message, finished_at and duration (from started_at). */
export async function closeRun(
  db: Queryable,
  runId: number,
  v: { status: CrawlStatus; pages: number; errors: number; errorMessage: string | null },
): Promise<void> {
  await sql`
    update watch_crawl_runs set status = ${v.status}, pages = ${v.pages}, errors = ${v.errors},
      error_message = ${v.errorMessage}, finished_at = now(),
      duration_ms = (extract(epoch from (now() - started_at)) * 1000)::int
    where id = ${runId}
  `.execute(db);
}

/**
 * Updates a source's failure streak after a run: a failed run adds one, any other resets it;
 * crossing `flagAfter` sets `flagged_at` once (`newly`: this update set it).
 */
export async function recordSourceOutcome(db: Queryable, sourceId: number, v: { failed: boolean; errorMessage: string | null; flagAfter: number }) {
  const { rows } = await sql<{ consecutive_failures: number; flagged_at: Date | null; newly: boolean }>`
    update watch_sources s set
      consecutive_failures = case when ${v.failed} then s.consecutive_failures + 1 else 0 end,
      flagged_at = case
        when not ${v.failed} then null
        when s.flagged_at is null and s.consecutive_failures + 1 >= ${v.flagAfter} then now()
        else s.flagged_at end,
      last_run_at = now(),
      last_error = ${v.errorMessage},
      updated_at = now()
    from (select flagged_at as old_flag from watch_sources where id = ${sourceId}) o
    where s.id = ${sourceId}
    returning s.consecutive_failures, s.flagged_at, (o.old_flag is null and s.flagged_at is not null) as newly
  `.execute(db);
  return rows[0]!;
}

/** The source of a run, with its failure flag and last error. */
export async function runSourceFlag(db: Queryable, runId: number) {
  return db
    .selectFrom('watch_crawl_runs as r')
    .innerJoin('watch_sources as s', 's.id', 'r.source_id')
    .select(['s.id', 's.name', 's.website', 's.flagged_at', 's.last_error'])
    .where('r.id', '=', runId)
    .executeTakeFirstOrThrow();
}
