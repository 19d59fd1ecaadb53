import type { ColumnType, Insertable, Selectable } from 'kysely';

/**
 * Every verified webhook delivery, keyed by (provider, event id): a replayed or duplicated event
 * finds its row and does nothing.
 */
export interface WebhookEventsTable {
  provider: string;
  event_id: string;
  event_type: string;
  received_at: ColumnType<Date, never, never>;
}

export type WebhookEvent = Selectable<WebhookEventsTable>;
export type NewWebhookEvent = Insertable<WebhookEventsTable>;
