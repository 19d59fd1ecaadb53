/**
 * Every Stripe write goes through this ledger (`concierge_payments`, one row per order + kind +
 * step): the row is claimed first, a retry reuses what the row knows, the Stripe call carries the
 * row's idempotency key, and `api_calls` counts the calls actually sent. stripe-mock keeps no
 * state, so the ledger is also what tests read to assert "exactly one charge / one refund".
 */
import type { Db } from '../../db/client.js';
import { checkoutsIn, claimPayment as claim, countPaymentCall as countCall, markCheckoutPaid, updatePayment } from '../../db/queries/concierge-payments.js';
import type { CheckoutInput, CheckoutSession, Payments, RefundResult } from './payments.js';

export async function openCheckout(db: Db, payments: Payments, input: CheckoutInput): Promise<CheckoutSession & { amountCents: number; currency: string }> {
  const row = await claim(db, input.orderId, 'checkout', input.step);
  if (row.provider_id && row.url) {
    return {
      sessionId: row.provider_id,
      url: row.url,
      expiresAt: input.expiresAt ?? null,
      amountCents: row.amount_cents ?? input.amountCents,
      currency: row.currency ?? input.currency,
    };
  }
  await countCall(db, row.id);
  const session = await payments.createCheckout(input, row.idempotency_key);
  await updatePayment(db, row.id, {
    provider_id: session.sessionId,
    url: session.url,
    amount_cents: input.amountCents,
    currency: input.currency,
    status: 'open',
  });
  return { ...session, amountCents: input.amountCents, currency: input.currency };
}

/** Records the payment the webhook reported against the order's checkout row. */
export async function markPaid(db: Db, orderId: string, sessionId: string, paymentIntent: string | null, amountCents: number | null): Promise<void> {
  await markCheckoutPaid(db, orderId, sessionId, paymentIntent, amountCents);
}

/**
 * Expires the order's open Checkout Sessions. Returns how many were expired and how many turned
 * out to be already completed (paid while we expired them: their webhook is on its way).
 */
export async function expireOpenCheckouts(db: Db, payments: Payments, orderId: string): Promise<{ expired: number; completed: number }> {
  const open = await checkoutsIn(db, orderId, ['open']);
  let completed = 0;
  for (const c of open) {
    const row = await claim(db, orderId, 'expire', c.step);
    let status = 'expired';
    if (row.status === 'pending') {
      await countCall(db, row.id);
      status = (await payments.expireCheckout(c.provider_id!, row.idempotency_key)).status;
      await updatePayment(db, row.id, { status: status === 'expired' ? 'done' : status, provider_id: c.provider_id });
    } else if (row.status !== 'done') {
      status = row.status;
    }
    if (status === 'expired') await updatePayment(db, c.id, { status: 'expired' });
    else completed++;
  }
  return { expired: open.length - completed, completed };
}

export class NothingToRefund extends Error {}

/** Refunds the order's paid checkout once: ledger first, then Stripe's own record, then a create with the idempotency key. */
export async function refundOrder(db: Db, payments: Payments, orderId: string): Promise<RefundResult> {
  const [paid] = await checkoutsIn(db, orderId, ['paid', 'refunded']);
  if (!paid?.payment_intent) throw new NothingToRefund(`order ${orderId} has no recorded payment to refund`);
  const row = await claim(db, orderId, 'refund', paid.step);
  if (row.provider_id) return { refundId: row.provider_id, status: row.status, amountCents: row.amount_cents ?? 0 };
  const existing = await payments.findRefund(paid.payment_intent, orderId);
  let refund = existing;
  if (!refund) {
    await countCall(db, row.id);
    refund = await payments.refund({ orderId, paymentIntentId: paid.payment_intent, amountCents: paid.amount_cents ?? undefined }, row.idempotency_key);
  }
  await updatePayment(db, row.id, {
    provider_id: refund.refundId,
    status: refund.status,
    amount_cents: paid.amount_cents ?? refund.amountCents,
    currency: paid.currency,
  });
  await updatePayment(db, paid.id, { status: 'refunded' });
  return { ...refund, amountCents: paid.amount_cents ?? refund.amountCents };
}
