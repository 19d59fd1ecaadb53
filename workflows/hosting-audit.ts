/**
 * `hostingAudit`: audits a site's hosting against the widget rubric (seeds/000). Probes run as
 * separate activities, side by side: DNS; HTTP then TLS on the final https host; the browser
 * (after DNS, to skip a name that does not resolve). A probe that fails after
 * its retries is recorded as such and its criteria become "unknown"; it never sinks the audit. The
 * pure assessment (provider + rubric) runs as an activity so the rubric can evolve without
 * breaking the replay of running audits, and stores the report in the same step (only the verdict
 * comes back, so the report is not copied into history).
 *
 * Query `status`; search attributes family=audits, domain, status (probing/assessing/completed/failed).
 */
import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { HostingAuditActivities } from '../activities/audits/hosting/index.js';
import type { BrowserResult, DnsResult, HttpResult, ProbeOutcome, ProbeResults, TlsResult } from '../activities/audits/hosting/types.js';
import type { Verdict } from '../activities/audits/hosting/rubric-types.js';
import { SA } from '../core/temporal.js';
import { OUTAGE_PROOF } from '../core/retry-policies.js';

export interface HostingAuditInput {
  url: string;
  options?: { browser?: boolean; samples?: number };
}

export type HostingAuditPhase = 'probing' | 'assessing' | 'completed' | 'failed';
type ProbeName = keyof ProbeResults;
export interface HostingAuditStatus {
  phase: HostingAuditPhase;
  url: string;
  domain: string;
  probes: Record<ProbeName, 'pending' | 'running' | 'done' | 'failed' | 'skipped'>;
  verdict: Verdict | null;
  score: number | null;
  error: string | null;
}

export const hostingAuditStatusQuery = defineQuery<HostingAuditStatus>('status');

const probes = proxyActivities<HostingAuditActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { maximumAttempts: 2, initialInterval: '500 ms', nonRetryableErrorTypes: ['OutboundRefused'] },
});
const browserProbe = proxyActivities<HostingAuditActivities>({
  startToCloseTimeout: '90 seconds',
  retry: { maximumAttempts: 2, initialInterval: '1 second', nonRetryableErrorTypes: ['OutboundRefused'] },
});
// Probes fail fast by design (a failed probe makes its criteria `unknown`); the report is stored
// whatever the outage: retried until PostgreSQL is back.
const store = proxyActivities<HostingAuditActivities>(OUTAGE_PROOF);

function errorText(err: unknown): string {
  const e = err as { cause?: { message?: string }; message?: string };
  return (e.cause?.message ?? e.message ?? String(err)).slice(0, 500);
}

export async function hostingAudit(input: HostingAuditInput): Promise<{ verdict: Verdict; score: number }> {
  const id = workflowInfo().workflowId;
  const url = new URL(input.url);
  const domain = url.hostname.toLowerCase();
  const options = { browser: input.options?.browser ?? true, samples: Math.max(1, Math.min(10, input.options?.samples ?? 3)) };
  const startedAt = new Date().toISOString();
  const state: HostingAuditStatus = {
    phase: 'probing',
    url: input.url,
    domain,
    probes: { dns: 'pending', http: 'pending', tls: 'pending', browser: options.browser ? 'pending' : 'skipped' },
    verdict: null,
    score: null,
    error: null,
  };
  setHandler(hostingAuditStatusQuery, () => state);
  const setPhase = (phase: HostingAuditPhase) => {
    state.phase = phase;
    upsertSearchAttributes([{ key: SA.status, value: phase }]);
  };
  upsertSearchAttributes([
    { key: SA.family, value: 'audits' },
    { key: SA.domain, value: domain },
    { key: SA.status, value: 'probing' },
  ]);

  async function run<T>(name: ProbeName, fn: () => Promise<T>): Promise<ProbeOutcome<T>> {
    state.probes[name] = 'running';
    try {
      const data = await fn();
      state.probes[name] = 'done';
      return { ok: true, data };
    } catch (err) {
      if (isCancellation(err)) throw err;
      state.probes[name] = 'failed';
      return { ok: false, error: errorText(err) };
    }
  }
  const skipped = <T>(name: ProbeName, why: string): ProbeOutcome<T> => {
    state.probes[name] = 'skipped';
    return { ok: false, skipped: true, error: why };
  };

  try {
    // DNS and HTTP side by side (HTTP resolves for itself); TLS needs HTTP's final host; the browser
    // waits for DNS only to skip a name that does not resolve.
    const dnsP = run<DnsResult>('dns', () => probes.probeAuditDns({ host: domain }));
    const httpThenTls = (async (): Promise<[ProbeOutcome<HttpResult>, ProbeOutcome<TlsResult>]> => {
      const http = await run<HttpResult>('http', () => probes.probeAuditHttp({ url: input.url, samples: options.samples }));
      const dns = await dnsP;
      if (dns.ok && !dns.data.resolves) return [http, skipped('tls', `${domain} does not resolve`)];
      // TLS on the host the site ends on when it is https, else on the audited host's https port
      const final = http.ok && http.data.finalUrl ? new URL(http.data.finalUrl) : url;
      const target = final.protocol === 'https:' ? final : url.protocol === 'https:' ? url : null;
      const host = target?.hostname ?? domain;
      const port = target ? Number(target.port || 443) : 443;
      const tls = await run<TlsResult>('tls', () => probes.probeAuditTls({ host, port }));
      return [http, tls];
    })();
    const browser = (async (): Promise<ProbeOutcome<BrowserResult>> => {
      if (!options.browser) return skipped('browser', 'browser probe not requested');
      const dns = await dnsP;
      if (dns.ok && !dns.data.resolves) return skipped('browser', `${domain} does not resolve`);
      return run<BrowserResult>('browser', () => browserProbe.probeAuditBrowser({ auditId: id, url: input.url }));
    })();
    const [dns, [http, tls], browserResult] = await Promise.all([dnsP, httpThenTls, browser]);

    setPhase('assessing');
    const { verdict, score } = await store.storeAuditReport({
      id,
      url: input.url,
      domain,
      startedAt,
      finishedAt: new Date().toISOString(),
      options,
      probes: { dns, http, tls, browser: browserResult },
    });
    state.verdict = verdict;
    state.score = score;
    setPhase('completed');
    return { verdict, score };
  } catch (err) {
    // a cancelled audit is closed as failed ("cancelled") in a step that cannot be cancelled, then
    // the cancellation propagates and the run ends CANCELLED
    const cancelled = isCancellation(err);
    state.error = cancelled ? 'cancelled' : errorText(err);
    setPhase('failed');
    await CancellationScope.nonCancellable(() => store.markAuditFailed({ id, url: input.url, domain, error: state.error! }));
    if (cancelled) throw err;
    throw ApplicationFailure.nonRetryable(`hosting audit failed: ${state.error}`, 'AuditFailed');
  }
}
