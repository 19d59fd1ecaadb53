/**
 * The worker process is killed (SIGKILL) in the middle of an order, after the payment, and a new
 * one started: the order still goes live with exactly one charge, one registration, one
 * certificate, and every email sent once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.js';
import type { PeerProcess } from '../../sandbox/concierge/process.js';
import { testEnv } from '../support/platform.js';
import { killHard, startWorkerProcess as spawnWorker, writeWorkflowBundle } from '../support/worker-process.js';
import { ORDER, pay, placeOrder, startConciergeWorld, type ConciergeWorld } from '../support/concierge.js';
import { textOf } from '../../core/text-of.js';

let t: TestDb;
let w: ConciergeWorld;
let bundlePath: string;
const workers: PeerProcess[] = [];

beforeAll(async () => {
  t = await freshDb();
  w = await startConciergeWorld(t.db, t.url, { families: [] });
  bundlePath = await writeWorkflowBundle(w.dir);
});
afterAll(async () => {
  for (const p of workers) await p.stop();
  await w?.stop();
  await t?.drop();
});

async function startWorkerProcess(): Promise<PeerProcess> {
  const env = testEnv(t.url, { ...w.env, CHROMIUM_PATH: w.config.CHROMIUM_PATH ?? '' });
  const peer = await spawnWorker({ env, families: ['concierge'], bundlePath });
  workers.push(peer);
  return peer;
}

async function waitPhase(orderId: string, phases: string[], timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await t.db.selectFrom('concierge_orders').select('phase').where('id', '=', orderId).executeTakeFirst();
    if (row && phases.includes(row.phase)) return row.phase;
    if (Date.now() > deadline) throw new Error(`order ${orderId} stuck in ${row?.phase}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('worker killed mid-order', () => {
  it('completes after a restart with one charge, one registration, one certificate and no duplicate email', async () => {
    const first = await startWorkerProcess();
    const domain = 'menuiserie-bois.fr';
    const orderId = await placeOrder(w, { ...ORDER, businessName: 'Menuiserie Bois', contactEmail: 'marc@client.test', desiredDomain: domain });
    expect((await pay(w, t.db, orderId)).status).toBe(200);

    // kill it hard as soon as the saga is past the payment, in the middle of the provider steps
    const killedAt = await waitPhase(orderId, ['registering', 'configuring-dns', 'publishing', 'issuing-certificate']);
    await killHard(first);

    await startWorkerProcess();
    const result = await w.client.workflow.getHandle(orderId).result();
    expect(result).toMatchObject({ phase: 'live', liveUrl: `https://${domain}/` });

    const payments = await t.db.selectFrom('concierge_payments').selectAll().where('order_id', '=', orderId).execute();
    expect(payments.map((p) => [p.kind, p.status, p.api_calls])).toEqual([['checkout', 'paid', 1]]);
    expect(w.namecheap.registrations(domain)).toBe(1);
    expect(await t.db.selectFrom('concierge_certificates').selectAll().where('order_id', '=', orderId).execute()).toHaveLength(1);

    const key = (m: { headers: Map<string, unknown> }) => textOf(m.headers.get('x-atelier-key') ?? '');
    const mails = w.mail.messages.filter((m) => key(m).startsWith(`concierge:${orderId}:`));
    expect(mails.map(key)).toEqual(['received', 'payment-link', 'payment-received', 'in-progress', 'delivered'].map((k) => `concierge:${orderId}:${k}`));
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
    expect(['registering', 'configuring-dns', 'publishing', 'issuing-certificate']).toContain(killedAt);
  }, 240_000);
});
