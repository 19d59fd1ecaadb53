/**
 * The port the sync engine reads Sage through. One `EntitySource` (activities/sync/source.ts) per
 * entity, whose records carry Sage's v3.1 representation in `data` (the mappings read it by dotted
 * paths), plus an idempotent customer upsert. The Sage Business Cloud Accounting adapter
 * (business-cloud.ts) is the first implementation; an on-premises Sage 100 / 50 is served through
 * the same port from records an agent pushes to our API (docs/sync-sage.md).
 */
import type { EntitySource, SourcePage, SourceRecord } from '../source.js';

export type SageEntity = 'customers' | 'quotes' | 'invoices';

export interface SageSourcePage extends SourcePage {
  /**
   * Where the next incremental read should start (ISO, Sage's clock), valid once `next` is null:
   * the time the listing began minus a safety margin, so nothing changed while paging is missed
   * (the inclusive filter may hand a few records back twice; syncing them again is a no-op).
   */
  cursor: string;
}

export interface SageEntitySource extends EntitySource {
  listChanged(since: Date | null, page: string | null, pageSize: number): Promise<SageSourcePage>;
}

export interface UpsertResult {
  record: SourceRecord;
  created: boolean;
}

export interface SageSource {
  readonly kind: 'business-cloud' | 'agent';
  customers: SageEntitySource;
  quotes: SageEntitySource;
  invoices: SageEntitySource;
  /**
   * Creates the customer whose `reference` is given, or updates the one already holding it
   * (Sage keeps references unique), so a retried call never makes a second customer. `fields`
   * speak the read shape (`main_address.country: {id}` etc.), like `update` patches.
   */
  upsertCustomer(reference: string, fields: Record<string, unknown>): Promise<UpsertResult>;
  /** Whether Sage still has this contact person (`GET /contact_persons/{id}`): one that left its customer was moved, or deleted. */
  contactPersonExists?(id: string): Promise<boolean>;
  /** Creates the quote whose `reference` is given, or returns the one already holding it (a retry never makes a second). `fields` speak the write shape. */
  upsertQuote?(reference: string, fields: Record<string, unknown>): Promise<UpsertResult>;
}
