/**
 * Stripe events as Stripe sends them, signed with the SDK's test-header helper and the sandbox's
 * webhook secret: how the sandbox "pays" an order (tests, demo, `npm run sandbox:pay`).
 */
import Stripe from 'stripe';
import { SANDBOX_STRIPE_SECRET_KEY, SANDBOX_STRIPE_WEBHOOK_SECRET } from './concierge-peers.js';

export const stripe = new Stripe(SANDBOX_STRIPE_SECRET_KEY);

/** A Checkout Session event as Stripe sends it, signed with the SDK's test-header helper. */
export function signedCheckoutEvent(opts: {
  orderId: string;
  sessionId: string;
  eventId?: string;
  paymentIntent?: string;
  amount?: number;
  secret?: string;
  type?: string;
  /** The signed `t=` (seconds; default now). */
  timestamp?: number;
  /** Without the order id in the metadata and as the client reference. */
  anonymous?: boolean;
}) {
  const payload = JSON.stringify({
    id: opts.eventId ?? `evt_${Math.random().toString(36).slice(2, 14)}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    type: opts.type ?? 'checkout.session.completed',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: opts.sessionId,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        payment_intent: opts.paymentIntent ?? `pi_${opts.orderId.slice(4)}`,
        amount_total: opts.amount ?? 59_900,
        currency: 'eur',
        client_reference_id: opts.anonymous ? null : opts.orderId,
        metadata: opts.anonymous ? {} : { orderId: opts.orderId, step: 'checkout-1' },
      },
    },
  });
  const header = stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? SANDBOX_STRIPE_WEBHOOK_SECRET,
    ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
  });
  return { payload, header };
}
