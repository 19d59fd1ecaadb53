/** The payment port the saga talks to (Stripe in production and tests: adapters/stripe-payments.ts). */

export interface CheckoutInput {
  orderId: string;
  /** Names the attempt: the idempotency key is `${orderId}:${step}`. */
  step: string;
  amountCents: number;
  currency: string;
  customerEmail: string;
  description: string;
  successUrl: string;
  cancelUrl: string;
  /** Unix seconds; Stripe accepts 30 min .. 24 h from now. */
  expiresAt?: number;
}

export interface CheckoutSession {
  sessionId: string;
  url: string;
  expiresAt: number | null;
}

export interface RefundResult {
  refundId: string;
  status: string;
  amountCents: number;
}

export interface Payments {
  createCheckout(input: CheckoutInput, idempotencyKey: string): Promise<CheckoutSession>;
  /** Expires an open Checkout Session so it can no longer be paid. */
  expireCheckout(sessionId: string, idempotencyKey: string): Promise<{ status: string }>;
  /** An existing refund of this order on the payment intent, if any (check-before-create). */
  findRefund(paymentIntentId: string, orderId: string): Promise<RefundResult | null>;
  refund(input: { orderId: string; paymentIntentId: string; amountCents?: number }, idempotencyKey: string): Promise<RefundResult>;
}
