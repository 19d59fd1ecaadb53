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
  /** `signalled`, `ignored` or `received` (see migrations/2026-11-22T0900_webhook_outcome.ts). */
  outcome: ColumnType<string, string | undefined, string>;
  /** The workflow (order) id the event named, if any. */
  target: ColumnType<string | null, string | null | undefined, string | null>;
  /** Why an event was ignored. */
  detail: ColumnType<string | null, string | null | undefined, string | null>;
}

export type WebhookEvent = Selectable<WebhookEventsTable>;
export type NewWebhookEvent = Insertable<WebhookEventsTable>;
