/**
 * `npm run sandbox:pay -- <orderId>`: pays a concierge order in the sandbox the way Stripe would
 * (sandbox/pay.ts: a `checkout.session.completed` event signed with the sandbox's webhook secret,
 * posted to the running platform's public webhook route). Only meaningful when the concierge runs against its
 * sandbox (`npm start` without Stripe credentials).
 */
import { payInSandbox } from '../sandbox/pay.js';
import { DATA_DIR } from './lib/paths.js';

const orderId = process.argv[2];
if (!orderId) {
  console.error('usage: npm run sandbox:pay -- <orderId>');
  process.exit(2);
}
const res = await payInSandbox({ dataDir: DATA_DIR, orderId });
console.log(`${res.status} ${res.body}`);
process.exit(res.status === 200 ? 0 : 1);
