/**
 * The concierge activities: small, idempotent steps of the `conciergeOrder` saga, bound to the
 * ports (registrar, DNS, ACME, host, availability, payments) and to PostgreSQL. Workflows only
 * ever pass the order id: every detail (and every secret) is read here. The steps up to the payment
 * are in order-activities.ts, those from registration to delivery in delivery-activities.ts.
 */
import { deliveryActivities } from './delivery-activities.js';
import type { ConciergeDeps } from './deps.js';
import { orderActivities } from './order-activities.js';

export function createConciergeActivities(deps: ConciergeDeps) {
  return { ...orderActivities(deps), ...deliveryActivities(deps) };
}

export type ConciergeActivities = ReturnType<typeof createConciergeActivities>;
