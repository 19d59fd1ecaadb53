/**
 * Queries over `webhook_events`: every verified delivery, keyed by (provider, event id), so a
 * replayed or duplicated event finds its row and does nothing.
 */
import type { NewWebhookEvent } from '../schema/webhook-events.js';
import type { Queryable } from './types.js';

/** Records one event; false when it was already recorded (a duplicate delivery). */
export async function recordWebhookEvent(db: Queryable, e: NewWebhookEvent): Promise<boolean> {
  const row = await db
    .insertInto('webhook_events')
    .values(e)
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Records a batch of events; returns the ids of those not recorded before. */
export async function recordWebhookEvents(db: Queryable, events: NewWebhookEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const fresh = await db
    .insertInto('webhook_events')
    .values(events)
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .returning('event_id')
    .execute();
  return new Set(fresh.map((f) => f.event_id));
}

/** Marks a recorded event as ignored, with why. */
export async function markWebhookEventIgnored(db: Queryable, provider: string, eventId: string, detail: string): Promise<void> {
  await db.updateTable('webhook_events').set({ outcome: 'ignored', detail }).where('provider', '=', provider).where('event_id', '=', eventId).execute();
}
