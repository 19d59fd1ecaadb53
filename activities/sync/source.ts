/**
 * What the engine needs from the accounting side, per entity. The Sage adapter
 * (activities/sync/sage/) is plugged in through `sageSource`; interventions come from our own
 * table (interventions-source.ts). An on-premises Sage (100 / 50) plugs in the same way: an agent
 * on the customer's network pushes changed records to our API, which stores them and serves this
 * interface from that store.
 */
export interface SourceRecord {
  id: string;
  updatedAt: Date | null;
  /** The record as the source speaks it; mappings read it by dotted paths. */
  data: Record<string, unknown>;
}

export interface SourcePage {
  items: SourceRecord[];
  /** Opaque position of the next page; null when this was the last. */
  next: string | null;
}

export interface EntitySource {
  /** Records created or changed since `since` (all when null), one page at a time. */
  listChanged(since: Date | null, page: string | null, pageSize: number): Promise<SourcePage>;
  /** Ids deleted since `since`. */
  listDeleted(since: Date | null): Promise<string[]>;
  get(id: string): Promise<SourceRecord | null>;
  /** Writes a (nested) patch of the fields HubSpot may change; returns the record as stored. */
  update(id: string, patch: Record<string, unknown>): Promise<SourceRecord>;
  /** Deletes (or, for our own records, cancels) a record whose HubSpot object was deleted, when the rule mirrors it. */
  remove?(id: string): Promise<void>;
}
