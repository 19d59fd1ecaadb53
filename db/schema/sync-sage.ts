import type { ColumnType, Selectable } from 'kysely';

/** OAuth2 credentials of one Sage business (see migrations/2026-11-21T1050_sync_sage.ts). */
export interface SyncSageCredentialsTable {
  business_id: string;
  refresh_token: string;
  refresh_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  access_token: string | null;
  access_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  generation: ColumnType<number, number | undefined, number>;
  refreshed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type SyncSageCredentials = Selectable<SyncSageCredentialsTable>;
