/**
 * Sync activities: each one small, idempotent and resumable. Progress lives in PostgreSQL (a
 * checkpoint per run and entity), so a retried activity, on this worker or another after a
 * crash, continues from the last page written instead of starting over.
 */
import { SYNC_ENTITIES, type HubSpotObject, type SyncEntity } from '../../core/contracts/sync.js';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/client.js';
import { getCursor, setCursor } from '../../db/queries/sync-cursors.js';
import { sageIdsForHubSpot } from '../../db/queries/sync-idmap.js';
import { clearJournal } from '../../db/queries/sync-journal.js';
import { runReport, savePage } from '../../db/queries/sync-reports.js';
import {
  closeSyncRun,
  deleteRunCheckpoints,
  insertSyncRun,
  runCheckpoints,
  setRunProgress,
  syncRunOrThrow,
  syncRunStartedAt,
} from '../../db/queries/sync-runs.js';
import { syncBatch } from './engine.js';
import { createSyncEngineFactory } from './engine-factory.js';
import { guardFor } from './guarded.js';
import { customProperties } from './mapping/entities.js';
import { currentMappings } from './mapping/store.js';
import { hubspotProperties } from './mapping/project.js';
import { createQuotesFromHubSpot } from './quote-create.js';
import { syncNamedRecords, type RecordRef } from './records.js';
import { createFromHubSpot } from './sage-create.js';
import { applyDeletions } from './sage-deletions.js';

export interface SyncDeps {
  config: Config;
  db: Db;
  logger: Logger;
}

export type SyncMode = 'incremental' | 'full' | 'records';
export type { RecordRef } from './records.js';

interface Checkpoint {
  next: string | null;
  processed: number;
  done: boolean;
  /** Where the next incremental read starts, once the listing is done. */
  cursor?: string;
}

/** HubSpot objects whose changes flow back to Sage (the others only receive). */
export const PULLED_OBJECTS: HubSpotObject[] = ['companies', 'contacts', 'deals'];

