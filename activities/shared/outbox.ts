/**
 * The notification outbox. A notification is first recorded under a dedupe key that names what it
 * is about (`enqueue`: insert, or nothing if the key exists), then delivered (`deliver`): the row
 * is locked, sent unless already sent, and marked sent in the same transaction. A retried activity,
 * a replayed workflow or a second worker finds the row sent and does nothing.
 *
 * The one window left is a worker dying after the SMTP server / webhook receiver accepted and
 * before the commit; the retry then sends again with the same Message-ID / delivery id, so the
 * receiver can recognise the duplicate.
 */
import type { Db } from '../../db/client.js';
import { insertOutbox, lockOutboxRow, markOutboxSent, recordOutboxFailure } from '../../db/queries/outbox.js';
import type { Queryable } from '../../db/queries/types.js';
import type { MailMessage, Mailer } from './mail.js';
import type { WebhookDelivery } from './webhook-sender.js';

export type EmailPayload = Omit<MailMessage, 'messageId'>;
export interface WebhookPayload {
  url: string;
  body: unknown;
}

export type Notification = { key: string; channel: 'email'; payload: EmailPayload } | { key: string; channel: 'webhook'; payload: WebhookPayload };

export interface Senders {
  mailer: Mailer;
  webhook(delivery: WebhookDelivery): Promise<unknown>;
}

/** Records notifications; returns the keys that were new (already-known keys are left as they are). */
export async function enqueue(db: Queryable, notes: Notification[]): Promise<string[]> {
  return insertOutbox(db, notes);
}

export function messageIdFor(key: string, domain = 'atelier.localhost'): string {
  return `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`;
}

export type DeliverOutcome = 'sent' | 'already-sent' | 'unknown-key';

/** Sends the notification under `key` once. Throws (and records the error) when sending fails. */
export async function deliver(db: Db, key: string, senders: Senders): Promise<DeliverOutcome> {
  try {
    return await db.transaction().execute(async (tx) => {
      const row = await lockOutboxRow(tx, key);
      if (!row) return 'unknown-key';
      if (row.status === 'sent') return 'already-sent';
      if (row.channel === 'email') {
        const p = row.payload as EmailPayload;
        await senders.mailer.send({ ...p, messageId: messageIdFor(key) });
      } else {
        const p = row.payload as WebhookPayload;
        await senders.webhook({ url: p.url, body: p.body, deliveryId: key });
      }
      await markOutboxSent(tx, row);
      return 'sent';
    });
  } catch (err) {
    await recordOutboxFailure(db, key, (err as Error).message).catch(() => undefined);
    throw err;
  }
}
