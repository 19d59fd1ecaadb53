/**
 * The concierge activities: small, idempotent steps of the `conciergeOrder` saga, bound to the
 * ports (registrar, DNS, ACME, host, availability, payments) and to PostgreSQL. Workflows only
 * ever pass the order id: every detail (and every secret) is read here.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { heartbeat } from '@temporalio/activity';
import type { Config } from '../../core/config.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../core/logger.js';
import type { Mailer } from '../shared/mail.js';
import { deliver, enqueue } from '../shared/outbox.js';
import { DEFAULT_THRESHOLDS } from '../../core/contracts/monitors.js';
import { monitorIdFor, normalizeMonitorUrl } from '../audits/monitor/site-id.js';
import { createMonitorRow } from '../audits/monitor/sweep-store.js';
import type { SiteMonitorInput } from '../../core/contracts/monitors.js';
import { suggestAlternatives } from './domain-alternatives.js';
import { displayDomain, normalizeDomain } from './domain-name.js';
import { renderEmail, type EmailData, type EmailKind, type Locale } from './emails/templates.js';
import { checkLiveSite, sharedBrowser, type LiveCheckOptions } from './live-check.js';
import { mustGetOrder, recordPhase, registrantOf, siteOf, updateOrder } from './orders-repo.js';
import { expireOpenCheckouts, markPaid, NothingToRefund, openCheckout, refundOrder } from './payment-ledger.js';
import { priceFor, type Plan } from './order-validation.js';
import type { ConciergePorts } from './ports-set.js';
import { renderTemplateSite, siteTitle } from './site-template.js';
import type { OrderPhase } from './timeline.js';
import { FAILURE } from './failures.js';
import { siteDirs } from './site-dirs.js';

export { FAILURE, siteDirs };

export interface ConciergeDeps {
  config: Config;
  db: Db;
  logger: Logger;
  mailer: Mailer;
  ports: ConciergePorts;
}

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

export interface PaymentReceived {
  eventId: string;
  sessionId: string;
  paymentIntentId: string | null;
  amountTotal: number | null;
  currency: string | null;
}

function fingerprint(pem: string): string {
  const first = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0] ?? pem;
  return createHash('sha256').update(new X509Certificate(first).raw).digest('hex');
}

function limiter(slots: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active >= slots) await new Promise<void>((r) => queue.push(r));
      active++;
      try {
        return await fn();
      } finally {
        active--;
        queue.shift()?.();
      }
    },
  };
}

export function createConciergeActivities({ config, db, logger, mailer, ports }: ConciergeDeps) {
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

  /** At most CONCIERGE_BROWSER_CONCURRENCY Chromium instances at once in this worker. */
  const browserSlots = limiter(config.CONCIERGE_BROWSER_CONCURRENCY);
  const liveCheckOptions = (chromiumPath: string): LiveCheckOptions => ({
    chromiumPath,
    resolverRules: config.CONCIERGE_LIVE_CHECK_RESOLVE,
    port: config.CONCIERGE_LIVE_CHECK_PORT,
    extraCaPath: config.CONCIERGE_LIVE_CHECK_CA_PATH,
  });
  const browser = config.CHROMIUM_PATH ? sharedBrowser(liveCheckOptions(config.CHROMIUM_PATH)) : null;

  async function certificateIsFresh(domain: string): Promise<Date | null> {
    const row = await db.selectFrom('concierge_certificates').select('not_after').where('domain', '=', domain).orderBy('not_after', 'desc').limit(1).executeTakeFirst();
    if (!row) return null;
    const renewAt = row.not_after.getTime() - config.ACME_RENEW_BEFORE_DAYS * 86_400_000;
    return renewAt > Date.now() ? row.not_after : null;
  }

  return {
    async loadOrderBrief(orderId: string): Promise<OrderBrief> {
      const o = await mustGetOrder(db, orderId);
      const site = siteOf(o);
      return { orderId, domain: o.domain, contactEmail: o.contact_email, urgent: o.urgent, siteKind: site.kind, siteReady: site.kind === 'template' || o.site_dir !== null };
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
        await updateOrder(db, orderId, { premium_price: final.premiumPrice ?? null, price_cents: priceFor(o.plan as Plan, final.premium ? final.premiumPrice : undefined) });
      }
      return { domain, available: final.available, premium: final.premium, ...(final.premiumPrice !== undefined ? { premiumPrice: final.premiumPrice } : {}), whois: whois.available, rdap: rdap.available };
    },

    /** Ranked alternatives, checked at the registrar in one call; keeps the available ones (at most 5). */
    async proposeAlternatives(orderId: string): Promise<string[]> {
      const o = await mustGetOrder(db, orderId);
      const candidates = suggestAlternatives(o.domain, o.business_name, { limit: 20 });
      const checks = candidates.length ? await ports.registrar.check(candidates.map((c) => c.domain)) : [];
      const free = new Set(checks.filter((c) => c.available && !c.premium).map((c) => c.domain));
      const chosen = candidates.filter((c) => free.has(c.domain)).slice(0, 5).map((c) => c.domain);
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
    async createCheckout(orderId: string, step: string): Promise<{ url: string; sessionId: string; amountCents: number; currency: string; expiresAt: string | null }> {
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
      return { url: s.url, sessionId: s.sessionId, amountCents: s.amountCents, currency: s.currency, expiresAt: s.expiresAt ? new Date(s.expiresAt * 1000).toISOString() : null };
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

    /** The Cloudflare zone for the domain (found or created) and the nameservers to delegate to. */
    async ensureDnsZone(orderId: string): Promise<{ zoneId: string; nameservers: string[] }> {
      const o = await mustGetOrder(db, orderId);
      const zone = await ports.dns.ensureZone(o.domain);
      await updateOrder(db, orderId, { zone_id: zone.zoneId, nameservers: JSON.stringify(zone.nameservers) });
      return zone;
    },

    /**
     * Registers the domain with the zone's nameservers. Check-before-create: a domain our account
     * already owns is not registered again (only its nameservers are set). A refusal is final.
     */
    async registerDomain(orderId: string): Promise<{ registered: boolean; orderRef: string | null }> {
      const o = await mustGetOrder(db, orderId);
      const nameservers = o.nameservers ?? [];
      if (nameservers.length === 0) throw ApplicationFailure.nonRetryable('no nameservers recorded; ensureDnsZone must run first', 'MissingZone');
      const owned = await ports.registrar.getOwned(o.domain);
      if (owned.owned) {
        const same = [...owned.nameservers].map((n) => n.toLowerCase()).sort().join(',') === [...nameservers].map((n) => n.toLowerCase()).sort().join(',');
        if (!same) await ports.registrar.setNameservers(o.domain, nameservers);
        return { registered: false, orderRef: o.registrar_order_id };
      }
      const [check] = await ports.registrar.check([o.domain]);
      if (check && !check.available) throw ApplicationFailure.nonRetryable(`${o.domain} is no longer available`, FAILURE.domainUnavailable);
      const r = registrantOf(o);
      try {
        const res = await ports.registrar.register({
          domain: o.domain,
          years: 1,
          nameservers,
          contact: { ...r, organization: o.business_name, email: o.contact_email },
        });
        await updateOrder(db, orderId, { registrar_order_id: res.orderId });
        return { registered: true, orderRef: res.orderId };
      } catch (err) {
        // The registrar said no (an API error answer, not a network failure): retrying will not help.
        if (err instanceof ApplicationFailure && err.nonRetryable) {
          throw ApplicationFailure.nonRetryable(`registration of ${o.domain} refused: ${err.message}`, FAILURE.registrationRefused);
        }
        throw err;
      }
    },

    /** Apex A/AAAA and www records pointing at the host (upserts). */
    async configureDns(orderId: string): Promise<{ records: number }> {
      const o = await mustGetOrder(db, orderId);
      if (!o.zone_id) throw ApplicationFailure.nonRetryable('no zone recorded', 'MissingZone');
      const { ipv4, ipv6 } = await ports.host.addresses();
      let records = 0;
      for (const name of [o.domain, `www.${o.domain}`]) {
        for (const ip of ipv4) {
          await ports.dns.upsertRecord(o.zone_id, { type: 'A', name, content: ip, ttl: 300, proxied: false });
          records++;
        }
        for (const ip of ipv6) {
          await ports.dns.upsertRecord(o.zone_id, { type: 'AAAA', name, content: ip, ttl: 300, proxied: false });
          records++;
        }
      }
      return { records };
    },

    /** The files to publish: the rendered template, or the extracted upload. */
    async prepareSiteFiles(orderId: string): Promise<{ dir: string; files: number }> {
      const o = await mustGetOrder(db, orderId);
      const site = siteOf(o);
      const dirs = siteDirs(config, orderId);
      if (site.kind === 'archive') {
        if (!o.site_dir) throw ApplicationFailure.nonRetryable('no archive was uploaded for this order', FAILURE.siteMissing);
        return { dir: o.site_dir, files: -1 };
      }
      const files = renderTemplateSite({ businessName: o.business_name, domain: displayDomain(o.domain), contactEmail: o.contact_email, site });
      await rm(dirs.rendered, { recursive: true, force: true });
      await mkdir(dirs.rendered, { recursive: true });
      for (const [name, body] of Object.entries(files)) await writeFile(join(dirs.rendered, name), body, { mode: 0o644 });
      await updateOrder(db, orderId, { site_dir: dirs.rendered });
      return { dir: dirs.rendered, files: Object.keys(files).length };
    },

    async publishSite(orderId: string): Promise<{ webRoot: string }> {
      const o = await mustGetOrder(db, orderId);
      if (!o.site_dir) throw ApplicationFailure.nonRetryable('site files not prepared', FAILURE.siteMissing);
      return ports.host.publish(o.domain, { dir: o.site_dir });
    },

    /**
     * ACME DNS-01 through the zone; the certificate and key go straight to the host (they never
     * enter workflow history). Skipped when a certificate for the domain is still fresh.
     */
    async issueCertificate(orderId: string): Promise<{ notAfter: string; issued: boolean }> {
      const o = await mustGetOrder(db, orderId);
      const fresh = await certificateIsFresh(o.domain);
      if (fresh) return { notAfter: fresh.toISOString(), issued: false };
      if (!o.zone_id) throw ApplicationFailure.nonRetryable('no zone recorded', 'MissingZone');
      const beat = setInterval(() => heartbeat('acme'), 5_000);
      try {
        const cert = await ports.ca.issue({ domains: [o.domain, `www.${o.domain}`], zoneId: o.zone_id, dns: ports.dns, accountEmail: config.OPERATOR_EMAIL });
        await ports.host.installCertificate(o.domain, cert);
        const notAfter = new Date(cert.notAfter).toISOString();
        await db.insertInto('concierge_certificates').values({ order_id: orderId, domain: o.domain, not_after: notAfter, fingerprint: fingerprint(cert.certPem) }).execute();
        await updateOrder(db, orderId, { cert_not_after: notAfter });
        return { notAfter, issued: true };
      } finally {
        clearInterval(beat);
      }
    },

    /** Chromium loads https://<domain>/: 200, the expected title, a valid certificate; keeps a screenshot. */
    async verifyLiveSite(orderId: string): Promise<{ url: string; title: string; screenshotPath: string }> {
      const o = await mustGetOrder(db, orderId);
      const chromiumPath = config.CHROMIUM_PATH;
      if (!chromiumPath) throw ApplicationFailure.nonRetryable('CHROMIUM_PATH is not set; the live check needs Chromium', 'NoBrowser');
      const site = siteOf(o);
      let expected: string | null = siteTitle(o.business_name);
      if (site.kind === 'archive' && o.site_dir) {
        const index = await readFile(join(o.site_dir, 'index.html'), 'utf8').catch(() => '');
        const m = index.match(/<title[^>]*>([\s\S]*?)<\/title>/i);
        expected = m ? m[1]!.replace(/\s+/g, ' ').trim().replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'") : null;
      }
      const beat = setInterval(() => heartbeat('browser'), 5_000);
      try {
        const res = await browserSlots.run(() => checkLiveSite(o.domain, expected, siteDirs(config, orderId).screenshot, liveCheckOptions(chromiumPath), browser ? () => browser.get() : undefined));
        const liveUrl = `https://${o.domain}/`;
        await updateOrder(db, orderId, { screenshot_path: res.screenshotPath, live_url: liveUrl });
        return { url: liveUrl, title: res.title, screenshotPath: res.screenshotPath };
      } catch (err) {
        throw ApplicationFailure.retryable((err as Error).message, 'LiveCheckFailed');
      } finally {
        clearInterval(beat);
      }
    },

    /** The monitor's row (alerts go to the customer) and its workflow input; the workflow starts it. */
    async prepareSiteMonitor(orderId: string): Promise<SiteMonitorInput> {
      const o = await mustGetOrder(db, orderId);
      const url = new URL(`https://${o.domain}/`);
      const id = monitorIdFor(url);
      const values = {
        url: normalizeMonitorUrl(url),
        host: o.domain,
        interval_seconds: 300,
        alert_email: o.contact_email,
        webhook_url: null,
        language: (o.locale === 'en' ? 'en' : 'fr') as 'fr' | 'en',
        thresholds: JSON.stringify(DEFAULT_THRESHOLDS),
        paused: false,
      };
      // A monitor the customer or an operator already runs for this site is kept as it is (its
      // recipients and settings win); only a deleted one is revived with the order's settings and a
      // fresh state, due at once for the monitor sweep.
      await createMonitorRow(db, id, values);
      return {
        monitorId: id,
        url: values.url,
        host: o.domain,
        intervalSeconds: values.interval_seconds,
        thresholds: DEFAULT_THRESHOLDS,
        checksPerRun: config.MONITOR_CHECKS_PER_RUN,
        intervalBounds: [config.MONITOR_MIN_INTERVAL_SECONDS, config.MONITOR_MAX_INTERVAL_SECONDS],
      };
    },

    /** Takes the site down (used only when an order is abandoned before delivery). */
    async unpublishSite(orderId: string): Promise<void> {
      const o = await mustGetOrder(db, orderId);
      await ports.host.unpublish(o.domain);
    },
  };
}

export type ConciergeActivities = ReturnType<typeof createConciergeActivities>;
