/**
 * Crawl-run bookkeeping: open a run (idempotent by its key), record page errors, close it and
 * update the source's failure streak (queries in db/queries/watch-runs.ts).
 */
import type { Db, DbOrTx } from '../../../db/client.js';
import { closeRun, countRunErrors, insertCrawlErrors, lockRun, recordSourceOutcome, sourceFailureState } from '../../../db/queries/watch-runs.js';
import type { CrawlStatus } from '../../../db/schema/watches.js';

export { openRun } from '../../../db/queries/watch-runs.js';

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
  await insertCrawlErrors(
    db,
    problems.map((p) => ({ run_id: runId, url: p.url.slice(0, 2000), kind: p.kind, message: p.message.slice(0, 2000), http_status: problemStatus(p) })),
  );
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
    const run = await lockRun(tx, runId);
    if (run.finished_at) {
      const src = await sourceFailureState(tx, run.source_id);
      return { status: run.status, consecutiveFailures: src.consecutive_failures, flaggedAt: null };
    }
    const errors = await countRunErrors(tx, runId, NOT_ERRORS);
    await closeRun(tx, runId, { status: input.status, pages: input.pages, errors, errorMessage: input.errorMessage });
    if (input.status === 'cancelled') {
      const src = await sourceFailureState(tx, run.source_id);
      return { status: input.status, consecutiveFailures: src.consecutive_failures, flaggedAt: null };
    }
    const s = await recordSourceOutcome(tx, run.source_id, { failed: input.status === 'failed', errorMessage: input.errorMessage, flagAfter: input.flagAfter });
    return {
      status: input.status,
      consecutiveFailures: s.consecutive_failures,
      flaggedAt: s.newly && s.flagged_at ? new Date(s.flagged_at).toISOString() : null,
    };
  });
}
