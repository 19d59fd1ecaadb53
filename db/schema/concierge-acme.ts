import type { ColumnType, Generated } from 'kysely';

/** The ACME account key per CA directory (see migrations/2026-11-22T0920_concierge_acme.ts). */
export interface ConciergeAcmeAccountsTable {
  directory_url: string;
  account_key_pem: string;
  created_at: ColumnType<Date, never, never>;
}

/** One certificate order at the CA: its URL, the certificate's key, then the issued chain. */
export interface ConciergeAcmeOrdersTable {
  id: Generated<number>;
  directory_url: string;
  /** The order's names, lower-case, sorted, comma-joined. */
  names: string;
  order_url: string | null;
  status: ColumnType<'pending' | 'valid' | 'invalid', 'pending' | 'valid' | 'invalid' | undefined, 'pending' | 'valid' | 'invalid'>;
  cert_key_pem: string;
  cert_pem: string | null;
  not_after: ColumnType<Date | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, string | undefined, string>;
}
