import type { Migration } from 'kysely';
import * as platform from './2026-11-21T0900_platform.js';
import * as outbox from './2026-11-21T0910_outbox.js';
import * as audits from './2026-11-21T1000_audits.js';
import * as monitors from './2026-11-21T1010_monitors.js';
import * as concierge from './2026-11-21T1030_concierge.js';
import * as watches from './2026-11-21T1040_watches.js';
import * as syncSage from './2026-11-21T1050_sync_sage.js';
import * as sync from './2026-11-21T1100_sync.js';
import * as webhookOutcome from './2026-11-22T0900_webhook_outcome.js';
import * as runsCancelled from './2026-11-22T0910_runs_cancelled.js';
import * as conciergeAcme from './2026-11-22T0920_concierge_acme.js';
import * as syncApplyJournal from './2026-11-22T1100_sync_apply_journal.js';
import * as genericWatchSweeps from './2026-11-22T1110_generic_watch_sweeps.js';
import * as monitorChannels from './2026-11-22T1200_monitor_channels.js';
import * as monitorIncidents from './2026-11-22T1300_monitor_incidents.js';
import * as syncHubSpotOwnership from './2026-12-05T1200_sync_hubspot_ownership.js';
import * as monitorSweeps from './2026-12-05T1400_monitor_sweeps.js';
import * as syncMappings from './2026-12-05T1300_sync_mappings.js';
import * as apiKeys from './2026-12-05T1540_api_keys.js';
import * as apiRateCountersUnlogged from './2026-12-05T1541_api_rate_counters_unlogged.js';
import * as listingStatusEvents from './2026-12-05T1500_listing_status_events.js';
import * as watchDuplicateBlocking from './2026-12-05T1510_watch_duplicate_blocking.js';
import * as snapshotFromDetail from './2026-12-05T1900_snapshot_from_detail.js';

/**
 * Every migration, by its dated name. Listed statically (not read from the folder) so the set is
 * the same under tsx, a bundler or compiled output. Names sort in the order they must run.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-21T0900_platform': platform,
  '2026-11-21T0910_outbox': outbox,
  '2026-11-21T1000_audits': audits,
  '2026-11-21T1010_monitors': monitors,
  '2026-11-21T1030_concierge': concierge,
  '2026-11-21T1040_watches': watches,
  '2026-11-21T1050_sync_sage': syncSage,
  '2026-11-21T1100_sync': sync,
  '2026-11-22T0900_webhook_outcome': webhookOutcome,
  '2026-11-22T0910_runs_cancelled': runsCancelled,
  '2026-11-22T0920_concierge_acme': conciergeAcme,
  '2026-11-22T1100_sync_apply_journal': syncApplyJournal,
  '2026-11-22T1110_generic_watch_sweeps': genericWatchSweeps,
  '2026-11-22T1200_monitor_channels': monitorChannels,
  '2026-11-22T1300_monitor_incidents': monitorIncidents,
  '2026-12-05T1200_sync_hubspot_ownership': syncHubSpotOwnership,
  '2026-12-05T1400_monitor_sweeps': monitorSweeps,
  '2026-12-05T1300_sync_mappings': syncMappings,
  '2026-12-05T1540_api_keys': apiKeys,
  '2026-12-05T1541_api_rate_counters_unlogged': apiRateCountersUnlogged,
  '2026-12-05T1500_listing_status_events': listingStatusEvents,
  '2026-12-05T1510_watch_duplicate_blocking': watchDuplicateBlocking,
  '2026-12-05T1900_snapshot_from_detail': snapshotFromDetail,
};
