/**
 * `diagnostics`: a short workflow that proves the whole chain (API -> Temporal -> worker ->
 * PostgreSQL) works. An operator can hold it open for a while (to watch it in the Web UI, or to
 * try cancellation) and release it early with the `release` signal.
 */
import {
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  CancellationScope,
} from '@temporalio/workflow';
import type { PlatformActivities } from '../activities/platform/index.js';
import type { DiagnosticCheck } from '../db/schema/diagnostics.js';
import { SA } from '../core/temporal.js';
import { OUTAGE_PROOF } from '../core/retry-policies.js';

export interface DiagnosticsInput {
  requestedBy?: string;
  /** Keep the run open this many seconds after the checks (0..3600). */
  holdSeconds?: number;
}

export type DiagnosticsPhase = 'checking' | 'holding' | 'completed' | 'cancelled';

export interface DiagnosticsStatus {
  phase: DiagnosticsPhase;
  checks: DiagnosticCheck[];
  ok: boolean | null;
  holdUntil: string | null;
}

export const statusQuery = defineQuery<DiagnosticsStatus>('status');
export const releaseSignal = defineSignal('release');

// The run's row must be written even when PostgreSQL is down at the time: retried until it is back.
const { checkDatabase, recordDiagnostics } = proxyActivities<PlatformActivities>(OUTAGE_PROOF);

export async function diagnostics(input: DiagnosticsInput = {}): Promise<DiagnosticsStatus> {
  const state: DiagnosticsStatus = { phase: 'checking', checks: [], ok: null, holdUntil: null };
  let released = false;
  setHandler(statusQuery, () => state);
  setHandler(releaseSignal, () => {
    released = true;
  });
  const setPhase = (phase: DiagnosticsPhase) => {
    state.phase = phase;
    upsertSearchAttributes([{ key: SA.status, value: phase }]);
  };
  upsertSearchAttributes([
    { key: SA.family, value: 'platform' },
    { key: SA.status, value: 'checking' },
    ...(input.requestedBy ? [{ key: SA.customer, value: input.requestedBy }] : []),
  ]);

  try {
    state.checks.push(await checkDatabase());
    state.ok = state.checks.every((c) => c.ok);
    await recordDiagnostics({
      workflowId: workflowInfo().workflowId,
      requestedBy: input.requestedBy ?? null,
      checks: state.checks,
    });
    const hold = Math.max(0, Math.min(3600, input.holdSeconds ?? 0));
    if (hold > 0) {
      setPhase('holding');
      state.holdUntil = new Date(Date.now() + hold * 1000).toISOString();
      await condition(() => released, hold * 1000);
    }
    setPhase('completed');
    return state;
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => setPhase('cancelled'));
    }
    throw err;
  }
}
