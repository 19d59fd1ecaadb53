/**
 * `npm run demo:concierge`: one real order end to end against the local peers (stripe-mock,
 * Namecheap / Cloudflare fakes, Pebble, the loopback HTTPS server, Chromium), then its timeline,
 * the emails it sent and its screenshot, kept under .data/demo/concierge/<orderId>/. (`npm run demo`
 * tours every family against the platform `npm start` runs.)
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustGetOrder } from '../db/queries/concierge-orders.js';
import { DEMO_ORDER, startConciergeStack } from './lib/concierge-stack.js';
import { DATA_DIR } from './lib/paths.js';

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
  const order = (await (await stack.api(placed.statusUrl)).json()) as {
    phase: string;
    liveUrl: string;
    timeline: Array<{ phase: string; at: string; detail?: string }>;
  };
  const t0 = Date.parse(order.timeline[0]!.at);
  console.log(`\nOrder ${placed.orderId}: ${order.phase} at ${order.liveUrl}\n`);
  for (const e of order.timeline)
    console.log(`  +${String(((Date.parse(e.at) - t0) / 1000).toFixed(2)).padStart(7)} s  ${e.phase}${e.detail ? `  (${e.detail})` : ''}`);
  // the delivery email follows the `live` phase
  await stack.mail.waitFor(5, undefined, 15_000).catch(() => undefined);
  // kept after the throwaway stack is gone: the emails (.eml and .html) and the live check's screenshot
  const out = join(DATA_DIR, 'demo', 'concierge', placed.orderId);
  mkdirSync(out, { recursive: true });
  console.log('\nEmails:');
  stack.mail.messages.forEach((m, i) => {
    const n = String(i + 1).padStart(2, '0');
    writeFileSync(join(out, `${n}.eml`), m.raw);
    writeFileSync(join(out, `${n}.html`), m.html ?? `<pre>${m.text}</pre>`);
    console.log(`  to ${m.to.join(', ')}: ${m.subject}`);
  });
  writeFileSync(join(out, 'order.json'), `${JSON.stringify(order, null, 2)}\n`);
  const row = await mustGetOrder(stack.db, placed.orderId);
  if (row.screenshot_path) copyFileSync(row.screenshot_path, join(out, 'live-check.png'));
  console.log(`\nCertificate valid until ${row.cert_not_after?.toISOString()}; emails, timeline and screenshot kept in ${out}/`);
} finally {
  await stack.stop();
}
// the worker's shared Chromium (live checks) would keep the process alive
process.exit(0);
