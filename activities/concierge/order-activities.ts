/**
 * The concierge activities up to the point of no return: the order's brief and timeline, the
 * domain check and alternatives, the customer's and operator's emails (once per key, through the
 * outbox), and the payment ledger's steps (Checkout, payment, expiry, refund).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { OrderPhase, PaymentReceived } from '../../core/contracts/concierge.js';
import { mustGetOrder, recordPhase, updateOrder } from '../../db/queries/concierge-orders.js';
import { deliver, enqueue } from '../shared/outbox.js';
import { suggestAlternatives } from './domain-alternatives.js';
import { displayDomain, normalizeDomain } from './domain-name.js';
import { renderEmail, type EmailData, type EmailKind, type Locale } from './emails/templates.js';
import { FAILURE } from './failures.js';
import type { ConciergeDeps } from './deps.js';
import { priceFor, siteOf, type Plan } from './order-validation.js';
import { expireOpenCheckouts, markPaid, NothingToRefund, openCheckout, refundOrder } from './payment-ledger.js';

/** What the workflow may know about an order: no secrets, no personal address. */
export interface OrderBrief {
  orderId: string;
  domain: string;
  contactEmail: string;
  urgent: boolean;
  siteKind: 'template' | 'archive';
  siteReady: boolean;
}

export interface DomainCheck {
  domain: string;
  available: boolean;
  premium: boolean;
  premiumPrice?: number;
  whois: boolean | null;
  rdap: boolean | null;
}

