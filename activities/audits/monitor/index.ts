/**
 * The siteMonitor's activities: check the site, record the check, and turn a transition into
 * outbox notifications (email + signed webhook) whose keys the workflow then delivers with the
 * shared `deliverNotification` activity. Recipients are read here from the `monitors` row, so they
 * never enter workflow history.
 */
import { readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../../core/config.js';
import type { Logger } from '../../../core/logger.js';
import type { Db } from '../../../db/client.js';
import { activityHeartbeat as heartbeat, activityOwner } from '../../shared/activity-owner.js';
import { activitySignal } from '../../shared/activity-signal.js';
import { parseAllowlist, type Lookup } from '../../shared/net-guard.js';
import type { Mailer } from '../../shared/mail.js';
import { notificationSenders } from '../../shared/notify.js';
import { enqueue, type Notification } from '../../shared/outbox.js';
import { checkSite } from './check-site.js';
import { writeIncident, type IncidentWrite } from './incidents.js';
import { checkAt, insertCheck, nextSeq } from '../../../db/queries/monitor-checks.js';
import { getMonitor } from '../../../db/queries/monitors.js';
import { runMonitorSweep, type MonitorSweepResult } from './sweep.js';
import { alertKey, alertWebhookBody, renderAlertEmail, type AlertContext } from './templates.js';
import type { CheckResult, Incident } from '../../../core/contracts/monitors.js';

export interface MonitorDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** DNS resolver for the checks (tests); the system's by default. */
  lookup?: Lookup;
  /** Sends the sweep's alerts as soon as they are recorded (without it they wait in the outbox). */
  mailer?: Mailer;
}

export interface SweepMonitorsInput {
  shard: number;
  shards: number;
  windowSeconds: number;
  concurrency: number;
}

export interface CheckSiteInput {
  monitorId: string;
  url: string;
  timeoutMs: number;
}

export interface RecordCheckInput {
  monitorId: string;
  seq: number;
  check: CheckResult;
}

export interface CheckAndRecordInput extends CheckSiteInput {
  seq: number;
}

export function createMonitorActivities({ config, db, logger, lookup, mailer }: MonitorDeps) {
  const allow = parseAllowlist(config.OUTBOUND_ALLOWLIST);
  const extraCa = config.MONITOR_EXTRA_CA_PATH ? readFileSync(config.MONITOR_EXTRA_CA_PATH, 'utf8') : undefined;
  const senders = mailer ? notificationSenders(config, mailer) : undefined;
  return {
    /**
     * One window of the monitor sweep (sweep.ts): every due monitor of the shard checked, recorded
     * with its transitions and alerted once, for `windowSeconds`; heartbeats its progress.
     */
    async sweepMonitors(input: SweepMonitorsInput): Promise<MonitorSweepResult> {
      const signal = activitySignal();
      return runMonitorSweep(
        {
          db,
          senders,
          concurrency: input.concurrency,
          heartbeat,
          signal,
          check: (url, timeoutMs) => checkSite(url, { allow, timeoutMs, extraCa, lookup, signal }),
        },
        activityOwner(),
        { shard: { index: input.shard, count: input.shards }, windowMs: input.windowSeconds * 1000 },
      );
    },

    /** GETs the site once; the site's failures are part of the result, never thrown. */
    async checkSite(input: CheckSiteInput): Promise<CheckResult> {
      // short (bounded by timeoutMs) and not heartbeating: the signal fires on worker shutdown
      return checkSite(input.url, { allow, timeoutMs: input.timeoutMs, extraCa, lookup, signal: activitySignal() });
    },

    /**
     * One check, recorded: the site's GET and its `monitor_checks` row in one activity (one history
     * round-trip per check instead of two). A retry of a recorded sequence number returns the
     * recorded result, so the row and what the workflow sees never differ.
     */
    async checkAndRecord(input: CheckAndRecordInput): Promise<CheckResult> {
      const known = await checkAt(db, input.monitorId, input.seq);
      if (known) return known;
      const check = await checkSite(input.url, { allow, timeoutMs: input.timeoutMs, extraCa, lookup, signal: activitySignal() });
      if (await insertCheck(db, input.monitorId, input.seq, check)) return check;
      return (await checkAt(db, input.monitorId, input.seq)) ?? check;
    },

    /** Records an incident closed by a silent transition (latency back to normal, certificate renewed). */
    async recordMonitorIncident(input: IncidentWrite): Promise<void> {
      await writeIncident(db, input);
    },

    /** The first sequence number of a new monitor: after the site's earlier checks, if any. */
    async nextCheckSequence(input: { monitorId: string }): Promise<number> {
      return nextSeq(db, input.monitorId);
    },

    /** Stores one check in `monitor_checks`, idempotent by (monitor id, sequence). */
    async recordCheck(input: RecordCheckInput): Promise<{ inserted: boolean }> {
      return { inserted: await insertCheck(db, input.monitorId, input.seq, input.check) };
    },

    /**
     * Records the alert of one transition in the outbox (one email, plus one webhook when the monitor
     * has a webhook URL) and returns every key, new or already known, for the workflow to deliver.
     */
    async enqueueMonitorAlert(alert: AlertContext & { incident?: Incident | null }): Promise<string[]> {
      // the incidents history: this transition opens or closes one (idempotent, kept for a deleted monitor too)
      await writeIncident(db, alert);
      const monitor = await getMonitor(db, alert.monitorId);
      // The API writes the row around the workflow's start: a missing row is retried, a deleted one is final.
      if (!monitor) throw new Error(`monitor ${alert.monitorId} has no row yet`);
      if (monitor.deleted_at) {
        throw ApplicationFailure.nonRetryable(`monitor ${alert.monitorId} was deleted; alert not sent`, 'monitor-deleted');
      }
      // each channel the monitor has: email, webhook or both
      const notes: Notification[] = [];
      if (monitor.alert_email) {
        const email = renderAlertEmail(alert, monitor.language);
        notes.push({
          key: alertKey(alert.monitorId, alert.transition, alert.seq, 'email'),
          channel: 'email',
          payload: { to: monitor.alert_email, subject: email.subject, text: email.text, html: email.html },
        });
      }
      if (monitor.webhook_url) {
        notes.push({
          key: alertKey(alert.monitorId, alert.transition, alert.seq, 'webhook'),
          channel: 'webhook',
          payload: { url: monitor.webhook_url, body: alertWebhookBody(alert) },
        });
      }
      const fresh = await enqueue(db, notes);
      logger.info({ monitorId: alert.monitorId, transition: alert.transition, seq: alert.seq, fresh: fresh.length }, 'monitor alert enqueued');
      return notes.map((n) => n.key);
    },
  };
}

export type MonitorActivities = ReturnType<typeof createMonitorActivities>;
