/**
 * The concierge activities from the point of no return to delivery: registration, DNS, the site's
 * files and publication, the certificate (ACME; fresh ones are not reissued), the live check in
 * Chromium, the site monitor's row, and taking a site down. Certificates and keys go straight to the
 * host and never enter workflow history.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { load as loadHtml } from 'cheerio';
import { DEFAULT_THRESHOLDS, type SiteMonitorInput } from '../../core/contracts/monitors.js';
import { Semaphore } from '../../core/semaphore.js';
import { insertCertificate, latestCertificateExpiry, mustGetOrder, updateOrder } from '../../db/queries/concierge-orders.js';
import { claimMonitor } from '../audits/monitor/claim.js';
import { withHeartbeat } from '../shared/heartbeat.js';
import { displayDomain } from './domain-name.js';
import { FAILURE } from './failures.js';
import type { ConciergeDeps } from './deps.js';
import { checkLiveSite, sharedBrowser, type LiveCheckOptions } from './live-check.js';
import { registrantOf, siteOf } from './order-validation.js';
import { siteDirs } from './site-dirs.js';
import { renderTemplateSite, siteTitle } from './site-template.js';

function fingerprint(pem: string): string {
  const first = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0] ?? pem;
  return createHash('sha256').update(new X509Certificate(first).raw).digest('hex');
}

/** The <title> of an uploaded site's index.html (entities decoded, spaces collapsed); null without one. */
export function archiveTitle(indexHtml: string): string | null {
  const title = loadHtml(indexHtml)('title').first();
  return title.length ? title.text().replace(/\s+/g, ' ').trim() : null;
}

export function deliveryActivities({ config, db, ports }: ConciergeDeps) {
  /** At most CONCIERGE_BROWSER_CONCURRENCY Chromium instances at once in this worker. */
  const browserSlots = new Semaphore(config.CONCIERGE_BROWSER_CONCURRENCY);
  const liveCheckOptions = (chromiumPath: string): LiveCheckOptions => ({
    chromiumPath,
    resolverRules: config.CONCIERGE_LIVE_CHECK_RESOLVE,
    port: config.CONCIERGE_LIVE_CHECK_PORT,
    extraCaPath: config.CONCIERGE_LIVE_CHECK_CA_PATH,
  });
  const browser = config.CHROMIUM_PATH ? sharedBrowser(liveCheckOptions(config.CHROMIUM_PATH)) : null;

  async function certificateIsFresh(domain: string): Promise<Date | null> {
    const notAfter = await latestCertificateExpiry(db, domain);
    if (!notAfter) return null;
    const renewAt = notAfter.getTime() - config.ACME_RENEW_BEFORE_DAYS * 86_400_000;
    return renewAt > Date.now() ? notAfter : null;
  }

  return {
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
        const same =
          [...owned.nameservers]
            .map((n) => n.toLowerCase())
            .sort()
            .join(',') ===
          [...nameservers]
            .map((n) => n.toLowerCase())
            .sort()
            .join(',');
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
      const zoneId = o.zone_id;
      return withHeartbeat(
        async () => {
          const cert = await ports.ca.issue({ domains: [o.domain, `www.${o.domain}`], zoneId, dns: ports.dns, accountEmail: config.OPERATOR_EMAIL });
          await ports.host.installCertificate(o.domain, cert);
          const notAfter = new Date(cert.notAfter).toISOString();
          await insertCertificate(db, { orderId, domain: o.domain, notAfter, fingerprint: fingerprint(cert.certPem) });
          await updateOrder(db, orderId, { cert_not_after: notAfter });
          return { notAfter, issued: true };
        },
        { details: () => 'acme' },
      );
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
        expected = archiveTitle(index);
      }
      try {
        const res = await withHeartbeat(
          () =>
            browserSlots.use(() =>
              checkLiveSite(
                o.domain,
                expected,
                siteDirs(config, orderId).screenshot,
                liveCheckOptions(chromiumPath),
                browser ? () => browser.get() : undefined,
              ),
            ),
          { details: () => 'browser' },
        );
        const liveUrl = `https://${o.domain}/`;
        await updateOrder(db, orderId, { screenshot_path: res.screenshotPath, live_url: liveUrl });
        return { url: liveUrl, title: res.title, screenshotPath: res.screenshotPath };
      } catch (err) {
        throw ApplicationFailure.retryable((err as Error).message, 'LiveCheckFailed');
      }
    },

    /** The monitor's row (alerts go to the customer) and its workflow input; the workflow starts it. */
    async prepareSiteMonitor(orderId: string): Promise<SiteMonitorInput> {
      const o = await mustGetOrder(db, orderId);
      const settings = {
        intervalSeconds: 300,
        alertEmail: o.contact_email,
        webhookUrl: null,
        language: o.locale === 'en' ? 'en' : 'fr',
        thresholds: DEFAULT_THRESHOLDS,
        paused: false,
      } as const;
      // A monitor the customer or an operator already runs for this site is kept as it is (its
      // recipients and settings win); only a deleted one is revived with the order's settings and a
      // fresh state, due at once for the monitor sweep.
      const claim = await claimMonitor(db, new URL(`https://${o.domain}/`), settings);
      return {
        monitorId: claim.id,
        url: claim.url,
        host: o.domain,
        intervalSeconds: settings.intervalSeconds,
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
