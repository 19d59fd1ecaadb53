import type { DiagnosticsRunsTable } from './schema/diagnostics.js';
import type { OutboxTable } from './schema/outbox.js';
import type { WebhookEventsTable } from './schema/webhook-events.js';
import type * as W from './schema/watches.js';
import type { MonitorChecksTable, MonitorsTable } from './schema/monitors.js';
import type { AuditReportsTable, AuditScreenshotsTable } from './schema/audit-reports.js';
import type * as C from './schema/concierge.js';
import type * as S from './schema/sync.js';
import type { SyncSageCredentialsTable } from './schema/sync-sage.js';
import type { ConciergeAcmeAccountsTable, ConciergeAcmeOrdersTable } from './schema/concierge-acme.js';

/** The whole database, assembled from one file per table group under schema/. */
export interface Database {
  diagnostics_runs: DiagnosticsRunsTable;
  webhook_events: WebhookEventsTable;
  outbox: OutboxTable;
  audit_reports: AuditReportsTable;
  audit_screenshots: AuditScreenshotsTable;
  monitors: MonitorsTable;
  monitor_checks: MonitorChecksTable;
  concierge_orders: C.ConciergeOrdersTable;
  concierge_events: C.ConciergeEventsTable;
  concierge_payments: C.ConciergePaymentsTable;
  concierge_certificates: C.ConciergeCertificatesTable;
  concierge_acme_accounts: ConciergeAcmeAccountsTable;
  concierge_acme_orders: ConciergeAcmeOrdersTable;
  watch_sources: W.WatchSourcesTable;
  watch_listings: W.WatchListingsTable;
  watch_listing_history: W.WatchListingHistoryTable;
  watch_crawl_runs: W.WatchCrawlRunsTable;
  watch_snapshot_items: W.WatchSnapshotItemsTable;
  watch_crawl_errors: W.WatchCrawlErrorsTable;
  watch_alerts: W.WatchAlertsTable;
  watch_alert_matches: W.WatchAlertMatchesTable;
  watch_market_stats: W.WatchMarketStatsTable;
  watch_politeness: W.WatchPolitenessTable;
  watch_generic: W.WatchGenericTable;
  watch_generic_changes: W.WatchGenericChangesTable;
  sync_id_map: S.SyncIdMapTable;
  sync_runs: S.SyncRunsTable;
  sync_run_pages: S.SyncRunPagesTable;
  sync_conflicts: S.SyncConflictsTable;
  sync_duplicates: S.SyncDuplicatesTable;
  sync_cursors: S.SyncCursorsTable;
  sync_rate_buckets: S.SyncRateBucketsTable;
  sync_sage_credentials: SyncSageCredentialsTable;
  interventions: S.InterventionsTable;
}
