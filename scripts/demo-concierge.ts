/**
 * `npm run demo:concierge`: one real order end to end against the local peers (stripe-mock,
 * Namecheap / Cloudflare fakes, Pebble, the loopback HTTPS server, Chromium), then its timeline,
 * the emails it sent and where its screenshot is.
 */
import { DEMO_ORDER, startConciergeStack } from './lib/concierge-stack.js';

const log = (m: string) => console.log(`[demo] ${m}`);
const stack = await startConciergeStack({ log });
try {
  const domain = 'boulangerie-martin.fr';
  log(`API on ${stack.base}; placing an order for ${domain}`);
  const res = await stack.api('/v1/concierge/orders', { method: 'POST', body: JSON.stringify({ ...DEMO_ORDER, desiredDomain: domain }) });
  const placed = (await res.json()) as { orderId: string; statusUrl: string };
  log(`202 ${placed.orderId} -> ${placed.statusUrl}`);
  await stack.pay(placed.orderId);
  log('payment webhook delivered (signed with the Stripe SDK test helper)');
  await stack.waitPhase(placed.orderId, ['live', 'refunded', 'cancelled', 'expired']);
  const order = (await (await stack.api(placed.statusUrl)).json()) as { phase: string; liveUrl: string; timeline: Array<{ phase: string; at: string; detail?: string }> };
  const t0 = Date.parse(order.timeline[0]!.at);
  console.log(`\nOrder ${placed.orderId}: ${order.phase} at ${order.liveUrl}\n`);
  for (const e of order.timeline) console.log(`  +${String(((Date.parse(e.at) - t0) / 1000).toFixed(2)).padStart(7)} s  ${e.phase}${e.detail ? `  (${e.detail})` : ''}`);
  // the delivery email follows the `live` phase
  await stack.mail.waitFor(5, undefined, 15_000).catch(() => undefined);
  console.log('\nEmails:');
  for (const m of stack.mail.messages) console.log(`  to ${m.to.join(', ')}: ${m.subject}`);
  const row = await stack.db.selectFrom('concierge_orders').select(['screenshot_path', 'cert_not_after']).where('id', '=', placed.orderId).executeTakeFirstOrThrow();
  console.log(`\nCertificate valid until ${row.cert_not_after?.toISOString()}; screenshot ${row.screenshot_path} (removed when the demo exits)`);
} finally {
  await stack.stop();
}
// the worker's shared Chromium (live checks) would keep the process alive
process.exit(0);
