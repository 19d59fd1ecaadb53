import type { DiagnosticsRunsTable } from './schema/diagnostics.js';
import type { OutboxTable } from './schema/outbox.js';
import type { WebhookEventsTable } from './schema/webhook-events.js';

/** The whole database, assembled from one file per table group under schema/. */
export interface Database {
  diagnostics_runs: DiagnosticsRunsTable;
  webhook_events: WebhookEventsTable;
  outbox: OutboxTable;
}
