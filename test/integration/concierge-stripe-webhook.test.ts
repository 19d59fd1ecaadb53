/**
 * The Stripe webhook routes a payment only to the concierge order that awaits it: timestamps
 * outside ±5 minutes (past or future) are refused; unknown orders, workflows of another type,
 * other sessions, missing metadata and orders that moved on are recorded and acknowledged without
 * signalling; the order accepts its one payment even after a flood of signals for other sessions.
 * Real API, worker, Temporal dev server and PostgreSQL, stripe-mock and the other peers.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskQueueFor } from '../../core/temporal.js';
import { freshDb, type TestDb } from '../support/db.js';
import { ORDER, placeOrder, pollOrder, sessionIdOf, signedCheckoutEvent, startConciergeWorld, type ConciergeWorld } from '../support/concierge.js';

let t: TestDb;
let w: ConciergeWorld;
let orderId: string;
let sessionId: string;
const started: string[] = [];

beforeAll(async () => {
  t = await freshDb();
  w = await startConciergeWorld(t.db, t.url);
  orderId = await placeOrder(w, { ...ORDER, desiredDomain: 'routage-paiement.fr' });
  started.push(orderId);
  sessionId = await sessionIdOf(t.db, orderId);
  await pollOrder(w.call, orderId, (o) => o.phase === 'awaiting-payment' && o.checkoutUrl !== null);
});
afterAll(async () => {
  for (const id of started)
    await w?.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  await w?.stop();
  await t?.drop();
});

const webhook = (e: { payload: string; header: string }) =>
  w.call('/v1/webhooks/stripe', { method: 'POST', body: e.payload, headers: { 'stripe-signature': e.header }, key: null });
const now = () => Math.floor(Date.now() / 1000);
const fakeOrderId = () => `ord_${randomBytes(10).toString('hex')}`;

async function signals(workflowId: string): Promise<number> {
  const history = await w.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
}
const recorded = (eventId: string) =>
  t.db.selectFrom('webhook_events').selectAll().where('provider', '=', 'stripe').where('event_id', '=', eventId).executeTakeFirst();

describe('POST /v1/webhooks/stripe: the ±5 minute window', () => {
  it.each([
    ['10 minutes in the future', 600],
    ['5 min 30 s in the future', 330],
    ['10 minutes old', -600],
  ])('refuses a validly signed event stamped %s with 400; nothing recorded or signalled', async (_what, offset) => {
    const eventId = `evt_skew_${offset}`;
    const res = await webhook(signedCheckoutEvent({ orderId, sessionId, eventId, timestamp: now() + offset }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toMatch(/timestamp|tolerance/i);
    expect(await recorded(eventId)).toBeUndefined();
    expect(await signals(orderId)).toBe(0);
  });
});

describe('POST /v1/webhooks/stripe: events no order awaits are recorded, acknowledged, never signalled', () => {
  it('an unknown order id', async () => {
    const target = fakeOrderId();
    const res = await webhook(signedCheckoutEvent({ orderId: target, sessionId, eventId: 'evt_unknown_order' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ duplicate: false, signalled: null, ignored: 'no such concierge order' });
    expect(await recorded('evt_unknown_order')).toMatchObject({ outcome: 'ignored', target, detail: 'no such concierge order' });
  });

  it('the id of a running workflow of another type (even one shaped like an order id)', async () => {
    const otherId = fakeOrderId();
    await w.client.workflow.start('diagnostics', {
      taskQueue: taskQueueFor('platform', w.config.TASK_QUEUE_PREFIX),
      workflowId: otherId,
      args: [{ holdSeconds: 60 }],
    });
    started.push(otherId);
    const res = await webhook(signedCheckoutEvent({ orderId: otherId, sessionId, eventId: 'evt_other_type' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ signalled: null, ignored: 'no such concierge order' });
    expect(await recorded('evt_other_type')).toMatchObject({ outcome: 'ignored', target: otherId });
    expect(await signals(otherId)).toBe(0);
  });

  it('a session without metadata', async () => {
    const res = await webhook(signedCheckoutEvent({ orderId, sessionId, eventId: 'evt_anonymous', anonymous: true }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ signalled: null, ignored: 'no order id in the session metadata' });
    expect(await recorded('evt_anonymous')).toMatchObject({ outcome: 'ignored', target: null });
  });

  it('a session the order did not open', async () => {
    const res = await webhook(signedCheckoutEvent({ orderId, sessionId: 'cs_test_not_this_order', eventId: 'evt_other_session' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ signalled: null, ignored: 'the order did not open this checkout session' });
    expect(await recorded('evt_other_session')).toMatchObject({ outcome: 'ignored', target: orderId });
    expect(await signals(orderId)).toBe(0);
  });
});

describe('the order accepts the one payment it waits for', () => {
  it('after 40 signals for other sessions, its own payment (stamped 4 min ahead, inside the window) moves it on; later events are ignored', async () => {
    const handle = w.client.workflow.getHandle(orderId);
    for (let i = 0; i < 40; i++) {
      await handle.signal('paymentReceived', {
        eventId: `evt_flood_${i}`,
        sessionId: `cs_test_flood_${i}`,
        paymentIntentId: null,
        amountTotal: 1,
        currency: 'eur',
      });
    }
    const res = await webhook(signedCheckoutEvent({ orderId, sessionId, eventId: 'evt_real_payment', timestamp: now() + 240 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ duplicate: false, signalled: orderId });
    expect(await recorded('evt_real_payment')).toMatchObject({ outcome: 'signalled', target: orderId, detail: null });
    const moved = await pollOrder(w.call, orderId, (o) => o.phase !== 'awaiting-payment');
    expect(moved.phase).not.toMatch(/cancelled|expired/);
    const paid = await t.db
      .selectFrom('concierge_payments')
      .select(['status', 'payment_intent'])
      .where('order_id', '=', orderId)
      .where('kind', '=', 'checkout')
      .executeTakeFirstOrThrow();
    expect(paid).toEqual({ status: 'paid', payment_intent: `pi_${orderId.slice(4)}` });

    // a second paid event for the same session (another event id) finds the order no longer awaiting it
    const again = await webhook(signedCheckoutEvent({ orderId, sessionId, eventId: 'evt_second_payment', type: 'checkout.session.async_payment_succeeded' }));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { signalled: string | null; ignored: string }).signalled).toBeNull();
    expect(await recorded('evt_second_payment')).toMatchObject({ outcome: 'ignored', detail: expect.stringMatching(/not awaiting payment|session is paid/) });
    expect(await signals(orderId)).toBe(41);
  });
});
