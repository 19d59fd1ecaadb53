/** The concierge order's payment inbox: it accepts the one payment of the session the order opened, whenever its signal comes. */
import { describe, expect, it } from 'vitest';
import type { PaymentReceived } from '../../../core/contracts/concierge.js';
import { PaymentInbox } from '../../../workflows/concierge-messages.js';

const pay = (sessionId: string, eventId = `evt_${sessionId}`): PaymentReceived => ({
  eventId,
  sessionId,
  paymentIntentId: `pi_${sessionId}`,
  amountTotal: 4900,
  currency: 'eur',
});

describe('PaymentInbox', () => {
  it('accepts nothing before the session is opened, then the opened session’s payment only', () => {
    const inbox = new PaymentInbox();
    expect(inbox.matching()).toBeUndefined();
    inbox.open('cs_1');
    inbox.receive(pay('cs_other'));
    expect(inbox.matching()).toBeUndefined();
    inbox.receive(pay('cs_1'));
    expect(inbox.matching()).toEqual(pay('cs_1'));
  });

  it('holds a payment that beats the session back to the workflow, and takes it once the session is known', () => {
    const inbox = new PaymentInbox();
    inbox.receive(pay('cs_other'));
    inbox.receive(pay('cs_1', 'evt_first'));
    inbox.receive(pay('cs_1', 'evt_duplicate'));
    expect(inbox.matching()).toBeUndefined();
    inbox.open('cs_1');
    expect(inbox.matching()?.eventId).toBe('evt_first');
  });

  it('keeps the first accepted payment whatever comes after', () => {
    const inbox = new PaymentInbox();
    inbox.open('cs_1');
    inbox.receive(pay('cs_1', 'evt_first'));
    inbox.receive(pay('cs_1', 'evt_later'));
    expect(inbox.matching()?.eventId).toBe('evt_first');
  });

  it('holds at most eight early sessions: a ninth is dropped, so the state never grows', () => {
    const inbox = new PaymentInbox();
    for (let i = 1; i <= 9; i++) inbox.receive(pay(`cs_${i}`));
    inbox.open('cs_9');
    expect(inbox.matching()).toBeUndefined();
    const kept = new PaymentInbox();
    for (let i = 1; i <= 9; i++) kept.receive(pay(`cs_${i}`));
    kept.open('cs_8');
    expect(kept.matching()?.sessionId).toBe('cs_8');
  });
});
