/**
 * Where a paid Stripe Checkout event may go (pure): to the order it names only when that order
 * exists, is awaiting its payment, and opened that very Checkout Session which is still open.
 * Anything else is recorded and acknowledged, and signals nothing.
 */
export const ORDER_ID_PATTERN = /^ord_[a-z0-9]{20}$/;

export interface PaymentTarget {
  /** The order's phase, or null when no such order exists. */
  phase: string | null;
  /** The status of the order's checkout row for this session, or null when the order opened no such session. */
  checkoutStatus: string | null;
}

export type PaymentRoute = { signal: true } | { signal: false; reason: string };

export function routePayment(orderId: string | null, target: PaymentTarget | null): PaymentRoute {
  if (orderId === null) return { signal: false, reason: 'no order id in the session metadata' };
  if (!ORDER_ID_PATTERN.test(orderId) || target === null || target.phase === null) return { signal: false, reason: 'no such concierge order' };
  if (target.phase !== 'awaiting-payment') return { signal: false, reason: `the order is ${target.phase}, not awaiting payment` };
  if (target.checkoutStatus === null) return { signal: false, reason: 'the order did not open this checkout session' };
  if (target.checkoutStatus !== 'open') return { signal: false, reason: `the order's checkout session is ${target.checkoutStatus}` };
  return { signal: true };
}
