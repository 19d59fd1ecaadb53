/** Crawl-run bookkeeping: open a run (idempotent by its key), record page errors, close it. */
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../../db/client.js';
import type { CrawlStatus } from '../../../db/schema/watches.js';

/** Opens the run for `runKey` (the workflow run), or finds it when the activity is retried. */
export async function openRun(db: DbOrTx, sourceId: number, runKey: string, workflowId: string): Promise<number> {
  const row = await db
    .insertInto('watch_crawl_runs')
    .values({ source_id: sourceId, run_key: runKey, workflow_id: workflowId })
    .onConflict((oc) => oc.column('run_key').doUpdateSet({ run_key: runKey }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface PageProblem {
  url: string;
  kind: string;
  message: string;
  /** The HTTP status the page answered; read from an `http-NNN` kind when not given. */
  status?: number;
}

/** The HTTP status of a problem: its own, or the one its `http-NNN` kind names. */
export function problemStatus(p: PageProblem): number | null {
  if (p.status !== undefined && Number.isInteger(p.status) && p.status >= 100 && p.status <= 599) return p.status;
  const m = /^http-(\d{3})$/.exec(p.kind);
  return m ? Number(m[1]) : null;
}

/** Records a run's page problems once each (retries write nothing new). */
export async function recordProblems(db: DbOrTx, runId: number, problems: PageProblem[]): Promise<void> {
  if (problems.length === 0) return;
  await db
    .insertInto('watch_crawl_errors')
    .values(problems.map((p) => ({ run_id: runId, url: p.url.slice(0, 2000), kind: p.kind, message: p.message.slice(0, 2000), http_status: problemStatus(p) })))
    .onConflict((oc) => oc.columns(['run_id', 'url', 'kind']).doNothing())
    .execute();
}

/** Problem kinds that are not errors: pages robots.txt forbids, pages without listings. */
export const NOT_ERRORS = ['robots', 'no-listings'];

export interface FinishOutcome {
  status: CrawlStatus;
  consecutiveFailures: number;
  /** Set when this run made the source cross the failure threshold (alert the operator once). */
  flaggedAt: string | null;
}

/**
 * Closes the run with its status, page count and duration, and updates the source's failure streak:
 * a failed run adds one, a cancelled run leaves it, any other run resets it. Crossing `flagAfter`
 * sets `flagged_at` once.
 * Idempotent: a second call on a closed run changes nothing and answers the same.
 */
export async function finishRun(
  db: Db,
  runId: number,
  input: { status: CrawlStatus; pages: number; errorMessage: string | null; flagAfter: number },
): Promise<FinishOutcome> {
  return db.transaction().execute(async (tx) => {
    const run = await tx.selectFrom('watch_crawl_runs').selectAll().where('id', '=', runId).forUpdate().executeTakeFirstOrThrow();
    if (run.finished_at) {
      const src = await tx.selectFrom('watch_sources').select(['consecutive_failures', 'flagged_at']).where('id', '=', run.source_id).executeTakeFirstOrThrow();
      return { status: run.status, consecutiveFailures: src.consecutive_failures, flaggedAt: null };
    }
    const errors = await tx
      .selectFrom('watch_crawl_errors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', runId)
      .where('kind', 'not in', NOT_ERRORS)
      .executeTakeFirstOrThrow();
    await sql`
      update watch_crawl_runs set status = ${input.status}, pages = ${input.pages}, errors = ${Number(errors.n)},
        error_message = ${input.errorMessage}, finished_at = now(),
        duration_ms = (extract(epoch from (now() - started_at)) * 1000)::int
      where id = ${runId}
    `.execute(tx);
    if (input.status === 'cancelled') {
      const src = await tx.selectFrom('watch_sources').select(['consecutive_failures']).where('id', '=', run.source_id).executeTakeFirstOrThrow();
      return { status: input.status, consecutiveFailures: src.consecutive_failures, flaggedAt: null };
    }
    const failed = input.status === 'failed';
    const src = await sql<{ consecutive_failures: number; flagged_at: Date | null; newly: boolean }>`
      update watch_sources s set
        consecutive_failures = case when ${failed} then s.consecutive_failures + 1 else 0 end,
        flagged_at = case
          when not ${failed} then null
          when s.flagged_at is null and s.consecutive_failures + 1 >= ${input.flagAfter} then now()
          else s.flagged_at end,
        last_run_at = now(),
        last_error = ${input.errorMessage},
        updated_at = now()
      from (select flagged_at as old_flag from watch_sources where id = ${run.source_id}) o
      where s.id = ${run.source_id}
      returning s.consecutive_failures, s.flagged_at, (o.old_flag is null and s.flagged_at is not null) as newly
    `.execute(tx);
    const s = src.rows[0]!;
    return { status: input.status, consecutiveFailures: s.consecutive_failures, flaggedAt: s.newly && s.flagged_at ? new Date(s.flagged_at).toISOString() : null };
  });
}
