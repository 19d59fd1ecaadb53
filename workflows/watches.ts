/**
 * Watches: one source run (`watchSource`), the fleet that fans sources out (`watchFleet`), and the
 * scheduled chores (`marketStats`, `duplicateCleanup`, `alertDigest`), plus `genericWatch` for any
 * URL. Deterministic code only: every side effect is an activity.
 */
import {
  CancellationScope,
  continueAsNew,
  defineQuery,
  isCancellation,
  executeChild,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { WatchesActivities } from '../activities/watches/index.js';
import type { NotifyActivities } from '../activities/shared/notify.js';
import { SA } from '../core/temporal.js';
import { OUTAGE_WINDOW, UNTIL_RECOVERED, UNTIL_RECOVERED_POLITE } from '../core/retry-policies.js';

const short = proxyActivities<WatchesActivities>({ startToCloseTimeout: '2 minutes', scheduleToCloseTimeout: OUTAGE_WINDOW, retry: UNTIL_RECOVERED });
const crawler = proxyActivities<WatchesActivities>({
  startToCloseTimeout: '15 minutes',
  scheduleToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: UNTIL_RECOVERED_POLITE,
});
// Long set-based steps: they heartbeat while they run, so a worker killed mid-step is replaced
// after a minute rather than at the 30-minute start-to-close timeout.
const heavy = proxyActivities<WatchesActivities>({
  startToCloseTimeout: '30 minutes',
  scheduleToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { ...UNTIL_RECOVERED_POLITE, initialInterval: '5 seconds' },
});
const notify = proxyActivities<NotifyActivities>({ startToCloseTimeout: '1 minute', scheduleToCloseTimeout: OUTAGE_WINDOW, retry: UNTIL_RECOVERED_POLITE });

export const watchStatusQuery = defineQuery<unknown>('status');

/**
 * `Promise.allSettled` swallows rejections: when this workflow is being cancelled, the cancellation
 * among them is rethrown instead of being counted as one more failure.
 */
function rethrowCancellation(results: Array<PromiseSettledResult<unknown>>): void {
  if (!CancellationScope.current().consideredCancelled) return;
  const cancelled = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && isCancellation(r.reason));
  if (cancelled) throw cancelled.reason;
}

/** Sends outbox rows in small parallel batches; a row that cannot be sent stays pending for a later run. */
async function deliverAll(keys: string[]): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < keys.length; i += 10) {
    const results = await Promise.allSettled(keys.slice(i, i + 10).map((k) => notify.deliverNotification(k)));
    rethrowCancellation(results);
    for (const r of results) {
      if (r.status === 'fulfilled') sent++;
      else failed++;
    }
  }
  return { sent, failed };
}

export interface WatchSourceInput {
  sourceId: number;
  trigger?: string;
}

export interface WatchSourceStatus {
  phase: 'starting' | 'discovering' | 'crawling' | 'diffing' | 'notifying' | 'completed' | 'skipped' | 'cancelled';
  sourceId: number;
  runId: number | null;
  pages: number;
  pagesFailed: number;
  staged: number;
  queued: number;
  counts: { found: number; new: number; updated: number; priceChanges: number; sold: number; removed: number; reactivated: number } | null;
  notifications: { sent: number; failed: number };
  status: 'ok' | 'partial' | 'failed' | 'cancelled' | null;
  error: string | null;
  flagged: boolean;
}

/** One run over one source: discover -> crawl (fetch, extract, stage) -> diff -> dedupe -> notify -> run log. */
export async function watchSource(input: WatchSourceInput): Promise<WatchSourceStatus> {
  const state: WatchSourceStatus = {
    phase: 'starting',
    sourceId: input.sourceId,
    runId: null,
    pages: 0,
    pagesFailed: 0,
    staged: 0,
    queued: 0,
    counts: null,
    notifications: { sent: 0, failed: 0 },
    status: null,
    error: null,
    flagged: false,
  };
  setHandler(watchStatusQuery, () => state);
  const phase = (p: WatchSourceStatus['phase']) => {
    state.phase = p;
    upsertSearchAttributes([{ key: SA.status, value: p }]);
  };
  upsertSearchAttributes([
    { key: SA.family, value: 'watches' },
    { key: SA.source, value: String(input.sourceId) },
    { key: SA.status, value: 'starting' },
  ]);

  const info = workflowInfo();
  const plan = await short.startSourceRun({ sourceId: input.sourceId, workflowId: info.workflowId, runKey: `${info.workflowId}/${info.runId}` });
  if (!plan) {
    phase('skipped');
    return state;
  }
  state.runId = plan.runId;
  upsertSearchAttributes([{ key: SA.domain, value: plan.host }]);
  let cancellation: Error | null = null;

  try {
    phase('discovering');
    const seeds = await crawler.discoverListingPages({ runId: plan.runId, sourceId: plan.sourceId });
    const seen = new Set<string>(seeds);
    const frontier = seeds.map((url) => ({ url, seed: true }));
    phase('crawling');
    while (frontier.length > 0 && state.pages < plan.maxPages) {
      const batch = frontier.splice(0, Math.min(plan.pagesPerActivity, plan.maxPages - state.pages));
      state.queued = frontier.length;
      const results = await crawler.crawlPages({ runId: plan.runId, sourceId: plan.sourceId, pages: batch });
      for (const r of results) {
        state.pages++;
        state.staged += r.staged;
        if (!r.ok) state.pagesFailed++;
        for (const link of r.links) {
          if (!seen.has(link) && seen.size < plan.maxPages * 4) {
            seen.add(link);
            frontier.push({ url: link, seed: false });
          }
        }
      }
    }
    const pagesOk = state.pages - state.pagesFailed;
    state.status = pagesOk === 0 ? 'failed' : state.pagesFailed > 0 ? 'partial' : 'ok';
    if (state.status === 'failed') {
      state.error = `no page of the source could be read (${state.pagesFailed} failed)`;
    } else {
      phase('diffing');
      const counts = await heavy.applyRunSnapshot({ runId: plan.runId, countMisses: state.status === 'ok' });
      state.counts = {
        found: counts.found,
        new: counts.new,
        updated: counts.updated,
        priceChanges: counts.priceChanges ?? 0,
        sold: counts.sold ?? 0,
        removed: counts.removed,
        reactivated: counts.reactivated,
      };
      await heavy.linkRunDuplicates({ runId: plan.runId });
      phase('notifying');
      const keys = await heavy.queueRunNotifications({ runId: plan.runId });
      state.notifications = await deliverAll(keys);
    }
  } catch (err) {
    if (!isCancellation(err)) {
      state.status = 'failed';
      state.error = (err as Error).message ?? String(err);
    } else {
      state.status = 'cancelled';
      state.error = 'cancelled';
      cancellation = err as Error; // isCancellation() holds only for Temporal's failure classes
    }
  }

  // The run's outcome is recorded even when the workflow is being cancelled; then the cancellation
  // propagates and the workflow ends CANCELLED.
  await CancellationScope.nonCancellable(async () => {
    const fin = await short.finishSourceRun({ runId: plan.runId, status: state.status ?? 'failed', pages: state.pages, errorMessage: state.error });
    state.flagged = fin.alertKey !== null || fin.flaggedAt !== null;
    if (fin.alertKey) await deliverAll([fin.alertKey]);
  });
  if (cancellation !== null) {
    phase('cancelled');
    throw cancellation;
  }
  phase('completed');
  return state;
}

