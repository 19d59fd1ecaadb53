import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type OutboxChannel = 'email' | 'webhook';
export type OutboxStatus = 'pending' | 'sent' | 'failed';

/**
 * One row per notification to send, keyed by a dedupe key that names what it is about
 * (e.g. `alert:42:listing:9:new`): a retried activity or a second run finds the row and never
 * sends twice.
 */
export interface OutboxTable {
  id: Generated<number>;
  dedupe_key: string;
  channel: OutboxChannel;
  payload: ColumnType<unknown, string, string>;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: ColumnType<Date, never, never>;
  sent_at: ColumnType<Date | null, never, Date | string | null>;
}

export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
