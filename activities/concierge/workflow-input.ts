/** The `conciergeOrder` workflow's input, built from configuration (durations, SLA, queues). */
import type { Config } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { ConciergeOrderInput } from '../../core/contracts/concierge.js';

export function conciergeWorkflowInput(config: Config, orderId: string): ConciergeOrderInput {
  return {
    orderId,
    windows: {
      paymentMs: config.CONCIERGE_PAYMENT_WINDOW_SECONDS * 1000,
      choiceMs: config.CONCIERGE_CHOICE_WINDOW_SECONDS * 1000,
      siteMs: config.CONCIERGE_SITE_WINDOW_SECONDS * 1000,
      stepRetryMs: config.CONCIERGE_STEP_RETRY_SECONDS * 1000,
      providerOutageMs: config.CONCIERGE_PROVIDER_OUTAGE_SECONDS * 1000,
    },
    sla: { normalHours: config.CONCIERGE_SLA_HOURS, urgentHours: config.CONCIERGE_URGENT_SLA_HOURS, alertRatio: config.CONCIERGE_SLA_ALERT_RATIO },
    renewBeforeDays: config.ACME_RENEW_BEFORE_DAYS,
    queues: { audits: taskQueueFor('audits', config.TASK_QUEUE_PREFIX), concierge: taskQueueFor('concierge', config.TASK_QUEUE_PREFIX) },
    startMonitor: config.CONCIERGE_START_MONITOR,
  };
}
