/**
 * What the `conciergeOrder` workflow (concierge.ts) answers and accepts: its status query, the
 * payment and upload signals, the domain-choice update, and the inbox that picks the one payment
 * the order waits for. Workflow code: deterministic, bundled with the workflows.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SlaWindow } from '../activities/concierge/timeline.js';
import type { OrderPhase, PaymentReceived, TimelineEntry } from '../core/contracts/concierge.js';

export interface ConciergeStatus {
  orderId: string;
  phase: OrderPhase;
  domain: string | null;
  timeline: TimelineEntry[];
  eta: string | null;
  sla: SlaWindow | null;
  checkoutUrl: string | null;
  alternatives: string[];
  /** What an operator should look at (a step failing after the point of no return). */
  attention: string | null;
  failure: string | null;
  liveUrl: string | null;
  registered: boolean;
  monitorId: string | null;
}

export const conciergeStatusQuery = defineQuery<ConciergeStatus>('status');
export const paymentReceivedSignal = defineSignal<[PaymentReceived]>('paymentReceived');
export const siteUploadedSignal = defineSignal('siteUploaded');
export const chooseDomainUpdate = defineUpdate<{ domain: string }, [{ domain: string }]>('chooseDomain');

/**
 * The order accepts the one payment it waits for: the first signal for the session it opened.
 * A webhook may beat the activity that opened the session back to the workflow, so until the
 * session is known the first signal of each session is held (a handful at most: the API signals
 * only for the session the order opened); once the session is known every other one is dropped,
 * and once a payment is accepted every later signal is ignored, so the state never grows.
 */
export class PaymentInbox {
  private sessionId: string | null = null;
  private accepted: PaymentReceived | null = null;
  private readonly early = new Map<string, PaymentReceived>();

  receive(p: PaymentReceived): void {
    if (this.accepted !== null) return;
    if (this.sessionId !== null) {
      if (p.sessionId === this.sessionId) this.accepted = p;
    } else if (!this.early.has(p.sessionId) && this.early.size < 8) {
      this.early.set(p.sessionId, p);
    }
  }

  /** The session the order opened: from now on only its payment counts. */
  open(sessionId: string): void {
    this.sessionId = sessionId;
  }

  /** The accepted payment, taking the one held for the opened session if it came early. */
  matching(): PaymentReceived | undefined {
    if (this.accepted === null && this.sessionId !== null && this.early.size > 0) {
      this.accepted = this.early.get(this.sessionId) ?? null;
      this.early.clear();
    }
    return this.accepted ?? undefined;
  }
}
