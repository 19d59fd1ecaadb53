/**
 * The watches family's activities, bound to the worker's dependencies: one fetcher (robots cache,
 * global concurrency bound, proxies) and the shared Chromium pool per process.
 */
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/client.js';
import type { CrawlStatus } from '../../db/schema/watches.js';
import { activityHeartbeat as heartbeat, activityOwner } from '../shared/activity-owner.js';
import { activitySignal } from '../shared/activity-signal.js';
import { withHeartbeat } from '../shared/heartbeat.js';
import { enqueue } from '../shared/outbox.js';
import type { BrowserPool } from '../shared/browser-pool.js';
import { crawlPage, discoverSeeds, type CrawlContext, type SourcePlan } from './crawl.js';
import { createFetcher, type Fetcher } from './fetch/http.js';
import type { GenericCheck } from './generic.js';
import { markDue } from '../../db/queries/watch-generic.js';
import { runSourceFlag } from '../../db/queries/watch-runs.js';
import { purgeStagedRows } from '../../db/queries/watch-snapshot.js';
import { activeSourceIds, getSource, recordSourceDetection } from '../../db/queries/watch-sources.js';
import { sweepBatch, type SweepBatchResult } from './generic/sweep.js';
import type { Mailer } from '../shared/mail.js';
import { notificationSenders } from '../shared/notify.js';
import { pendingKeys, queueDailyDigests, queueRunNotifications } from './notify/alerts.js';
import { cleanupDuplicates, linkDuplicates, runListingIds } from './store/duplicates.js';
import { computeMarketStats } from './store/market-stats.js';
import { finishRun, openRun, recordProblems, type PageProblem } from './store/runs.js';
import { applySnapshot, type DiffCounts } from './store/snapshot.js';

export interface WatchesDeps {
  config: Config;
  db: Db;
  logger: Logger;
  browserPool?: BrowserPool;
  /** Sends generic-watch notifications from within their sweep; without it the workflow sends them. */
  mailer?: Mailer;
  /** Tests and benchmarks may share one fetcher. */
  fetcher?: Fetcher;
}

export interface RunPlan {
  runId: number;
  sourceId: number;
  name: string;
  host: string;
  maxPages: number;
  pagesPerActivity: number;
}

export interface CrawledPage {
  url: string;
  ok: boolean;
  staged: number;
  links: string[];
  problem: string | null;
}

/** A generic watch stays leased to its sweep for longer than the sweep activity may run (10 min). */
export const GENERIC_LEASE_MS = 11 * 60_000;

export function publicBaseUrl(config: Config): string {
  return config.PUBLIC_BASE_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
}

