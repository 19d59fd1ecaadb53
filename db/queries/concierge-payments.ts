/**
 * Queries over the payment ledger `concierge_payments`: one row per order + kind + step, claimed
 * before any Stripe call, carrying the idempotency key and the count of calls actually sent
 * (activities/concierge/payment-ledger.ts drives Stripe through it).
 */
import { sql, type Updateable } from 'kysely';
import type { ConciergePaymentsTable } from '../schema/concierge.js';
import type { Queryable } from './types.js';

export type PaymentKind = 'checkout' | 'refund' | 'expire';

/** The ledger row of (order, kind, step), created pending on first use; its idempotency key names it. */
export async function claimPayment(db: Queryable, orderId: string, kind: PaymentKind, step: string) {
  const idempotency_key = `concierge:${orderId}:${kind}:${step}`;
  await db
    .insertInto('concierge_payments')
    .values({ order_id: orderId, kind, step, idempotency_key })
    .onConflict((oc) => oc.columns(['order_id', 'kind', 'step']).doNothing())
    .execute();
  return db.selectFrom('concierge_payments').selectAll().where('idempotency_key', '=', idempotency_key).executeTakeFirstOrThrow();
}

/** Counts one call about to be sent to Stripe for this row. */
export async function countPaymentCall(db: Queryable, id: number): Promise<void> {
  await db
    .updateTable('concierge_payments')
    .set({ api_calls: sql<number>`api_calls + 1`, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function updatePayment(db: Queryable, id: number, set: Updateable<ConciergePaymentsTable>): Promise<void> {
  await db
    .updateTable('concierge_payments')
    .set({ ...set, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Records the payment the webhook reported against the order's checkout row for `sessionId`. */
export async function markCheckoutPaid(
  db: Queryable,
  orderId: string,
  sessionId: string,
  paymentIntent: string | null,
  amountCents: number | null,
): Promise<void> {
  await db
    .updateTable('concierge_payments')
    .set({ status: 'paid', payment_intent: paymentIntent, ...(amountCents !== null ? { amount_cents: amountCents } : {}), updated_at: sql<string>`now()` })
    .where('order_id', '=', orderId)
    .where('kind', '=', 'checkout')
    .where('provider_id', '=', sessionId)
    .execute();
}

/** The order's checkout rows in one of these statuses. */
export async function checkoutsIn(db: Queryable, orderId: string, statuses: string[]) {
  return db
    .selectFrom('concierge_payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('kind', '=', 'checkout')
    .where('status', 'in', statuses)
    .execute();
}

/** The order's Stripe Checkout Session id, once its checkout row has one (null before). */
export async function checkoutSessionId(db: Queryable, orderId: string): Promise<string | null> {
  const row = await db.selectFrom('concierge_payments').select('provider_id').where('order_id', '=', orderId).where('kind', '=', 'checkout').executeTakeFirst();
  return row?.provider_id ?? null;
}

/** The order's Checkout Session still open for payment (the newest), null when none is. */
export async function openCheckoutSessionId(db: Queryable, orderId: string): Promise<string | null> {
  const row = await db
    .selectFrom('concierge_payments')
    .select('provider_id')
    .where('order_id', '=', orderId)
    .where('kind', '=', 'checkout')
    .where('status', '=', 'open')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.provider_id ?? null;
}
