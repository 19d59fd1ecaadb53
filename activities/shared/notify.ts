/** Activities every family shares: deliver an outbox notification (email or signed webhook) once. */
import type { Config } from '../../core/config.js';
import type { Db } from '../../db/client.js';
import type { Mailer } from './mail.js';
import { activitySignal } from './activity-signal.js';
import { parseAllowlist } from './net-guard.js';
import { deliver, enqueue, type DeliverOutcome, type Notification, type Senders } from './outbox.js';
import { sendWebhook } from './webhook-sender.js';

export interface NotifyDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
}

/** How outbox rows are sent: the mailer, and the signed webhook sender (cancelled with the running activity). */
export function notificationSenders(config: Config, mailer: Mailer): Senders {
  const allow = parseAllowlist(config.OUTBOUND_ALLOWLIST);
  return {
    mailer,
    // deliverNotification does not heartbeat: its signal fires on worker shutdown, not on a workflow's cancel
    webhook: (d: Parameters<typeof sendWebhook>[0]) => sendWebhook(d, { secret: config.WEBHOOK_SIGNING_SECRET, allow, signal: activitySignal() }),
  };
}

export function createNotifyActivities({ config, db, mailer }: NotifyDeps) {
  const senders = notificationSenders(config, mailer);
  return {
    /** Records notifications under their dedupe keys; returns the keys that were new. */
    async enqueueNotifications(notes: Notification[]): Promise<string[]> {
      return enqueue(db, notes);
    },
    /** Sends the outbox row `key` unless it was already sent. */
    async deliverNotification(key: string): Promise<DeliverOutcome> {
      return deliver(db, key, senders);
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
