/**
 * POST /v1/webhooks/stripe: the signature is verified on the raw body with the Stripe SDK
 * (`constructEvent`) and its timestamp must lie within ±5 minutes of now, in the past or the
 * future (else 400, nothing recorded). The event id is recorded in `webhook_events` (a duplicate or
 * replayed event finds it and does nothing) with what became of it: a paid Checkout Session
 * signals its order's workflow only when that concierge order exists, is awaiting payment and
 * opened that session (`routePayment`); any other event is recorded as `ignored` with the reason
 * and answered 200 without signalling anything. The record and the signal share a transaction:
 * if the signal fails, the record is rolled back and Stripe's retry is processed normally.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type Stripe from 'stripe';
import { createStripeClient, verifyStripeWebhook } from '../../activities/concierge/adapters/stripe-payments.js';
import type { PaymentReceived } from '../../core/contracts/concierge.js';
import { paymentTargetOf } from '../../db/queries/concierge-orders.js';
import { markWebhookEventIgnored, recordWebhookEvent } from '../../db/queries/webhook-events.js';
import { ORDER_ID_PATTERN, routePayment, type PaymentRoute } from '../../activities/concierge/payment-routing.js';
import { newRouter, type ApiDeps } from '../router.js';
import { ProblemError, problemResponses } from '../problem.js';

const PAID_EVENTS = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);

const Ack = z
  .object({ received: z.literal(true), duplicate: z.boolean(), signalled: z.string().nullable(), ignored: z.string().optional() })
  .openapi('StripeWebhookAck');

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['concierge'],
  summary:
    'Stripe webhook (signature verified on the raw body, timestamp within ±5 min; replays do nothing; events no order awaits are recorded, not signalled)',
  request: { headers: z.object({ 'stripe-signature': z.string().optional() }) },
  responses: { 200: { description: 'Acknowledged', content: { 'application/json': { schema: Ack } } }, ...problemResponses(400, 413, 503) },
});

/** Ids and types go into PostgreSQL and a workflow id: short, printable, no NUL. */
const printable = (s: unknown): s is string => typeof s === 'string' && /^[\x21-\x7e]{1,255}$/.test(s);

export function stripeWebhookRoutes({ config, db, temporal, logger }: ApiDeps) {
  const stripe = createStripeClient(config);
  return newRouter().openapi(route, async (c) => {
    const raw = await c.req.text();
    let event: Stripe.Event;
    try {
      event = verifyStripeWebhook(stripe, raw, c.req.header('stripe-signature'), config.STRIPE_WEBHOOK_SECRET);
    } catch (err) {
      throw new ProblemError(400, 'bad-request', `Invalid Stripe signature: ${(err as Error).message}`);
    }
    if (!printable(event.id) || !printable(event.type)) throw new ProblemError(400, 'bad-request', 'The event id or type is not a short printable string.');
    const session = PAID_EVENTS.has(event.type) ? (event.data.object as Stripe.Checkout.Session) : null;
    const named = session ? (session.metadata?.orderId ?? session.client_reference_id ?? null) : null;
    const orderId = printable(named) ? named : null;
    const paid = session !== null && (session.payment_status === 'paid' || session.payment_status === 'no_payment_required');

    const outcome = await db.transaction().execute(async (tx) => {
      const record = (outcome: 'signalled' | 'ignored', detail: string | null) =>
        recordWebhookEvent(tx, { provider: 'stripe', event_id: event.id, event_type: event.type, outcome, target: orderId, detail });
      const ignore = async (reason: string) =>
        (await record('ignored', reason)) ? { duplicate: false, signalled: null, ignored: reason } : { duplicate: true, signalled: null };
      if (!session || !paid) return ignore(session ? 'not a paid session of an order' : `event ${event.type} not handled`);
      const sessionId = printable(session.id) ? session.id : null;
      const route: PaymentRoute =
        orderId && sessionId && ORDER_ID_PATTERN.test(orderId)
          ? routePayment(orderId, await paymentTargetOf(tx, orderId, sessionId))
          : routePayment(orderId, null);
      if (!route.signal) {
        if (orderId) logger.warn({ orderId, eventId: event.id, reason: route.reason }, 'stripe payment not routed to an order');
        return ignore(route.reason);
      }
      if (!(await record('signalled', null))) return { duplicate: true, signalled: null };
      const payment: PaymentReceived = {
        eventId: event.id,
        sessionId: sessionId!,
        paymentIntentId: typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null),
        amountTotal: session.amount_total ?? null,
        currency: session.currency ?? null,
      };
      try {
        await temporal.workflow.getHandle(orderId!).signal('paymentReceived', payment);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        const reason = `no running workflow for order ${orderId}`;
        logger.warn({ orderId, eventId: event.id }, 'stripe payment for an order whose workflow is not running');
        await markWebhookEventIgnored(tx, 'stripe', event.id, reason);
        return { duplicate: false, signalled: null, ignored: reason };
      }
      return { duplicate: false, signalled: orderId };
    });
    return c.json({ received: true as const, ...outcome }, 200);
  });
}