export interface WatchFleetInput {
  scope: 'all' | 'priority';
  batchSize?: number;
  afterId?: number;
  totals?: { sources: number; ok: number; failed: number };
}

const FLEET_PAGE = 200;

/** Runs every (or every priority) source as child workflows in bounded batches; continues as new every 200 sources. */
export async function watchFleet(input: WatchFleetInput): Promise<{ sources: number; ok: number; failed: number }> {
  const totals = { ...(input.totals ?? { sources: 0, ok: 0, failed: 0 }) };
  const state = { phase: 'running', scope: input.scope, afterId: input.afterId ?? 0, ...totals, current: [] as number[] };
  setHandler(watchStatusQuery, () => ({ ...state, ...totals }));
  upsertSearchAttributes([
    { key: SA.family, value: 'watches' },
    { key: SA.status, value: 'running' },
  ]);
  const batchSize = Math.max(1, input.batchSize ?? 10);
  const ids = await short.listFleetSources({ scope: input.scope, afterId: input.afterId ?? 0, limit: FLEET_PAGE });
  const { workflowId } = workflowInfo();
  for (let i = 0; i < ids.length; i += batchSize) {
    const batch = ids.slice(i, i + batchSize);
    state.current = batch;
    const results = await Promise.allSettled(
      batch.map((sourceId) =>
        executeChild(watchSource, {
          workflowId: `${workflowId}-source-${sourceId}`,
          args: [{ sourceId, trigger: `fleet:${input.scope}` }],
          parentClosePolicy: ParentClosePolicy.TERMINATE,
        }),
      ),
    );
    rethrowCancellation(results);
    for (const r of results) {
      totals.sources++;
      if (r.status === 'fulfilled' && r.value.status !== 'failed') totals.ok++;
      else totals.failed++;
    }
    state.afterId = batch[batch.length - 1]!;
  }
  if (ids.length === FLEET_PAGE) {
    return continueAsNew<typeof watchFleet>({ scope: input.scope, batchSize, afterId: ids[ids.length - 1]!, totals });
  }
  await short.computeMarketStats();
  state.phase = 'completed';
  upsertSearchAttributes([{ key: SA.status, value: 'completed' }]);
  return totals;
}

/** Hourly: recompute every postal code's market statistics. */
export async function marketStats(): Promise<{ postalCodes: number }> {
  setHandler(watchStatusQuery, () => ({ phase: 'computing' }));
  upsertSearchAttributes([{ key: SA.family, value: 'watches' }]);
  return { postalCodes: await heavy.computeMarketStats() };
}

/** Daily 03:00: re-link cross-agency duplicates, purge stale staging rows. */
export async function duplicateCleanup() {
  setHandler(watchStatusQuery, () => ({ phase: 'cleaning' }));
  upsertSearchAttributes([{ key: SA.family, value: 'watches' }]);
  return heavy.cleanupDuplicates();
}

/** Daily: one digest per daily alert with new matches. */
export async function alertDigest(input: { day?: string } = {}) {
  setHandler(watchStatusQuery, () => ({ phase: 'sending' }));
  upsertSearchAttributes([{ key: SA.family, value: 'watches' }]);
  const day = input.day ?? new Date(Date.now()).toISOString().slice(0, 10);
  const keys = await heavy.queueDailyDigests({ day });
  return { day, ...(await deliverAll(keys)) };
}

/** One check of a generic watch (any URL + selector / text region); notifies a change. */
export async function genericWatch(input: { watchId: number }) {
  const state = { phase: 'checking', watchId: input.watchId, changed: false as boolean, summary: null as string | null, error: null as string | null };
  setHandler(watchStatusQuery, () => state);
  upsertSearchAttributes([
    { key: SA.family, value: 'watches' },
    { key: SA.source, value: `generic:${input.watchId}` },
  ]);
  const r = await crawler.checkGenericWatch({ watchId: input.watchId });
  Object.assign(state, { changed: r.changed, summary: r.summary, error: r.error });
  if (r.keys.length) await deliverAll(r.keys);
  state.phase = 'completed';
  return state;
}
