/**
 * Sage <-> HubSpot sync.
 *  - `crmSync`: one run. Incremental (changes since the last run on each side), full (every Sage
 *    record, the initial load and the nightly reconciliation) or records (named records: a resolved
 *    conflict). Pages are checkpointed in PostgreSQL by the activities, so a crash resumes where it
 *    stopped; a dry run reports what would change and writes nothing.
 *  - `hubspotEvents`: the webhook batcher, started by signal-with-start under a fixed id; it
 *    collects events until they stop coming for a moment, then syncs the touched records in a few
 *    batch calls; continues as new to keep its history short.
 */
import type { HubSpotObject, SyncEntity } from '../core/contracts/sync.js';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  patched,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { RecordRef, SyncActivities } from '../activities/sync/index.js';
import { SA } from '../core/temporal.js';
import { OUTAGE_WINDOW, UNTIL_RECOVERED_POLITE } from '../core/retry-policies.js';
import type { RetryPolicy } from '@temporalio/common';

const SYNC_ENTITIES: SyncEntity[] = ['customer', 'quote', 'invoice', 'intervention'];
const PULLED: HubSpotObject[] = ['companies', 'contacts', 'deals'];

export interface CrmSyncInput {
  mode: 'incremental' | 'full' | 'records';
  dryRun?: boolean;
  trigger?: string;
  records?: RecordRef[];
}

export interface CrmSyncStatus {
  phase: 'setup' | 'sage' | 'deletions' | 'hubspot' | 'records' | 'completed' | 'failed' | 'cancelled';
  mode: CrmSyncInput['mode'];
  dryRun: boolean;
  current: string | null;
  /** Records read so far, per entity / HubSpot object. */
  processed: Record<string, number>;
  pages: number;
  report: unknown;
  error: string | null;
}

export const crmSyncStatusQuery = defineQuery<CrmSyncStatus>('status');

const SYNC_RETRY: RetryPolicy = {
  ...UNTIL_RECOVERED_POLITE,
  initialInterval: '1 second',
  nonRetryableErrorTypes: ['HubSpotUnauthorized', 'HubSpotRejected', 'HubSpotNotConfigured', 'SageNotConfigured'],
};
const short = proxyActivities<SyncActivities>({ startToCloseTimeout: '1 minute', scheduleToCloseTimeout: OUTAGE_WINDOW, retry: SYNC_RETRY });
const paged = proxyActivities<SyncActivities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: SYNC_RETRY,
});

export interface SyncFailure {
  cause: string;
  entity: string | null;
  message: string;
}

/**
 * What made a run fail, for people: the activity's own failure (its type, the entity it names,
 * its message), not Temporal's "Activity task failed" wrapper.
 */
export function describeFailure(err: unknown, current: string | null): SyncFailure {
  let e: unknown = err;
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) {
    const d = (e.details?.[0] ?? {}) as { cause?: unknown; entity?: unknown };
    return {
      cause: typeof d.cause === 'string' ? d.cause : (e.type ?? 'Error'),
      entity: typeof d.entity === 'string' ? d.entity : current,
      message: e.message,
    };
  }
  const f = e as { name?: unknown; message?: unknown };
  return { cause: typeof f.name === 'string' ? f.name : 'Error', entity: current, message: typeof f.message === 'string' ? f.message : String(e) };
}

export async function crmSync(input: CrmSyncInput): Promise<CrmSyncStatus> {
  const runId = workflowInfo().workflowId;
  const dryRun = input.dryRun ?? false;
  const state: CrmSyncStatus = { phase: 'setup', mode: input.mode, dryRun, current: null, processed: {}, pages: 0, report: null, error: null };
  setHandler(crmSyncStatusQuery, () => state);
  const phase = (p: CrmSyncStatus['phase']) => {
    state.phase = p;
    upsertSearchAttributes([{ key: SA.status, value: p }]);
  };
  upsertSearchAttributes([
    { key: SA.family, value: 'sync' },
    { key: SA.source, value: input.trigger ?? 'api' },
    { key: SA.status, value: 'setup' },
  ]);

  await short.beginSyncRun({ runId, mode: input.mode, dryRun, trigger: input.trigger ?? 'api' });
  try {
    if (!dryRun) await short.syncSetup();
    if (input.mode === 'records') {
      phase('records');
      await paged.syncRecords({ runId, pageKey: 'records', refs: input.records ?? [], dryRun });
    } else {
      phase('sage');
      for (const entity of SYNC_ENTITIES) {
        state.current = entity;
        for (;;) {
          const r = await paged.syncSagePage({ runId, entity, mode: input.mode, dryRun });
          state.pages++;
          state.processed[entity] = r.processed;
          if (r.done) break;
        }
      }
      phase('deletions');
      for (const entity of SYNC_ENTITIES) {
        state.current = entity;
        await paged.syncSageDeletions({ runId, entity, dryRun });
      }
      // HubSpot companies that became customers (the agency's rule) and have no Sage customer yet.
      if (patched('sync-hubspot-creations')) {
        state.current = 'companies';
        await paged.syncHubSpotCreations({ runId, dryRun });
      }
      phase('hubspot');
      // Tickets too: their stage and owner are HubSpot's once they exist.
      const pulled: HubSpotObject[] = patched('sync-pull-tickets') ? [...PULLED, 'tickets'] : PULLED;
      for (const object of pulled) {
        state.current = object;
        for (;;) {
          const r = await paged.syncHubSpotPage({ runId, object, dryRun });
          state.pages++;
          state.processed[object] = r.processed;
          if (r.done) break;
        }
      }
    }
    state.current = null;
    state.report = await CancellationScope.nonCancellable(() => short.finishSyncRun({ runId, ok: true }));
    phase('completed');
    return state;
  } catch (err) {
    // The run's outcome is recorded even when the workflow is being cancelled (the finish step
    // cannot be cancelled); then the error, or the cancellation, propagates.
    const cancelled = isCancellation(err);
    const failure = cancelled ? undefined : describeFailure(err, state.current);
    state.error = failure ? `${failure.cause}${failure.entity ? ` (${failure.entity})` : ''}: ${failure.message}` : 'cancelled';
    state.report = await CancellationScope.nonCancellable(() =>
      short.finishSyncRun({ runId, ok: false, cancelled, error: state.error!, ...(failure ? { failure } : {}) }),
    );
    phase(cancelled ? 'cancelled' : 'failed');
    throw err;
  }
}

