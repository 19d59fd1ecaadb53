/**
 * The sync contract: the entities and HubSpot objects the sync knows, the canonical values it
 * compares, and the records it keeps of a batch (a conflict, a group of duplicates, a page's
 * report and its failures). Shared by the workflow, the activities, the queries that store them
 * (db/queries/sync-*.ts) and the API. Pure: safe to import from workflow code.
 */

export type SyncEntity = 'customer' | 'quote' | 'invoice' | 'intervention';
export const SYNC_ENTITIES: readonly SyncEntity[] = ['customer', 'quote', 'invoice', 'intervention'];
export type HubSpotObject = 'companies' | 'contacts' | 'deals' | 'invoices' | 'tickets';

/** A field's value once read from either side (activities/sync/mapping/transforms.ts). */
export type Canon = string | number | null;
export type Side = 'sage' | 'hubspot';
/** What to do when both sides changed the field since the last sync. */
export type ConflictRule = 'owner' | 'newest' | 'hold';

/** A field both sides changed (activities/sync/conflicts.ts), as logged in `sync_conflicts`. */
export interface ConflictEntry {
  field: string;
  base: Canon;
  sage: Canon;
  hubspot: Canon;
  rule: ConflictRule;
  /** Null when held. */
  winner: Side | null;
  value: Canon;
}

export type DuplicateRule = 'email' | 'vat' | 'name';

/** Records sharing a key (activities/sync/duplicates.ts), as kept in `sync_duplicates`. */
export interface DuplicateGroup {
  rule: DuplicateRule;
  key: string;
  /** Sorted; for `email`, the first one owns the HubSpot contact unless `owner` says otherwise. */
  sageIds: string[];
  owner: string;
}

export interface PageCounts {
  created: number;
  updated: number;
  skipped: number;
  conflicts: number;
  errors: number;
  deleted: number;
}
export const emptyCounts = (): PageCounts => ({ created: 0, updated: 0, skipped: 0, conflicts: 0, errors: 0, deleted: 0 });

/** A record a page could not sync, and why (`cause`: e.g. `hubspot:CONFLICT`, `hubspot:VALIDATION_ERROR`, `sage:422`). */
export interface RecordFailure {
  sageId: string;
  direction: 'to_hubspot' | 'to_sage';
  cause: string;
  message: string;
}

/** What one page of a run did, per direction (stored in `sync_run_pages` and `sync_failures`). */
export interface PageReport {
  to_hubspot: PageCounts;
  to_sage: PageCounts;
  samples: unknown[];
  failures: RecordFailure[];
}
export const emptyReport = (): PageReport => ({ to_hubspot: emptyCounts(), to_sage: emptyCounts(), samples: [], failures: [] });