export function orderActivities({ config, db, logger, mailer, ports }: ConciergeDeps) {
  const emailKey = (orderId: string, kind: string, suffix?: string) => `concierge:${orderId}:${kind}${suffix ? `:${suffix}` : ''}`;

  async function sendEmail(key: string, to: string, email: { subject: string; text: string; html: string }) {
    await enqueue(db, [{ key, channel: 'email', payload: { to, ...email, headers: { 'X-Atelier-Key': key } } }]);
    return deliver(db, key, { mailer, webhook: () => Promise.reject(new Error('concierge sends no webhooks')) });
  }

  async function emailData(orderId: string, extra: Partial<EmailData> = {}): Promise<{ data: EmailData; locale: Locale; to: string }> {
    const o = await mustGetOrder(db, orderId);
    return {
      to: o.contact_email,
      locale: (o.locale as Locale) ?? 'fr',
      data: {
        orderId,
        businessName: o.business_name,
        domain: displayDomain(o.domain),
        amountCents: o.price_cents ?? undefined,
        currency: o.currency,
        alternatives: o.alternatives?.map(displayDomain),
        ...extra,
      },
    };
  }

  return {
    async loadOrderBrief(orderId: string): Promise<OrderBrief> {
      const o = await mustGetOrder(db, orderId);
      const site = siteOf(o);
      return {
        orderId,
        domain: o.domain,
        contactEmail: o.contact_email,
        urgent: o.urgent,
        siteKind: site.kind,
        siteReady: site.kind === 'template' || o.site_dir !== null,
      };
    },

    async recordOrderPhase(orderId: string, phase: OrderPhase, at: string, detail?: string): Promise<void> {
      await recordPhase(db, orderId, phase, at, detail);
    },

    /** whois, RDAP as a second opinion, the registrar's check as the final word (with the premium price). */
    async checkDomainAvailability(orderId: string, domain: string): Promise<DomainCheck> {
      const [whois, rdap] = await Promise.all([
        ports.availability.whois(domain).catch((err: Error) => ({ available: null, detail: err.message })),
        ports.availability.rdap(domain).catch((err: Error) => ({ available: null, detail: err.message })),
      ]);
      const [final] = await ports.registrar.check([domain]);
      if (!final) throw new Error(`the registrar did not answer for ${domain}`);
      if (whois.available !== null && whois.available !== final.available) {
        logger.warn({ orderId, domain, whois: whois.available, registrar: final.available }, 'whois and the registrar disagree; the registrar wins');
      }
      const o = await mustGetOrder(db, orderId);
      if (final.available) {
        await updateOrder(db, orderId, {
          premium_price: final.premiumPrice ?? null,
          price_cents: priceFor(o.plan as Plan, final.premium ? final.premiumPrice : undefined),
        });
      }
      return {
        domain,
        available: final.available,
        premium: final.premium,
        ...(final.premiumPrice !== undefined ? { premiumPrice: final.premiumPrice } : {}),
        whois: whois.available,
        rdap: rdap.available,
      };
    },

    /** Ranked alternatives, checked at the registrar in one call; keeps the available ones (at most 5). */
    async proposeAlternatives(orderId: string): Promise<string[]> {
      const o = await mustGetOrder(db, orderId);
      const candidates = suggestAlternatives(o.domain, o.business_name, { limit: 20 });
      const checks = candidates.length ? await ports.registrar.check(candidates.map((c) => c.domain)) : [];
      const free = new Set(checks.filter((c) => c.available && !c.premium).map((c) => c.domain));
      const chosen = candidates
        .filter((c) => free.has(c.domain))
        .slice(0, 5)
        .map((c) => c.domain);
      await updateOrder(db, orderId, { alternatives: JSON.stringify(chosen) });
      return chosen;
    },

    async setOrderDomain(orderId: string, domain: string): Promise<void> {
      const d = normalizeDomain(domain);
      if (!d) throw ApplicationFailure.nonRetryable(`invalid domain ${domain}`, 'InvalidDomain');
      await updateOrder(db, orderId, { domain: d });
    },

    /** Renders and sends one of the order's customer emails, once per key. */
    async emailCustomer(orderId: string, kind: EmailKind, opts: { suffix?: string; extra?: Partial<EmailData> } = {}): Promise<string> {
      const { data, locale, to } = await emailData(orderId, opts.extra);
      return sendEmail(emailKey(orderId, kind, opts.suffix), to, renderEmail(kind, data, locale));
    },

    /** Writes to the operator, once per key (French: the agency's team). */
    async alertOperator(orderId: string, reason: string, opts: { suffix: string; deadline?: string }): Promise<string> {
      const { data } = await emailData(orderId, { reason, deadline: opts.deadline });
      return sendEmail(emailKey(orderId, 'operator-alert', opts.suffix), config.OPERATOR_EMAIL, renderEmail('operator-alert', data, 'fr'));
    },

    /** Opens the Checkout Session (once per order + step) and returns its link. */
    async createCheckout(
      orderId: string,
      step: string,
    ): Promise<{ url: string; sessionId: string; amountCents: number; currency: string; expiresAt: string | null }> {
      const o = await mustGetOrder(db, orderId);
      const amountCents = o.price_cents ?? priceFor(o.plan as Plan);
      const base = config.PUBLIC_BASE_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
      const windowS = config.CONCIERGE_PAYMENT_WINDOW_SECONDS;
      // Stripe accepts an expiry 30 min .. 24 h ahead; the workflow expires the session itself anyway
      const expiresAt = windowS >= 1800 ? Math.floor(Date.now() / 1000) + Math.min(windowS, 86_400) : undefined;
      const s = await openCheckout(db, ports.payments, {
        orderId,
        step,
        amountCents,
        currency: o.currency,
        customerEmail: o.contact_email,
        description: `Site ${o.plan} + domaine ${displayDomain(o.domain)}`,
        successUrl: `${base}/v1/concierge/orders/${orderId}?paid=1`,
        cancelUrl: `${base}/v1/concierge/orders/${orderId}?cancelled=1`,
        ...(expiresAt ? { expiresAt } : {}),
      });
      if (o.price_cents === null) await updateOrder(db, orderId, { price_cents: amountCents });
      return {
        url: s.url,
        sessionId: s.sessionId,
        amountCents: s.amountCents,
        currency: s.currency,
        expiresAt: s.expiresAt ? new Date(s.expiresAt * 1000).toISOString() : null,
      };
    },

    async recordPayment(orderId: string, p: PaymentReceived): Promise<void> {
      await markPaid(db, orderId, p.sessionId, p.paymentIntentId, p.amountTotal);
    },

    async expireCheckout(orderId: string): Promise<{ expired: number; completed: number }> {
      return expireOpenCheckouts(db, ports.payments, orderId);
    },

    /** Refunds the order's payment exactly once (compensation). */
    async refundPayment(orderId: string): Promise<{ refundId: string; amountCents: number }> {
      try {
        const r = await refundOrder(db, ports.payments, orderId);
        return { refundId: r.refundId, amountCents: r.amountCents };
      } catch (err) {
        if (err instanceof NothingToRefund) throw ApplicationFailure.nonRetryable(err.message, FAILURE.nothingToRefund);
        throw err;
      }
    },
  };
}
