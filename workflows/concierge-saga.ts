/**
 * The moves of the `conciergeOrder` saga (concierge.ts) over its status: enter a phase, cancel,
 * compensate (refund) before the point of no return, persist after it, and the SLA alert timer.
 * Workflow code: deterministic, bundled with the workflows.
 */
import { CancellationScope, isCancellation, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { appendTimeline, estimateEta, isTerminal, type SlaWindow } from '../activities/concierge/timeline.js';
import type { ConciergeOrderInput, OrderPhase } from '../core/contracts/concierge.js';
import { SA } from '../core/temporal.js';
import { db, messageOf } from './concierge-calls.js';
import type { ConciergeStatus } from './concierge-messages.js';

export function orderSaga(input: ConciergeOrderInput, state: ConciergeStatus) {
  const { orderId } = input;
  let enteredAt = new Date();
  const compensations: Array<() => Promise<void>> = [];
  let slaScope: CancellationScope | null = null;

  const enter = async (phase: OrderPhase, detail?: string) => {
    const now = new Date();
    state.phase = phase;
    enteredAt = now;
    state.timeline = appendTimeline(state.timeline, phase, now, detail);
    state.eta = estimateEta(phase, now)?.toISOString() ?? null;
    upsertSearchAttributes([{ key: SA.status, value: phase }]);
    await db.recordOrderPhase(orderId, phase, now.toISOString(), detail);
  };

  // `reason` is for the status query and the operator; the customer's email gets `customerReason`,
  // never a provider's technical message.
  const cancel = async (phase: 'cancelled' | 'expired', reason: string, customerReason = reason) => {
    state.failure = reason;
    await db.expireCheckout(orderId);
    await db.emailCustomer(orderId, 'cancelled', { extra: { reason: customerReason } });
    await enter(phase, reason);
    return state;
  };

  /** Runs the compensations (newest first), tells the customer and the operator. */
  const compensate = async (reason: string, customerReason = reason) => {
    state.failure = reason;
    await db.emailCustomer(orderId, 'failed', { extra: { reason: customerReason } });
    for (const undo of compensations.reverse()) await undo();
    compensations.length = 0;
    await db.emailCustomer(orderId, 'refunded');
    await db.alertOperator(orderId, `commande remboursée : ${reason}`, { suffix: 'refunded' });
    slaScope?.cancel();
    await enter('refunded', reason);
    return state;
  };

  /** After the point of no return: retry in rounds, alerting the operator once per step. */
  const persist = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    for (let round = 1; ; round++) {
      try {
        const out = await fn();
        state.attention = null;
        return out;
      } catch (err) {
        if (isCancellation(err)) throw err;
        state.attention = `${step}: ${messageOf(err)}`;
        if (round === 1)
          await db.alertOperator(orderId, `étape ${step} en échec après l'enregistrement du domaine : ${messageOf(err)}`, { suffix: `step-${step}` });
        await sleep(input.windows.stepRetryMs);
      }
    }
  };

  /** Alerts the operator when the SLA is about to be missed, unless the order is over by then. */
  const watchSla = (sla: SlaWindow) => {
    slaScope = new CancellationScope();
    slaScope
      .run(async () => {
        await sleep(Date.parse(sla.alertAt) - Date.now());
        if (!isTerminal(state.phase)) {
          await db.alertOperator(orderId, `SLA bientôt dépassé (phase ${state.phase})`, { suffix: 'sla', deadline: sla.deadline });
        }
      })
      .catch((err) => {
        if (!isCancellation(err)) throw err;
      });
  };

  return {
    enter,
    cancel,
    compensate,
    persist,
    watchSla,
    stopSla: () => slaScope?.cancel(),
    /** When the current phase began (the status query's ETA). */
    enteredAt: () => enteredAt,
    /** Undo steps (newest last) run by `compensate`; emptied at the point of no return. */
    compensations,
  };
}
