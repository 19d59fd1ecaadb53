/**
 * `certificateRenewal` (id `cert-renewal-<domain>`): sleeps until `renewBeforeDays` before the
 * certificate expires, renews it (ACME DNS-01, installed on the host), then continues as new with
 * the new expiry. One run per certificate lifetime, so its history stays short forever.
 */
import { ActivityFailure, continueAsNew, defineQuery, isCancellation, proxyActivities, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { ConciergeActivities } from '../activities/concierge/index.js';
import { SA } from '../core/temporal.js';
import { OUTAGE_PROOF, UNTIL_RECOVERED_POLITE } from '../core/retry-policies.js';
import { renewalTime } from '../activities/concierge/timeline.js';

export interface CertificateRenewalInput {
  orderId: string;
  domain: string;
  /** ISO expiry of the certificate in place. */
  notAfter: string;
  renewBeforeDays: number;
  renewals: number;
  /** Pause after a failed round (default 1 h). */
  retryAfterMs?: number;
}

export interface CertificateRenewalStatus {
  domain: string;
  notAfter: string;
  renewAt: string;
  renewals: number;
  phase: 'waiting' | 'renewing';
  lastError: string | null;
}

const HOUR = 3_600_000;

/** A few attempts per round; a failed round alerts the operator (once) and the next one starts an hour later. */
// A round of attempts bounded by time (then the workflow pauses and tries another round).
const acts = proxyActivities<ConciergeActivities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { ...UNTIL_RECOVERED_POLITE, initialInterval: '5 seconds', maximumInterval: '1 minute' },
});
const mail = proxyActivities<ConciergeActivities>(OUTAGE_PROOF);

export const renewalStatusQuery = defineQuery<CertificateRenewalStatus>('status');

export async function certificateRenewal(input: CertificateRenewalInput): Promise<void> {
  const renewAt = renewalTime(Date.parse(input.notAfter), Date.now(), input.renewBeforeDays);
  const state: CertificateRenewalStatus = {
    domain: input.domain,
    notAfter: input.notAfter,
    renewAt: new Date(renewAt).toISOString(),
    renewals: input.renewals,
    phase: 'waiting',
    lastError: null,
  };
  setHandler(renewalStatusQuery, () => state);
  upsertSearchAttributes([
    { key: SA.family, value: 'concierge' },
    { key: SA.domain, value: input.domain },
    { key: SA.status, value: 'scheduled' },
  ]);
  await sleep(Math.max(0, renewAt - Date.now()));
  state.phase = 'renewing';
  upsertSearchAttributes([{ key: SA.status, value: 'renewing' }]);
  let cert: { notAfter: string } | undefined;
  for (let attempt = 1; !cert; attempt++) {
    try {
      cert = await acts.issueCertificate(input.orderId);
    } catch (err) {
      if (isCancellation(err)) throw err;
      state.lastError = err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message;
      if (attempt === 1)
        await mail.alertOperator(input.orderId, `renouvellement du certificat de ${input.domain} en échec : ${state.lastError}`, {
          suffix: `renewal-${input.renewals + 1}`,
        });
      await sleep(input.retryAfterMs ?? HOUR);
    }
  }
  await continueAsNew<typeof certificateRenewal>({ ...input, notAfter: cert.notAfter, renewals: input.renewals + 1 });
}
