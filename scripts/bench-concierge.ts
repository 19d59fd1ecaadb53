/**
 * `npm run bench:concierge`: N orders at once (default 20) against the local peers; each is paid
 * as soon as its Checkout link exists. Prints p50 / p95 order-to-live time (POST -> live) and the
 * per-phase breakdown from the orders' timelines. Target on this machine: p95 <= 60 s.
 *
 *   npm run bench:concierge -- [--n 20]
 */
import { parseArgs } from 'node:util';
import { phaseDurations } from '../activities/concierge/timeline.js';
import type { OrderPhase } from '../core/contracts/concierge.js';
import { percentile } from './lib/stats.js';
import { DEMO_ORDER, startConciergeStack } from './lib/concierge-stack.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '20' } } });
const N = Number(values.n);
const log = (m: string) => console.log(`[bench] ${m}`);
const stack = await startConciergeStack({ log });
try {
  log(`${N} orders at once`);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const t0 = Date.now();
      const res = await stack.api('/v1/concierge/orders', {
        method: 'POST',
        body: JSON.stringify({ ...DEMO_ORDER, businessName: `Commerce ${i}`, contactEmail: `client${i}@bench.test`, desiredDomain: `commerce-bench-${i}.fr` }),
      });
      if (res.status !== 202) throw new Error(`order ${i}: ${res.status} ${await res.text()}`);
      const { orderId } = (await res.json()) as { orderId: string };
      await stack.pay(orderId);
      const phase = await stack.waitPhase(orderId, ['live', 'refunded', 'cancelled', 'expired'], 300_000);
      const total = Date.now() - t0;
      const order = (await (await stack.api(`/v1/concierge/orders/${orderId}`)).json()) as { timeline: Array<{ phase: OrderPhase; at: string }> };
      return { orderId, phase, total, phases: phaseDurations(order.timeline).phases };
    }),
  );
  const wall = Date.now() - started;
  const live = results.filter((r) => r.phase === 'live');
  const totals = live.map((r) => r.total).sort((a, b) => a - b);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\n${live.length}/${N} live in ${s(wall)} wall time`);
  if (totals.length)
    console.log(
      `order-to-live  p50 ${s(percentile(totals, 50))}  p95 ${s(percentile(totals, 95))}  max ${s(totals[totals.length - 1]!)}  (target p95 <= 60 s)`,
    );
  console.log('\nper phase (time spent in it)        p50        p95');
  const names = [...new Set(live.flatMap((r) => Object.keys(r.phases)))] as OrderPhase[];
  for (const p of names) {
    const xs = live.map((r) => r.phases[p] ?? 0).sort((a, b) => a - b);
    console.log(`  ${p.padEnd(30)} ${s(percentile(xs, 50)).padStart(9)}  ${s(percentile(xs, 95)).padStart(9)}`);
  }
  // the delivery email follows the `live` phase: let the last ones arrive before counting
  await stack.mail.waitFor(5 * live.length, undefined, 30_000).catch(() => undefined);
  const regs = live.reduce((n, r) => n + stack.namecheap.registrations(`commerce-bench-${results.indexOf(r)}.fr`), 0);
  console.log(`\nregistrations ${regs} for ${live.length} live orders; emails sent ${stack.mail.messages.length}`);
} finally {
  await stack.stop();
}
// the worker's shared Chromium (live checks) would keep the process alive
process.exit(0);
