/**
 * How the `conciergeOrder` workflow (concierge.ts) calls out: its activity proxies, one retry
 * policy per kind of step (database and email, providers before the point of no return,
 * compensations, steps after it), and the children it starts once the site is live. Workflow code:
 * deterministic, bundled with the workflows.
 */
import { ActivityFailure, ParentClosePolicy, WorkflowIdReusePolicy, patched, proxyActivities, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ConciergeActivities } from '../activities/concierge/index.js';
import { FAILURE } from '../activities/concierge/failures.js';
import type { ConciergeOrderInput } from '../core/contracts/concierge.js';
import { OUTAGE_PROOF, OUTAGE_WINDOW, UNTIL_RECOVERED_POLITE } from '../core/retry-policies.js';
import { SA } from '../core/temporal.js';
import type { certificateRenewal } from './certificate-renewal.js';
import type { siteMonitor } from './site-monitor.js';

/** PostgreSQL and SMTP steps: an outage of up to OUTAGE_WINDOW delays the order, never loses it. */
export const db = proxyActivities<ConciergeActivities>(OUTAGE_PROOF);
/**
 * Calls to providers before the point of no return: retried through an outage for a configurable
 * window, then the saga decides; refusals (FAILURE types) are not retried. The start-to-close bound
 * is also how long a call lost with a dead worker waits before its retry.
 */
export const providerActivities = (outageMs: number | undefined) =>
  proxyActivities<ConciergeActivities>({
    startToCloseTimeout: '30 seconds',
    // a provider down rides out `windows.providerOutageMs` (CONCIERGE_PROVIDER_OUTAGE_SECONDS), then the saga decides
    scheduleToCloseTimeout: outageMs ?? OUTAGE_WINDOW,
    retry: { ...UNTIL_RECOVERED_POLITE, initialInterval: '1 second', nonRetryableErrorTypes: Object.values(FAILURE) },
  });
/** Compensations must eventually pass: unlimited attempts. */
export const compensation = proxyActivities<ConciergeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [FAILURE.nothingToRefund] },
});
/** Steps after the point of no return: each round a few attempts, the workflow loops the rounds. */
export const afterPonr = proxyActivities<ConciergeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 3 },
});
/** The long ones (ACME, the browser) heartbeat: a dead worker is noticed within the heartbeat timeout. */
export const longAfterPonr = proxyActivities<ConciergeActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 3 },
});

/** How long a session found paid at expiry waits for its webhook. */
export const LATE_PAYMENT_GRACE_MS = 10 * 60_000;

export function messageOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** What a customer reads when an order fails for a reason of ours or a provider's (details go to the operator). */
export const CUSTOMER_REASON = {
  registration: "le registre n'a pas accepté l'enregistrement du domaine",
  technical: 'un incident technique de notre côté ; notre équipe est prévenue',
} as const;

/** The site monitor (audits family) and the certificate renewal, both outliving this order's run. */
export async function startFollowUps(input: ConciergeOrderInput, state: { domain: string | null; monitorId: string | null }, notAfter: string): Promise<void> {
  const domain = state.domain!;
  const starts: Array<Promise<unknown>> = [
    startChild<typeof certificateRenewal>('certificateRenewal', {
      workflowId: `cert-renewal-${domain}`,
      taskQueue: input.queues.concierge,
      args: [{ orderId: input.orderId, domain, notAfter, renewBeforeDays: input.renewBeforeDays, renewals: 0 }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: SA.family, value: 'concierge' },
        { key: SA.domain, value: domain },
        { key: SA.status, value: 'scheduled' },
      ],
    }),
  ];
  if (input.startMonitor) {
    const monitor = await db.prepareSiteMonitor(input.orderId);
    state.monitorId = monitor.monitorId;
    // the monitor sweeps check the row prepareSiteMonitor wrote; orders recorded before still start a siteMonitor
    if (!patched('monitor-sweep-handoff')) {
      starts.push(
        startChild<typeof siteMonitor>('siteMonitor', {
          workflowId: monitor.monitorId,
          taskQueue: input.queues.audits,
          args: [monitor],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          typedSearchAttributes: [
            { key: SA.family, value: 'audits' },
            { key: SA.domain, value: domain },
            { key: SA.status, value: 'unknown' },
          ],
        }),
      );
    }
  }
  for (const s of starts) {
    try {
      await s;
    } catch (err) {
      // already running for this domain (an earlier order): that one keeps watching
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
