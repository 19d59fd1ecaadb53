/**
 * The snapshot diff, set-based: a run's listings are staged in `watch_snapshot_items` (page by
 * page, idempotently), then one transaction compares the whole snapshot with the stored listings:
 * history rows for changed and reactivated listings (field by field, price old -> new), one
 * `INSERT ... ON CONFLICT` upsert, an anti-join that counts misses and retires a listing after K
 * consecutive misses, and the run's counts. Applying a run twice is a no-op (guarded by
 * `watch_crawl_runs.applied_at`), so a retried or re-delivered activity never double-counts.
 * Staged rows of applied runs are purged by the daily duplicate clean-up, off the crawl's path.
 */
import type { Db } from '../../../db/client.js';
import {
  analyzeSnapshotItems,
  appliedRunCounts,
  claimRunApply,
  countMisses,
  countSnapshotItems,
  fieldPairsSql,
  fillPoorerViews,
  insertChangeEvents,
  lockSourceForDiff,
  setRunCounts,
  touchSeenListings,
  upsertSnapshotListings,
  type RunCounts,
} from '../../../db/queries/watch-snapshot.js';
import { TRACKED_FIELDS } from './staging.js';

export { contentHash, stageRows, toStagedRow, TRACKED_FIELDS, type StagedRow } from './staging.js';

/** A run's counts, one per event type (`updated` excludes price changes and sales). */
export interface DiffCounts extends RunCounts {
  alreadyApplied: boolean;
}

/**
 * Applies run `runId`'s staged snapshot to its source's listings. `countMisses: false` (a run with
 * failed pages) leaves absent listings alone: a page we could not read proves nothing.
 */
export async function applySnapshot(db: Db, runId: number, opts: { removalMisses: number; countMisses: boolean }): Promise<DiffCounts> {
  // fresh statistics on the staging table, so the joins below are planned as hash joins over the
  // whole snapshot rather than index probes per row
  await analyzeSnapshotItems(db);
  return db.transaction().execute(async (tx) => {
    const sourceId = await claimRunApply(tx, runId);
    if (sourceId === undefined) {
      const { price_changes: priceChanges, ...rest } = await appliedRunCounts(tx, runId);
      return { ...rest, priceChanges, alreadyApplied: true };
    }
    await lockSourceForDiff(tx, sourceId);
    const fieldPairs = fieldPairsSql(TRACKED_FIELDS);
    await fillPoorerViews(tx, runId, sourceId, fieldPairs);
    const byEvent = await insertChangeEvents(tx, runId, sourceId, fieldPairs);
    const created = await upsertSnapshotListings(tx, runId, sourceId);
    await touchSeenListings(tx, runId, sourceId);
    const found = await countSnapshotItems(tx, runId);
    const removed = opts.countMisses ? await countMisses(tx, runId, sourceId, opts.removalMisses) : 0;
    const counts = {
      found,
      new: created,
      updated: byEvent.updated ?? 0,
      priceChanges: byEvent.price_change ?? 0,
      sold: byEvent.sold ?? 0,
      removed,
      reactivated: byEvent.reactivated ?? 0,
    };
    await setRunCounts(tx, runId, counts);
    // the applied run's staged rows are purged by the daily clean-up (a bulk delete off the crawl's path)
    return { ...counts, alreadyApplied: false };
  });
}