export interface HubSpotEventRef {
  object: string;
  id: string;
}

export interface HubSpotEventsInput {
  debounceMs: number;
  maxWaitMs: number;
  pending?: HubSpotEventRef[];
  batches?: number;
}

export interface HubSpotEventsStatus {
  pending: number;
  batches: number;
  records: number;
  lastBatchAt: string | null;
}

export const hubspotEventsStatusQuery = defineQuery<HubSpotEventsStatus>('status');
export const hubspotEventsSignal = defineSignal<[HubSpotEventRef[]]>('hubspotEvents');
/** The batcher's fixed id, per deployment (task-queue prefix): every webhook signals the same run. */
export const hubspotEventsWorkflowId = (taskQueuePrefix: string) => `${taskQueuePrefix}-sync-hubspot-events`;
const BATCHES_PER_RUN = 200;
const REFS_PER_CALL = 500;

export async function hubspotEvents(input: HubSpotEventsInput): Promise<void> {
  const pending = new Map<string, HubSpotEventRef>();
  for (const r of input.pending ?? []) pending.set(`${r.object}:${r.id}`, r);
  let firstAt = pending.size ? Date.now() : 0;
  let lastAt = firstAt;
  const state: HubSpotEventsStatus = { pending: pending.size, batches: input.batches ?? 0, records: 0, lastBatchAt: null };
  setHandler(hubspotEventsStatusQuery, () => ({ ...state, pending: pending.size }));
  setHandler(hubspotEventsSignal, (refs) => {
    for (const r of refs) pending.set(`${r.object}:${r.id}`, r);
    lastAt = Date.now();
    if (!firstAt) firstAt = lastAt;
  });
  upsertSearchAttributes([
    { key: SA.family, value: 'sync' },
    { key: SA.source, value: 'hubspot-webhook' },
  ]);

  for (let n = 0; n < BATCHES_PER_RUN && !workflowInfo().continueAsNewSuggested; n++) {
    await condition(() => pending.size > 0);
    // Debounce: wait for a quiet moment, but never longer than maxWaitMs after the first event.
    for (;;) {
      const now = Date.now();
      const wait = Math.min(input.debounceMs - (now - lastAt), input.maxWaitMs - (now - firstAt));
      if (wait <= 0) break;
      await sleep(wait);
    }
    const batch = [...pending.values()];
    pending.clear();
    firstAt = 0;
    state.batches++;
    const runId = `${workflowInfo().workflowId}-${workflowInfo().runId.slice(0, 8)}-${state.batches}`;
    await short.beginSyncRun({ runId, mode: 'records', dryRun: false, trigger: 'hubspot-webhook' });
    try {
      for (let i = 0; i < batch.length; i += REFS_PER_CALL) {
        const r = await paged.syncRecords({ runId, pageKey: `webhook:${i}`, refs: batch.slice(i, i + REFS_PER_CALL) });
        state.records += r.records;
      }
      await short.finishSyncRun({ runId, ok: true });
    } catch (err) {
      const cancelled = isCancellation(err);
      const failure = cancelled ? undefined : describeFailure(err, null);
      const error = failure ? `${failure.cause}${failure.entity ? ` (${failure.entity})` : ''}: ${failure.message}` : 'cancelled';
      await CancellationScope.nonCancellable(() => short.finishSyncRun({ runId, ok: false, cancelled, error, ...(failure ? { failure } : {}) }));
      if (cancelled) throw err;
    }
    state.lastBatchAt = new Date().toISOString();
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof hubspotEvents>({ ...input, pending: [...pending.values()], batches: state.batches });
}