export function createWatchesActivities(deps: WatchesDeps) {
  const { config, db, logger } = deps;
  const fetcher = deps.fetcher ?? createFetcher(db, config);
  const pool = deps.browserPool ?? null;

  async function planOf(sourceId: number): Promise<SourcePlan & { listingUrls: string[] }> {
    const s = await getSource(db, sourceId);
    if (!s) throw new Error(`no source ${sourceId}`);
    return {
      sourceId,
      website: s.website,
      selectors: s.selectors,
      useBrowser: (s.force_browser || s.needs_browser) && pool !== null,
      listingUrls: s.listing_urls,
    };
  }
  const senders = deps.mailer ? notificationSenders(config, deps.mailer) : undefined;
  const sweepDeps = () => ({
    db,
    fetcher,
    senders,
    concurrency: config.WATCH_MAX_CONCURRENT_FETCHES,
    hostConcurrency: config.WATCH_GENERIC_HOST_CONCURRENCY,
    leaseMs: GENERIC_LEASE_MS,
    heartbeat,
    signal: activitySignal(),
  });
  const ctx = (): CrawlContext => ({
    db,
    logger,
    fetcher,
    pool,
    userAgent: config.WATCH_USER_AGENT,
    timeoutMs: config.WATCH_FETCH_TIMEOUT_MS,
    heartbeat: () => heartbeat(),
    signal: activitySignal(),
  });

  return {
    /** Opens the crawl run of a workflow run (same run on retry); null when the source is gone or paused. */
    async startSourceRun(input: { sourceId: number; workflowId: string; runKey: string }): Promise<RunPlan | null> {
      const s = await getSource(db, input.sourceId);
      if (!s || !s.active) return null;
      const runId = await openRun(db, s.id, input.runKey, input.workflowId);
      return { runId, sourceId: s.id, name: s.name, host: new URL(s.website).host, maxPages: config.WATCH_MAX_PAGES_PER_SOURCE, pagesPerActivity: 5 };
    },

    /** The run's first pages: the source's listing pages, or the home page plus sitemap listing URLs. */
    async discoverListingPages(input: { runId: number; sourceId: number }): Promise<string[]> {
      const plan = await planOf(input.sourceId);
      return withHeartbeat(() => discoverSeeds(ctx(), plan, plan.listingUrls, config.WATCH_MAX_PAGES_PER_SOURCE));
    },

    /** Fetches, extracts and stages a few pages; answers each page's links and problem. */
    async crawlPages(input: { runId: number; sourceId: number; pages: Array<{ url: string; seed: boolean }> }): Promise<CrawledPage[]> {
      const plan = await planOf(input.sourceId);
      const out: CrawledPage[] = [];
      const problems: PageProblem[] = [];
      let learned = false;
      let format: string | null = null;
      let current = { page: 0, url: input.pages[0]?.url ?? '' };
      // waits for a host's turn (politeness, Retry-After) can be long: keep the activity alive meanwhile
      await withHeartbeat(
        async () => {
          for (const [i, p] of input.pages.entries()) {
            current = { page: i, url: p.url };
            heartbeat(current);
            const r = await crawlPage(ctx(), plan, input.runId, p.url, p.seed);
            if (r.problem) problems.push(r.problem);
            if (r.learnedNeedsBrowser) {
              learned = true;
              plan.useBrowser = true;
            }
            format ??= r.format;
            out.push({ url: r.url, ok: r.ok, staged: r.staged, links: r.links, problem: r.problem?.kind ?? null });
          }
        },
        { details: () => current },
      );
      await recordProblems(db, input.runId, problems);
      if (learned || format) {
        await recordSourceDetection(db, input.sourceId, { needsBrowser: learned, format });
      }
      return out;
    },

    /** The set-based diff of the run's snapshot against the source's listings. */
    async applyRunSnapshot(input: { runId: number; countMisses: boolean }): Promise<DiffCounts> {
      return withHeartbeat(() => applySnapshot(db, input.runId, { removalMisses: config.WATCH_REMOVAL_MISSES, countMisses: input.countMisses }));
    },

    /** Links the run's new and changed listings to their cross-agency originals. */
    async linkRunDuplicates(input: { runId: number }): Promise<number> {
      return withHeartbeat(async () => linkDuplicates(db, await runListingIds(db, input.runId)));
    },

    /** Outbox rows for alerts matching the run's new listings and price drops; answers pending keys. */
    async queueRunNotifications(input: { runId: number }): Promise<string[]> {
      return withHeartbeat(() => queueRunNotifications(db, input.runId, publicBaseUrl(config)));
    },

    /** Closes the run; when the source just crossed the failure threshold, queues the operator alert. */
    async finishSourceRun(input: { runId: number; status: CrawlStatus; pages: number; errorMessage: string | null }) {
      const out = await finishRun(db, input.runId, { ...input, flagAfter: config.WATCH_FLAG_AFTER_FAILURES });
      let alertKey: string | null = null;
      const run = await runSourceFlag(db, input.runId);
      if (run.flagged_at) {
        const key = `watch:source:${run.id}:flagged:${new Date(run.flagged_at).getTime()}`;
        if (out.flaggedAt) {
          await enqueue(db, [
            {
              key,
              channel: 'email',
              payload: {
                to: config.OPERATOR_EMAIL,
                subject: `Source en échec : ${run.name} (${out.consecutiveFailures} passages)`,
                text: `La source ${run.name} (${run.website}) a échoué ${out.consecutiveFailures} fois de suite.\nDernière erreur : ${run.last_error ?? '-'}\nElle est signalée (flagged) ; le prochain passage réussi lève le signal.`,
              },
            },
          ]);
        }
        alertKey = (await pendingKeys(db, [key]))[0] ?? null;
      }
      return { ...out, alertKey };
    },

    /** Source ids for a fleet run, in id order after `afterId`. */
    async listFleetSources(input: { scope: 'all' | 'priority'; afterId: number; limit: number }): Promise<number[]> {
      return activeSourceIds(db, { priorityOnly: input.scope === 'priority', afterId: input.afterId, limit: input.limit });
    },

    async computeMarketStats(): Promise<number> {
      return withHeartbeat(() => computeMarketStats(db));
    },

    /** Re-links duplicates across all active listings, and drops staging rows of abandoned runs. */
    async cleanupDuplicates(): Promise<{ unlinked: number; linked: number; purgedStaging: number }> {
      const r = await withHeartbeat(() => cleanupDuplicates(db));
      return { ...r, purgedStaging: await purgeStagedRows(db) };
    },

    async queueDailyDigests(input: { day: string }): Promise<string[]> {
      return withHeartbeat(() => queueDailyDigests(db, publicBaseUrl(config), input.day));
    },

    /**
     * One batch of a generic-watch sweep (generic/sweep.ts): up to `limit` due watches (all, some
     * ids, or one tag), checked and recorded, their changes notified. Heartbeats its progress.
     */
    async checkGenericBatch(input: { ids?: number[]; tag?: string; limit?: number }): Promise<SweepBatchResult> {
      return withHeartbeat(() => sweepBatch(sweepDeps(), activityOwner(), input.limit ?? config.WATCH_GENERIC_BATCH_SIZE, { ids: input.ids, tag: input.tag }));
    },

    /** One watch checked now (the `genericWatch` workflow of earlier versions; kept for its running histories). */
    async checkGenericWatch(input: { watchId: number }): Promise<GenericCheck> {
      const owner = activityOwner();
      await markDue(db, { ids: [input.watchId] });
      const r = await withHeartbeat(() => sweepBatch(sweepDeps(), owner, 1, { ids: [input.watchId] }));
      if (r.claimed === 0) return { changed: false, baseline: false, summary: null, keys: [], error: 'watch not found, paused or being checked' };
      return { changed: r.changed > 0, baseline: r.baselines > 0, summary: r.changed > 0 ? r.summary : null, keys: r.undelivered, error: r.error };
    },
  };
}

export type WatchesActivities = ReturnType<typeof createWatchesActivities>;
