/**
 * The concierge activities: small, idempotent steps of the `conciergeOrder` saga, bound to the
 * ports (registrar, DNS, ACME, host, availability, payments) and to PostgreSQL. Workflows only
 * ever pass the order id: every detail (and every secret) is read here. The steps up to the payment
 * are in order-activities.ts, those from registration to delivery in delivery-activities.ts.
 */
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/client.js';
import type { Mailer } from '../shared/mail.js';
import { deliveryActivities } from './delivery-activities.js';
import { FAILURE } from './failures.js';
import { orderActivities } from './order-activities.js';
import type { ConciergePorts } from './ports-set.js';
import { siteDirs } from './site-dirs.js';

export { FAILURE, siteDirs };

export interface ConciergeDeps {
  config: Config;
  db: Db;
  logger: Logger;
  mailer: Mailer;
  ports: ConciergePorts;
}

export function createConciergeActivities(deps: ConciergeDeps) {
  return { ...orderActivities(deps), ...deliveryActivities(deps) };
}

export type ConciergeActivities = ReturnType<typeof createConciergeActivities>;
