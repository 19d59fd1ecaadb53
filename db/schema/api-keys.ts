import type { ColumnType, Generated, Selectable } from 'kysely';

/** A scoped API key: only the SHA-256 digest of its secret is stored (see api/access/secrets.ts). */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  /** Public part of the key (`atl_<prefix>_…`): shown in lists and the audit log. */
  prefix: string;
  hash: Buffer;
  scopes: ColumnType<string[], string[], string[]>;
  rate_limit: number;
  rate_window_seconds: number;
  created_at: ColumnType<Date, never, never>;
  revoked_at: ColumnType<Date | null, never, Date>;
  last_used_at: ColumnType<Date | null, never, Date>;
}

/** One fixed-window request counter per key, shared by every API process. */
export interface ApiRateCountersTable {
  key_id: number;
  window_start: Date;
  count: number;
}

/** One row per mutating call made with an API key. */
export interface ApiAuditLogTable {
  id: Generated<number>;
  at: ColumnType<Date, never, never>;
  /** null for a bootstrap key from API_KEYS. */
  key_id: number | null;
  key_name: string;
  key_prefix: string;
  method: string;
  /** The route template, e.g. /v1/runs/{workflowId}/cancel. */
  route: string;
  target: string | null;
  status: number;
  request_id: string | null;
}

export type ApiKey = Selectable<ApiKeysTable>;
export type ApiAuditEntry = Selectable<ApiAuditLogTable>;
