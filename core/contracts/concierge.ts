/**
 * The concierge contract: the `conciergeOrder` workflow's input, built by the API and the
 * activities from configuration (activities/concierge/workflow-input.ts), and the order's phases and
 * timeline, shared by the workflow, the API and the `concierge_events` table. Pure: safe to import
 * from workflow code.
 */

/** The order's service-level promise (activities/concierge/timeline.ts computes its window). */
export interface SlaPolicy {
  /** Hours from payment to live for a normal order (the brief: 2–4 h, so 4 h is the promise). */
  normalHours: number;
  /** Hours for an urgent order (the brief: "Paiement urgent -> délai 24h au lieu de 2-4h"). */
  urgentHours: number;
  /** Alert the operator when this fraction of the SLA has elapsed and the order is not live. */
  alertRatio: number;
}

export interface ConciergeOrderInput {
  orderId: string;
  windows: {
    /** How long the Checkout link stays payable (default 24 h). */
    paymentMs: number;
    /** How long the customer has to choose an alternative domain. */
    choiceMs: number;
    /** How long an `archive` order waits for its upload. */
    siteMs: number;
    /** Pause between rounds of a failing step after the point of no return. */
    stepRetryMs: number;
    /** How long a provider call before the payment keeps retrying through an outage (default 30 min). */
    providerOutageMs?: number;
  };
  sla: SlaPolicy;
  renewBeforeDays: number;
  /** Task queues of the children: the audits queue (site monitor) and ours (renewal). */
  queues: { audits: string; concierge: string };
  startMonitor: boolean;
}

/** The phases an order goes through, in order, then the terminal ones. */
export const FLOW_PHASES = [
  'received',
  'checking-domain',
  'awaiting-domain-choice',
  'awaiting-site',
  'awaiting-payment',
  'registering',
  'configuring-dns',
  'publishing',
  'issuing-certificate',
  'verifying',
  'live',
] as const;
export const TERMINAL_PHASES = ['live', 'cancelled', 'expired', 'refunded'] as const;
export type FlowPhase = (typeof FLOW_PHASES)[number];
export type OrderPhase = FlowPhase | 'cancelled' | 'expired' | 'refunded';

export interface TimelineEntry {
  phase: OrderPhase;
  at: string; // ISO
  detail?: string;
}

/** The `paymentReceived` signal's payload (the Stripe webhook sends it to the order's workflow). */
export interface PaymentReceived {
  eventId: string;
  sessionId: string;
  paymentIntentId: string | null;
  amountTotal: number | null;
  currency: string | null;
}
