/**
 * The hostingAudit's activities: one per probe (DNS, HTTP, TLS, browser), so a failing probe only
 * makes its own criteria "unknown"; the pure assessment (provider identification + rubric); and the
 * report's storage in PostgreSQL. Every probe connects to the addresses of the injected resolver
 * (DNS_SERVERS) after the net guard has checked them.
 */
import { readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../../core/config.js';
import type { Logger } from '../../../core/logger.js';
import type { Db } from '../../../db/client.js';
import { completeAudit, failAudit, saveScreenshot } from '../../../db/queries/audits.js';
import { OutboundRefused, parseAllowlist } from '../../shared/net-guard.js';
import { BrowserPool } from './probe-browser.js';
import { probeDns } from './probe-dns.js';
import { probeHttp } from './probe-http.js';
import { probeTls, trustContext } from './probe-tls.js';
import { buildReport, type BuildReportInput } from './report.js';
import type { Verdict } from './rubric-types.js';
import { activitySignal } from '../../shared/activity-signal.js';
import { createAuditResolver, resolveGuarded } from './resolver.js';
import type { BrowserResult, DnsResult, HttpResult, TlsResult } from './types.js';

export interface HostingAuditDeps {
  config: Config;
  db: Db;
  logger: Logger;
}

/** Splits a PEM bundle into its certificates. */
export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

const pools = new Map<string, BrowserPool>();
/** One Chromium pool per process and configuration (it closes itself when idle); the API prints PDFs with it. */
export function browserPool(config: Config): BrowserPool {
  const extraArgs = config.AUDIT_BROWSER_HOST_RULES ? [`--host-resolver-rules=${config.AUDIT_BROWSER_HOST_RULES}`] : [];
  const key = `${config.CHROMIUM_PATH}|${extraArgs.join(' ')}|${config.AUDIT_BROWSER_MAX_PAGES}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new BrowserPool({ executablePath: config.CHROMIUM_PATH ?? 'chromium', extraArgs, maxPages: config.AUDIT_BROWSER_MAX_PAGES });
    pools.set(key, pool);
  }
  return pool;
}

export function createHostingAuditActivities({ config, db, logger }: HostingAuditDeps) {
  const allow = parseAllowlist(config.OUTBOUND_ALLOWLIST);
  const { resolver, lookup } = createAuditResolver(config.DNS_SERVERS);
  const guard = { allow, lookup };
  const extraCa = config.AUDIT_EXTRA_CA_FILE ? splitPem(readFileSync(config.AUDIT_EXTRA_CA_FILE, 'utf8')) : undefined;
  const secureContext = extraCa?.length ? trustContext(extraCa) : undefined;
  const timeoutMs = config.AUDIT_TIMEOUT_MS;

  return {
    /** A, AAAA, CNAME chain, NS, MX and reverse DNS of the audited host. */
    async probeAuditDns(input: { host: string }): Promise<DnsResult> {
      return probeDns(resolver, input.host);
    },

    /** Redirects, status, timings (median of `samples`), headers, HTTP/2, CDN, CMS (certificate errors are the TLS probe's). */
    async probeAuditHttp(input: { url: string; samples: number }): Promise<HttpResult> {
      return probeHttp(input.url, { guard, timeoutMs, samples: Math.max(1, Math.min(10, input.samples)) });
    },

    /** Certificate, chain, expiry and accepted protocol versions of host:port. */
    async probeAuditTls(input: { host: string; port: number }): Promise<TlsResult> {
      return probeTls(input.host.replace(/^\[|\]$/g, ''), input.port, { guard, timeoutMs, ...(secureContext ? { secureContext } : {}) });
    },

    /** The page in Chromium; the screenshot goes to `audit_screenshots`, keyed by the audit. */
    async probeAuditBrowser(input: { auditId: string; url: string }): Promise<BrowserResult> {
      try {
        const host = new URL(input.url).hostname;
        await resolveGuarded(host, lookup, allow);
      } catch (err) {
        if (err instanceof OutboundRefused) throw ApplicationFailure.nonRetryable(err.message, 'OutboundRefused');
        throw err;
      }
      // not heartbeating (bounded by AUDIT_TIMEOUT_MS): the signal fires on worker shutdown
      const { result, screenshot } = await browserPool(config).probe(input.url, { timeoutMs, guard, signal: activitySignal() });
      if (screenshot) {
        await saveScreenshot(db, input.auditId, screenshot);
      }
      return result;
    },

    /**
     * Assesses the probes' results (provider identification and the rubric, pure) and writes the
     * report: an upsert by audit id, so a retry writes once. Only the verdict goes back to the
     * workflow, so the report is not copied into its history.
     */
    async storeAuditReport(input: BuildReportInput): Promise<{ verdict: Verdict; score: number }> {
      const report = buildReport(input);
      const json = JSON.stringify(report);
      const { verdict, score } = report.rubric;
      await completeAudit(db, { id: report.id, url: report.url, domain: report.domain, verdict, score, report: json, completedAt: report.finishedAt });
      logger.info({ auditId: report.id, domain: report.domain, verdict, score }, 'hosting audit stored');
      return { verdict, score };
    },

    /** Marks an audit whose workflow could not finish (the API then answers its error). */
    async markAuditFailed(input: { id: string; url: string; domain: string; error: string }): Promise<void> {
      await failAudit(db, { id: input.id, url: input.url, domain: input.domain, report: JSON.stringify({ error: input.error }) });
    },
  };
}

export type HostingAuditActivities = ReturnType<typeof createHostingAuditActivities>;
