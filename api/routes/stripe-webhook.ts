/**
 * POST /v1/webhooks/stripe: the signature is verified on the raw body with the Stripe SDK
 * (`constructEvent`), the event id is recorded in `webhook_events` (a duplicate or replayed event
 * finds it and does nothing), then a paid Checkout Session signals its order's workflow. The
 * record and the signal share a transaction: if the signal fails, the record is rolled back and
 * Stripe's retry is processed normally.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type Stripe from 'stripe';
import { createStripeClient, verifyStripeWebhook } from '../../activities/concierge/adapters/stripe-payments.js';
import type { PaymentReceived } from '../../activities/concierge/index.js';
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
  summary: 'Stripe webhook (signature verified on the raw body; replays do nothing)',
  request: { headers: z.object({ 'stripe-signature': z.string().optional() }) },
  responses: { 200: { description: 'Acknowledged', content: { 'application/json': { schema: Ack } } }, ...problemResponses(400, 413, 503) },
});

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
    const session = PAID_EVENTS.has(event.type) ? (event.data.object as Stripe.Checkout.Session) : null;
    const orderId = session ? (session.metadata?.orderId ?? session.client_reference_id ?? null) : null;
    const paid = session !== null && (session.payment_status === 'paid' || session.payment_status === 'no_payment_required');

    const outcome = await db.transaction().execute(async (tx) => {
      const fresh = await tx
        .insertInto('webhook_events')
        .values({ provider: 'stripe', event_id: event.id, event_type: event.type })
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .returning('event_id')
        .executeTakeFirst();
      if (!fresh) return { duplicate: true, signalled: null };
      if (!session || !orderId || !paid) return { duplicate: false, signalled: null, ignored: session ? 'not a paid session of an order' : `event ${event.type} not handled` };
      const payment: PaymentReceived = {
        eventId: event.id,
        sessionId: session.id,
        paymentIntentId: typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null),
        amountTotal: session.amount_total ?? null,
        currency: session.currency ?? null,
      };
      try {
        await temporal.workflow.getHandle(orderId).signal('paymentReceived', payment);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          logger.warn({ orderId, eventId: event.id }, 'stripe payment for an unknown order');
          return { duplicate: false, signalled: null, ignored: `no running order ${orderId}` };
        }
        throw err;
      }
      return { duplicate: false, signalled: orderId };
    });
    return c.json({ received: true as const, ...outcome }, 200);
  });
}
