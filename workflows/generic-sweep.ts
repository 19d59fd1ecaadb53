/**
 * `genericWatchSweep`: generic watches checked in batches. Started every minute by the schedule
 * `<prefix>-watches-generic-sweep` (every due watch), and by the API for a check now (one watch),
 * a check of all watches or of one tag, and a new watch's baseline. Each activity claims up to a
 * batch of due watches in PostgreSQL under a lease and checks them; the workflow loops until none
 * is left due, continuing as new after many batches. Per-watch state and history live in
 * PostgreSQL (`watch_generic`, `watch_generic_changes`), not in this workflow.
 */
import { continueAsNew, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { WatchesActivities } from '../activities/watches/index.js';
import type { NotifyActivities } from '../activities/shared/notify.js';
import { SA } from '../core/temporal.js';
import { OUTAGE_WINDOW, UNTIL_RECOVERED_POLITE } from '../core/retry-policies.js';
import { watchStatusQuery } from './watches.js';

const sweeper = proxyActivities<WatchesActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: OUTAGE_WINDOW,
  retry: UNTIL_RECOVERED_POLITE,
});
const notify = proxyActivities<NotifyActivities>({ startToCloseTimeout: '1 minute', scheduleToCloseTimeout: OUTAGE_WINDOW, retry: UNTIL_RECOVERED_POLITE });

/** Batches per workflow run before it continues as new (keeps each run's history short). */
const BATCHES_PER_RUN = 50;

export interface GenericSweepTotals {
  batches: number;
  checked: number;
  baselines: number;
  changed: number;
  errors: number;
  notified: number;
  lost: number;
}

export interface GenericSweepInput {
  /** Only these watches (check now, baseline). */
  ids?: number[];
  /** Only the watches with this tag. */
  tag?: string;
  reason?: 'schedule' | 'check' | 'baseline';
  /** Carried over by continueAsNew. */
  totals?: GenericSweepTotals;
}

export interface GenericSweepStatus extends GenericSweepTotals {
  phase: 'checking' | 'notifying' | 'completed';
  reason: string;
  tag: string | null;
  ids: number[] | null;
}

const zero = (): GenericSweepTotals => ({ batches: 0, checked: 0, baselines: 0, changed: 0, errors: 0, notified: 0, lost: 0 });

export async function genericWatchSweep(input: GenericSweepInput = {}): Promise<GenericSweepStatus> {
  const state: GenericSweepStatus = {
    phase: 'checking',
    reason: input.reason ?? 'schedule',
    tag: input.tag ?? null,
    ids: input.ids ?? null,
    ...(input.totals ?? zero()),
  };
  setHandler(watchStatusQuery, () => state);
  const source = input.tag ? `generic:tag:${input.tag}` : input.ids?.length === 1 ? `generic:${input.ids[0]}` : 'generic';
  upsertSearchAttributes([
    { key: SA.family, value: 'watches' },
    { key: SA.source, value: source },
    { key: SA.status, value: 'checking' },
  ]);

  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const r = await sweeper.checkGenericBatch({ ids: input.ids, tag: input.tag });
    state.batches++;
    state.checked += r.checked;
    state.baselines += r.baselines;
    state.changed += r.changed;
    state.errors += r.errors;
    state.notified += r.notified;
    state.lost += r.lost;
    if (r.undelivered.length) {
      state.phase = 'notifying';
      for (let j = 0; j < r.undelivered.length; j += 10) {
        const sent = await Promise.allSettled(r.undelivered.slice(j, j + 10).map((k) => notify.deliverNotification(k)));
        state.notified += sent.filter((s) => s.status === 'fulfilled').length;
      }
      state.phase = 'checking';
    }
    if (r.claimed < r.limit) {
      state.phase = 'completed';
      upsertSearchAttributes([{ key: SA.status, value: state.errors ? 'completed-with-errors' : 'completed' }]);
      return state;
    }
  }
  const { phase: _phase, reason: _reason, tag: _tag, ids: _ids, ...totals } = state;
  return continueAsNew<typeof genericWatchSweep>({ ...input, totals });
}
