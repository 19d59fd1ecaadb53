/**
 * `conciergeOrder` (workflow id = the order id): a customer's order becomes a live HTTPS site, as
 * one saga. Domain check (alternatives and the customer's choice when taken) -> Stripe Checkout
 * and the payment signal (or expiry) -> registration, the point of no return (every failure
 * before it, after payment, is compensated by a refund) -> DNS -> publish -> certificate -> live
 * check in Chromium -> delivery email, the site monitor and the certificate renewal start.
 * After the point of no return a failing step alerts an operator and is retried until it passes.
 * The activity proxies and the follow-up children are in concierge-calls.ts, the status, signals,
 * update and payment inbox in concierge-messages.ts, the saga's moves (enter, cancel, compensate,
 * persist, the SLA timer) in concierge-saga.ts.
 */
import { CancellationScope, condition, isCancellation, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { estimateEta, slaWindow } from '../activities/concierge/timeline.js';
import type { ConciergeOrderInput, PaymentReceived } from '../core/contracts/concierge.js';
import { SA } from '../core/temporal.js';
import {
  afterPonr,
  compensation,
  CUSTOMER_REASON,
  db,
  LATE_PAYMENT_GRACE_MS,
  longAfterPonr,
  messageOf,
  providerActivities,
  startFollowUps,
} from './concierge-calls.js';
import {
  chooseDomainUpdate,
  conciergeStatusQuery,
  PaymentInbox,
  paymentReceivedSignal,
  siteUploadedSignal,
  type ConciergeStatus,
} from './concierge-messages.js';
import { orderSaga } from './concierge-saga.js';

export { chooseDomainUpdate, conciergeStatusQuery, paymentReceivedSignal, siteUploadedSignal, type ConciergeStatus } from './concierge-messages.js';

export async function conciergeOrder(input: ConciergeOrderInput): Promise<ConciergeStatus> {
  const { orderId } = input;
  const provider = providerActivities(input.windows.providerOutageMs);
  const state: ConciergeStatus = {
    orderId,
    phase: 'received',
    domain: null,
    timeline: [],
    eta: null,
    sla: null,
    checkoutUrl: null,
    alternatives: [],
    attention: null,
    failure: null,
    liveUrl: null,
    registered: false,
    monitorId: null,
  };
  const saga = orderSaga(input, state);
  const { enter, cancel, compensate, persist } = saga;
  let payment: PaymentReceived | null = null;
  let chosen: string | null = null;
  let siteUploaded = false;

  setHandler(conciergeStatusQuery, () => ({ ...state, eta: estimateEta(state.phase, saga.enteredAt(), undefined, new Date())?.toISOString() ?? null }));
  // the one payment the order waits for: the first signal for the session it opened (PaymentInbox)
  const payments = new PaymentInbox();
  setHandler(paymentReceivedSignal, (p) => payments.receive(p));
  const paid = () => payments.matching() !== undefined;
  setHandler(siteUploadedSignal, () => {
    siteUploaded = true;
  });
  setHandler(
    chooseDomainUpdate,
    ({ domain }) => {
      chosen = domain;
      return { domain };
    },
    {
      validator: ({ domain }) => {
        if (state.phase !== 'awaiting-domain-choice' || chosen !== null)
          throw new Error(`the order is ${chosen !== null ? `already moving on with ${chosen}` : state.phase}, not awaiting a domain choice`);
        if (!state.alternatives.includes(domain)) throw new Error(`${domain} is not one of the proposed domains: ${state.alternatives.join(', ')}`);
      },
    },
  );

  const brief = await db.loadOrderBrief(orderId);
  state.domain = brief.domain;
  siteUploaded = brief.siteReady;
  upsertSearchAttributes([
    { key: SA.family, value: 'concierge' },
    { key: SA.customer, value: brief.contactEmail },
    { key: SA.domain, value: brief.domain },
    { key: SA.status, value: 'received' },
  ]);

  try {
    await enter('received');
    await db.emailCustomer(orderId, 'received');

    // 1. the domain: available, or alternatives and the customer's choice
    for (let round = 1; ; round++) {
      await enter('checking-domain', state.domain ?? undefined);
      const check = await provider.checkDomainAvailability(orderId, state.domain);
      if (check.available) break;
      if (round > 3) return await cancel('cancelled', 'aucun domaine disponible retenu');
      const alternatives = await provider.proposeAlternatives(orderId);
      if (alternatives.length === 0) return await cancel('cancelled', `${state.domain} est pris et aucune alternative n'est libre`);
      state.alternatives = alternatives;
      chosen = null;
      await enter('awaiting-domain-choice');
      await db.emailCustomer(orderId, 'alternatives', { suffix: String(round) });
      if (!(await condition(() => chosen !== null, input.windows.choiceMs))) return await cancel('cancelled', 'aucun domaine choisi dans le délai');
      state.domain = chosen!;
      await db.setOrderDomain(orderId, state.domain);
      upsertSearchAttributes([{ key: SA.domain, value: state.domain }]);
    }

    // 2. an uploaded site must be there before we ask for money
    if (brief.siteKind === 'archive' && !siteUploaded) {
      await enter('awaiting-site');
      if (!(await condition(() => siteUploaded, input.windows.siteMs))) return await cancel('cancelled', "l'archive du site n'a pas été envoyée");
    }

    // 3. payment
    await enter('awaiting-payment');
    const checkout = await provider.createCheckout(orderId, 'checkout-1');
    payments.open(checkout.sessionId);
    state.checkoutUrl = checkout.url;
    const payBy = new Date(Date.now() + input.windows.paymentMs).toISOString();
    await db.emailCustomer(orderId, 'payment-link', { extra: { url: checkout.url, expiresAt: payBy } });
    if (!(await condition(paid, input.windows.paymentMs))) {
      // a session paid while we expire it cannot be expired: wait for its webhook instead
      const { completed } = await db.expireCheckout(orderId);
      if (completed === 0) return await cancel('expired', 'paiement non reçu dans le délai');
      if (!(await condition(paid, LATE_PAYMENT_GRACE_MS))) {
        await db.alertOperator(orderId, 'session Stripe payée mais aucun webhook reçu : vérifier le paiement', { suffix: 'paid-without-webhook' });
        return await cancel('expired', 'paiement non reçu dans le délai');
      }
    }
    payment = payments.matching()!;
    await db.recordPayment(orderId, payment);
    saga.compensations.push(async () => {
      await compensation.refundPayment(orderId);
    });
    state.sla = slaWindow(new Date(), brief.urgent, input.sla);
    const sla = state.sla;
    saga.watchSla(sla);
    await db.emailCustomer(orderId, 'payment-received', { extra: { deadline: sla.deadline, amountCents: payment.amountTotal ?? checkout.amountCents } });

    // 4. registration: the point of no return
    try {
      await enter('registering');
      await provider.ensureDnsZone(orderId);
      await provider.registerDomain(orderId);
    } catch (err) {
      if (isCancellation(err)) throw err;
      return await CancellationScope.nonCancellable(() => compensate(messageOf(err), CUSTOMER_REASON.registration));
    }
    state.registered = true;
    saga.compensations.length = 0;
    await db.emailCustomer(orderId, 'in-progress', { extra: { eta: estimateEta('configuring-dns', new Date())?.toISOString() } });

    // 5-8. DNS, publish, certificate, live check: retried until they pass
    await enter('configuring-dns');
    await persist('dns', () => afterPonr.configureDns(orderId));
    await enter('publishing');
    await persist('publish', async () => {
      await afterPonr.prepareSiteFiles(orderId);
      await afterPonr.publishSite(orderId);
    });
    await enter('issuing-certificate');
    const cert = await persist('certificate', () => longAfterPonr.issueCertificate(orderId));
    await enter('verifying');
    const live = await persist('live-check', () => longAfterPonr.verifyLiveSite(orderId));

    // 9. delivered
    state.liveUrl = live.url;
    await enter('live');
    saga.stopSla();
    await db.emailCustomer(orderId, 'delivered', { extra: { url: live.url } });
    await startFollowUps(input, state, cert.notAfter);
    return state;
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        saga.stopSla();
        if (payment === null) await cancel('cancelled', 'commande annulée');
        else if (!state.registered) await compensate('commande annulée');
        else await db.alertOperator(orderId, 'workflow annulé après enregistrement du domaine', { suffix: 'cancelled-after-ponr' });
      });
      throw err;
    }
    // a step before the payment gave up (its retries exhausted): nothing was charged, the order is
    // cancelled and the operator told; after the payment, compensate
    if (payment === null) {
      await db.alertOperator(orderId, `commande annulée sur erreur : ${messageOf(err)}`, { suffix: 'failed-before-payment' });
      return await cancel('cancelled', `erreur technique : ${messageOf(err)}`, CUSTOMER_REASON.technical);
    }
    if (!state.registered) return await compensate(messageOf(err), CUSTOMER_REASON.technical);
    throw err;
  }
}