export function createSyncActivities({ config, db, logger }: SyncDeps) {
  // The engine and its dependencies (rules, limiters, HubSpot, Sage), made once per process.
  const { log, createRule, quoteRule, hubLimiter, sageLimiter, engine, engineNow, creator, quoteCreator } = createSyncEngineFactory({ config, db, logger });
  /** The mapping versions whose properties this process made sure of (they are never deleted by us). */
  let setupDone = '';

  const guarded = guardFor(config);

  const checkpointName = (runId: string, key: string) => `run:${runId}:${key}`;
  const readCheckpoint = async (runId: string, key: string): Promise<Checkpoint> => {
    const raw = await getCursor(db, checkpointName(runId, key));
    return raw ? (JSON.parse(raw) as Checkpoint) : { next: null, processed: 0, done: false };
  };
  const writeCheckpoint = (runId: string, key: string, c: Checkpoint) => setCursor(db, checkpointName(runId, key), JSON.stringify(c));

  async function progress(runId: string, key: string, processed: number) {
    await setRunProgress(db, runId, key, processed);
  }

  return {
    /** Creates the unique `sage_id` property (and the mappings' custom properties) where missing. */
    async syncSetup(): Promise<{ created: string[] }> {
      const mappings = await currentMappings(db);
      const key = Object.values(mappings)
        .map((m) => `${m.entity}:${m.version}`)
        .join(',');
      if (setupDone === key) return { created: [] };
      return guarded('setup', async () => {
        const wanted = [
          ...(['companies', 'contacts', 'deals', 'invoices', 'tickets'] as const).map((object) => ({ object, name: 'sage_id', type: 'string' as const })),
          ...customProperties(mappings),
          // The agency's own flag (e.g. sync_to_sage), when the creation rule names one HubSpot lacks.
          ...(createRule && createRule.property !== 'lifecyclestage'
            ? [{ object: 'companies' as const, name: createRule.property, type: 'string' as const }]
            : []),
          ...(quoteRule && quoteRule.property !== 'dealstage' ? [{ object: 'deals' as const, name: quoteRule.property, type: 'string' as const }] : []),
        ];
        const created = await engine().hubspot.ensureProperties(wanted);
        if (created.length) log.info({ created }, 'HubSpot properties created');
        setupDone = key;
        return { created };
      });
    },

    /** Records the run (idempotent by id). */
    async beginSyncRun(input: { runId: string; mode: SyncMode; dryRun: boolean; trigger: string }): Promise<void> {
      await insertSyncRun(db, { id: input.runId, mode: input.mode, dryRun: input.dryRun, trigger: input.trigger });
    },

    /** One page of Sage changes (all records in full mode) of one entity, synced and checkpointed. */
    async syncSagePage(input: {
      runId: string;
      entity: SyncEntity;
      mode: 'incremental' | 'full';
      dryRun: boolean;
    }): Promise<{ done: boolean; processed: number }> {
      return guarded(input.entity, async () => {
        const key = `sage:${input.entity}`;
        const cp = await readCheckpoint(input.runId, key);
        if (cp.done) return { done: true, processed: cp.processed };
        const deps = await engineNow();
        const since = input.mode === 'full' ? null : await getCursor(db, `cursor:sage:${input.entity}`);
        const startedAt = new Date();
        const page = await deps.sources[input.entity].listChanged(since ? new Date(since) : null, cp.next, config.SYNC_PAGE_SIZE);
        const pageKey = `${key}:${cp.processed}`;
        const report = await syncBatch(
          deps,
          input.entity,
          { records: page.items, skipUnchangedSage: input.mode !== 'full' },
          { runId: input.runId, pageKey, dryRun: input.dryRun },
        );
        await savePage(db, input.runId, pageKey, input.entity, report);
        const processed = cp.processed + page.items.length;
        const done = page.next === null;
        const cursor = done ? ((page as { cursor?: string }).cursor ?? new Date(startedAt.getTime() - 2000).toISOString()) : undefined;
        // The checkpoint is written after the page's records: a crash in between replays the page (a no-op).
        await writeCheckpoint(input.runId, key, { next: page.next, processed, done, ...(cursor ? { cursor } : {}) });
        await progress(input.runId, input.entity, processed);
        return { done, processed };
      });
    },

    /** Records deleted in Sage since the last run, handled by the deletion rule. */
    async syncSageDeletions(input: { runId: string; entity: SyncEntity; dryRun: boolean }): Promise<number> {
      return guarded(input.entity, async () => {
        const since = await getCursor(db, `cursor:sage:${input.entity}`);
        if (!since) return 0; // first load: nothing was synced before, nothing to delete
        const deps = await engineNow();
        const ids = await deps.sources[input.entity].listDeleted(new Date(since));
        if (!ids.length) return 0;
        const report = await applyDeletions(deps, input.entity, ids, { runId: input.runId, pageKey: `deleted:${input.entity}`, dryRun: input.dryRun });
        await savePage(db, input.runId, `deleted:${input.entity}`, input.entity, report);
        return report.to_hubspot.deleted;
      });
    },

    /** One page of HubSpot objects changed since the last run, synced back (HubSpot-owned fields). */
    async syncHubSpotPage(input: { runId: string; object: HubSpotObject; dryRun: boolean }): Promise<{ done: boolean; processed: number }> {
      return guarded(input.object, async () => {
        const key = `hubspot:${input.object}`;
        const cp = await readCheckpoint(input.runId, key);
        if (cp.done) return { done: true, processed: cp.processed };
        const startedAt = await syncRunStartedAt(db, input.runId);
        const since = await getCursor(db, `cursor:${key}`);
        const cursor = new Date(startedAt.getTime() - 5000).toISOString();
        if (!since) {
          // Nothing to look back at before the first run: start watching from now.
          await writeCheckpoint(input.runId, key, { next: null, processed: 0, done: true, cursor });
          return { done: true, processed: 0 };
        }
        const deps = await engineNow();
        const entity: SyncEntity = input.object === 'deals' ? 'quote' : input.object === 'tickets' ? 'intervention' : 'customer';
        const m = deps.mappings![entity];
        const page = await deps.hubspot.modifiedSince(input.object, Date.parse(since), cp.next, hubspotProperties(m, input.object));
        const refs = await sageIdsForHubSpot(
          db,
          input.object,
          page.results.map((r) => r.id),
          new Map(page.results.map((r) => [r.id, r.updatedAt])),
        );
        const pageKey = `${key}:${cp.processed}`;
        const report = await syncBatch(
          deps,
          entity,
          { sageIds: [...new Set(refs.map((r) => r.sageId))] },
          { runId: input.runId, pageKey, dryRun: input.dryRun },
        );
        await savePage(db, input.runId, pageKey, entity, report);
        const processed = cp.processed + page.results.length;
        const done = page.after === null;
        await writeCheckpoint(input.runId, key, { next: page.after, processed, done, ...(done ? { cursor } : {}) });
        await progress(input.runId, input.object, processed);
        return { done, processed };
      });
    },

    /** Every HubSpot company meeting the creation rule with no Sage customer yet, created in Sage. */
    async syncHubSpotCreations(input: { runId: string; dryRun: boolean }): Promise<{ created: number; held: number }> {
      return guarded('companies', async () => {
        const pageKey = 'hubspot:create';
        const report = await createFromHubSpot(await creator(), null, { runId: input.runId, pageKey, dryRun: input.dryRun });
        await savePage(db, input.runId, pageKey, 'customer', report);
        // Deals made in HubSpot that the rule sends to Sage as quotes.
        const quotes = await createQuotesFromHubSpot(await quoteCreator(), null, {
          runId: input.runId,
          pageKey: 'hubspot:create-quotes',
          dryRun: input.dryRun,
        });
        if (quotes.to_sage.created + quotes.to_sage.conflicts + quotes.to_sage.errors + quotes.to_hubspot.errors > 0)
          await savePage(db, input.runId, 'hubspot:create-quotes', 'quote', quotes);
        return { created: report.to_sage.created + quotes.to_sage.created, held: report.to_sage.conflicts + quotes.to_sage.conflicts };
      });
    },

    /** Syncs named records now: HubSpot objects from webhooks, or Sage ids (a resolved conflict). */
    async syncRecords(input: { runId: string; pageKey: string; refs: RecordRef[]; dryRun?: boolean }): Promise<{ records: number }> {
      return guarded('records', async () => {
        return syncNamedRecords({ db, engine: engineNow, creator, quoteCreator }, input);
      });
    },

    /**
     * Closes the run. A completed, real run moves each listing's cursor forward, so the next
     * incremental run reads from there; a failed, cancelled or dry run leaves cursors where they were.
     */
    async finishSyncRun(input: {
      runId: string;
      ok: boolean;
      error?: string;
      cancelled?: boolean;
      /** Why the run failed: the failure's type, the entity it was syncing, its message. */
      failure?: { cause: string; entity: string | null; message: string };
    }): Promise<Awaited<ReturnType<typeof runReport>>> {
      const run = await syncRunOrThrow(db, input.runId);
      await db.transaction().execute(async (tx) => {
        if (input.ok && !run.dry_run) {
          const cps = await runCheckpoints(tx, input.runId);
          for (const c of cps) {
            const cp = JSON.parse(c.value) as Checkpoint;
            if (cp.done && cp.cursor) await setCursor(tx, `cursor:${c.name.slice(`run:${input.runId}:`.length)}`, cp.cursor);
          }
        }
        await deleteRunCheckpoints(tx, input.runId);
        await clearJournal(tx, input.runId);
        await closeSyncRun(tx, input.runId, {
          status: input.ok ? 'completed' : input.cancelled ? 'cancelled' : 'failed',
          error: input.error ?? null,
          failure: input.failure ? JSON.stringify(input.failure) : null,
        });
      });
      return runReport(db, input.runId);
    },

    /** Today's request count and 429s per remote API. */
    async syncUsage() {
      return { hubspot: await hubLimiter.usage(), sage: await sageLimiter.usage() };
    },
  };
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;
export { SYNC_ENTITIES };
