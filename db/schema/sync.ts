import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
type Ts = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTs = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** One row per synced record: its id on each side, the agreed values, each side's last hash. */
export interface SyncIdMapTable {
  id: Generated<number>;
  entity: string;
  sage_id: string;
  hubspot_id: string | null;
  hubspot_contact_id: string | null;
  sage_hash: string | null;
  hubspot_hash: string | null;
  synced_fields: NullableJson<Record<string, string | number | null>>;
  mapping_version: number;
  sage_updated_at: NullableTs;
  hubspot_updated_at: NullableTs;
  deleted_at: NullableTs;
  deletion: 'archived' | 'ignored' | 'held' | 'mirrored' | null;
  created_at: ColumnType<Date, never, never>;
  synced_at: Ts;
}

export type SyncRunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface SyncRunsTable {
  id: string;
  mode: 'incremental' | 'full' | 'records';
  dry_run: boolean;
  trigger: string;
  status: ColumnType<SyncRunStatus, SyncRunStatus | undefined, SyncRunStatus>;
  progress: ColumnType<Record<string, unknown>, string | undefined, string>;
  error: string | null;
  /** Why the run failed: `{cause, entity, message}` (null while running or when it completed). */
  failure: NullableJson<{ cause: string; entity: string | null; message: string }>;
  started_at: ColumnType<Date, never, never>;
  finished_at: NullableTs;
}

export interface SyncRunPagesTable {
  run_id: string;
  page_key: string;
  entity: string;
  direction: 'to_hubspot' | 'to_sage';
  created: number;
  updated: number;
  skipped: number;
  conflicts: number;
  errors: number;
  deleted: number;
  samples: Json<unknown[]>;
}

export interface SyncConflictsTable {
  id: Generated<number>;
  run_id: string | null;
  entity: string;
  sage_id: string;
  field: string;
  base_value: NullableJson<unknown>;
  sage_value: NullableJson<unknown>;
  hubspot_value: NullableJson<unknown>;
  rule: string;
  winner: string | null;
  status: 'auto' | 'held' | 'resolved' | 'applied';
  resolution_value: NullableJson<unknown>;
  resolved_by: string | null;
  created_at: ColumnType<Date, never, never>;
  resolved_at: NullableTs;
}

export interface SyncDuplicatesTable {
  id: Generated<number>;
  entity: string;
  rule: string;
  key: string;
  sage_ids: Json<string[]>;
  owner_sage_id: string;
  first_seen: ColumnType<Date, never, never>;
  last_seen: Ts;
}

/** The applier's journal: one write done for one record of one page of a run (skipped on retry). */
export interface SyncRecordWritesTable {
  run_id: string;
  page_key: string;
  entity: string;
  sage_id: string;
  step: string;
  result: Json<Record<string, unknown>>;
  created_at: ColumnType<Date, never, never>;
}

/** A record a run could not sync, with the cause. */
export interface SyncFailuresTable {
  id: Generated<string>;
  run_id: string;
  page_key: string;
  entity: string;
  sage_id: string;
  direction: 'to_hubspot' | 'to_sage';
  cause: string;
  message: string;
  created_at: ColumnType<Date, never, never>;
}

/** A version of one entity's field mappings, set through the API; the newest is in force. */
export interface SyncMappingsTable {
  entity: string;
  version: number;
  fields: Json<unknown[]>;
  created_by: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface SyncCursorsTable {
  name: string;
  value: string;
  updated_at: Ts;
}

export interface SyncRateBucketsTable {
  name: string;
  capacity: number;
  refill_per_sec: number;
  tokens: number;
  updated_at: Ts;
  day: ColumnType<Date, string, string>;
  day_used: number;
  throttled: number;
}

export interface InterventionsTable {
  id: Generated<number>;
  customer_sage_id: string;
  subject: string;
  description: string | null;
  status: ColumnType<string, string | undefined, string>;
  priority: ColumnType<string, string | undefined, string>;
  scheduled_at: NullableTs;
  /** The HubSpot ticket's owner (HubSpot owns it once the ticket exists). */
  hubspot_owner_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: Ts;
}

export type SyncIdMapRow = Selectable<SyncIdMapTable>;
export type NewSyncIdMapRow = Insertable<SyncIdMapTable>;
export type SyncRun = Selectable<SyncRunsTable>;
export type SyncConflict = Selectable<SyncConflictsTable>;
export type Intervention = Selectable<InterventionsTable>;
