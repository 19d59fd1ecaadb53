/**
 * Stripe through the official SDK: Checkout Sessions (order id in metadata and as the client
 * reference, an idempotency key per order + step), expiry, refunds (idempotency key + a look for
 * an existing refund of the order first), and webhook signature verification.
 * STRIPE_API_HOST / PORT / PROTOCOL point the same SDK at stripe-mock in tests.
 */
import Stripe from 'stripe';
import type { Config } from '../../../core/config.js';
import type { CheckoutInput, CheckoutSession, Payments, RefundResult } from '../payments.js';

type StripeConfig = Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_HOST' | 'STRIPE_API_PORT' | 'STRIPE_API_PROTOCOL'>;

export function createStripeClient(config: StripeConfig): Stripe {
  return new Stripe(config.STRIPE_SECRET_KEY, {
    ...(config.STRIPE_API_HOST ? { host: config.STRIPE_API_HOST } : {}),
    ...(config.STRIPE_API_PORT ? { port: config.STRIPE_API_PORT } : {}),
    ...(config.STRIPE_API_PROTOCOL ? { protocol: config.STRIPE_API_PROTOCOL } : {}),
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'atelier-concierge' },
  });
}

function refundResult(r: Stripe.Refund): RefundResult {
  return { refundId: r.id, status: r.status ?? 'pending', amountCents: r.amount };
}

export function createStripePayments(config: StripeConfig, stripe: Stripe = createStripeClient(config)): Payments {
  return {
    async createCheckout(input: CheckoutInput, idempotencyKey: string): Promise<CheckoutSession> {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          customer_email: input.customerEmail,
          client_reference_id: input.orderId,
          metadata: { orderId: input.orderId, step: input.step },
          payment_intent_data: { metadata: { orderId: input.orderId } },
          line_items: [
            {
              quantity: 1,
              price_data: { currency: input.currency, unit_amount: input.amountCents, product_data: { name: input.description } },
            },
          ],
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          ...(input.expiresAt ? { expires_at: input.expiresAt } : {}),
        },
        { idempotencyKey },
      );
      if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a URL`);
      return { sessionId: session.id, url: session.url, expiresAt: session.expires_at ?? null };
    },

    async expireCheckout(sessionId: string, idempotencyKey: string) {
      try {
        // Stripe answers the expired session; a successful call is the expiry
        await stripe.checkout.sessions.expire(sessionId, {}, { idempotencyKey });
        return { status: 'expired' };
      } catch (err) {
        // only open sessions can be expired: one paid in the meantime is `complete`, and its
        // webhook is on its way
        if (err instanceof Stripe.errors.StripeInvalidRequestError) {
          const s = await stripe.checkout.sessions.retrieve(sessionId);
          if (s.status !== 'open') return { status: s.status ?? 'unknown' };
        }
        throw err;
      }
    },

    async findRefund(paymentIntentId: string, orderId: string) {
      const list = await stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 });
      const mine = list.data.find((r) => r.metadata?.orderId === orderId && r.status !== 'failed' && r.status !== 'canceled');
      return mine ? refundResult(mine) : null;
    },

    async refund(input, idempotencyKey) {
      const r = await stripe.refunds.create(
        {
          payment_intent: input.paymentIntentId,
          ...(input.amountCents ? { amount: input.amountCents } : {}),
          reason: 'requested_by_customer',
          metadata: { orderId: input.orderId },
        },
        { idempotencyKey },
      );
      return refundResult(r);
    },
  };
}

/** How far a webhook's signed timestamp may be from our clock, either way (Stripe's own default). */
export const STRIPE_WEBHOOK_TOLERANCE_S = 300;

/** The signed `t=` of a `Stripe-Signature` header (seconds), or null when there is none. */
export function stripeSignatureTimestamp(header: string): number | null {
  const t = header.split(',').find((part) => part.trim().startsWith('t='));
  const n = t ? Number(t.trim().slice(2)) : Number.NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Verifies a webhook's `Stripe-Signature` over the raw body and that its timestamp lies within
 * ±5 minutes of now (the SDK alone refuses only old ones: a timestamp in the future passes it);
 * throws Stripe's signature error otherwise.
 */
export function verifyStripeWebhook(stripe: Stripe, rawBody: string, signature: string | undefined, secret: string, nowMs = Date.now()): Stripe.Event {
  const refuse = (message: string) => new Stripe.errors.StripeSignatureVerificationError(signature ?? '', rawBody, { message });
  if (!signature) throw refuse('missing Stripe-Signature header');
  const event = stripe.webhooks.constructEvent(rawBody, signature, secret, STRIPE_WEBHOOK_TOLERANCE_S, undefined, nowMs);
  const t = stripeSignatureTimestamp(signature);
  if (t === null || Math.abs(nowMs / 1000 - t) > STRIPE_WEBHOOK_TOLERANCE_S) {
    throw refuse(`signature timestamp outside the ±${STRIPE_WEBHOOK_TOLERANCE_S} s window`);
  }
  return event;
}
