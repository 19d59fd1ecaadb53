import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;
type Updated = ColumnType<Date, string | undefined, string>;

/** One row per concierge order: what was asked, and where the saga has got to. */
export interface ConciergeOrdersTable {
  id: string;
  business_name: string;
  contact_email: string;
  desired_domain: string;
  /** The domain being delivered: the desired one, or the alternative the customer chose. */
  domain: string;
  plan: string;
  urgent: boolean;
  locale: string;
  site: Json<unknown>;
  registrant: Json<unknown>;
  phase: ColumnType<string, string | undefined, string>;
  price_cents: number | null;
  currency: ColumnType<string, string | undefined, string>;
  premium_price: ColumnType<string | null, number | null | undefined, number | null>;
  alternatives: ColumnType<string[] | null, string | null | undefined, string | null>;
  site_dir: string | null;
  zone_id: string | null;
  nameservers: ColumnType<string[] | null, string | null | undefined, string | null>;
  registrar_order_id: string | null;
  cert_not_after: ColumnType<Date | null, string | null | undefined, string | null>;
  screenshot_path: string | null;
  live_url: string | null;
  failure: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: Updated;
}

/** The order's timeline: one row per phase entered, in order. */
export interface ConciergeEventsTable {
  order_id: string;
  seq: number;
  phase: string;
  at: ColumnType<Date, string, string>;
  detail: string | null;
}

/**
 * Every payment-side call we make, keyed by order + kind + step (and its Stripe idempotency key):
 * a retry finds the row and reuses it, and `api_calls` counts the create calls actually sent.
 */
export interface ConciergePaymentsTable {
  id: Generated<number>;
  order_id: string;
  kind: 'checkout' | 'refund' | 'expire';
  step: string;
  idempotency_key: string;
  provider_id: string | null;
  url: string | null;
  payment_intent: string | null;
  amount_cents: number | null;
  currency: string | null;
  status: ColumnType<string, string | undefined, string>;
  api_calls: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: Updated;
}

/** Certificates issued for an order's domain (the key stays on the host, never here). */
export interface ConciergeCertificatesTable {
  id: Generated<number>;
  order_id: string;
  domain: string;
  not_after: ColumnType<Date, string, string>;
  fingerprint: string;
  issued_at: ColumnType<Date, never, never>;
}

export type ConciergeOrder = Selectable<ConciergeOrdersTable>;
export type NewConciergeOrder = Insertable<ConciergeOrdersTable>;
