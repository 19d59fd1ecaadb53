/**
 * What the sync asks of HubSpot (the port hubspot-gateway.ts implements over `@hubspot/api-client`,
 * and test doubles may too): batch upserts by `sage_id`, batch reads and updates, associations
 * (v4), archives, property definitions, and the searches for candidates and for changes.
 */
import type { HubSpotObject } from '../../core/contracts/sync.js';

export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  updatedAt: Date | null;
}

export interface UpsertResult {
  /** sage_id -> HubSpot id, for every record the batch wrote. */
  ids: Map<string, { id: string; created: boolean; updatedAt: Date | null }>;
  /** Records HubSpot refused: sage_id (when known), HTTP status, category, message, and for a CONFLICT the holder's id. */
  errors: UpsertError[];
}

export interface UpsertError {
  sageId: string | null;
  status: number;
  category: string | null;
  message: string;
  /** The object already holding a unique value (CONFLICT), e.g. a contact with this email. */
  existingId: string | null;
}

export interface HubSpotGateway {
  ensureProperties(wanted: Array<{ object: string; name: string; type: 'string' | 'number' | 'date' }>): Promise<string[]>;
  upsert(object: HubSpotObject, inputs: Array<{ sageId: string; properties: Record<string, string> }>): Promise<UpsertResult>;
  read(object: HubSpotObject, ids: string[], properties: string[]): Promise<Map<string, HubSpotRecord>>;
  /** Updates objects by HubSpot id; returns id -> HubSpot's modification stamp. */
  update(object: HubSpotObject, inputs: Array<{ id: string; properties: Record<string, string> }>): Promise<Map<string, Date | null>>;
  associate(from: HubSpotObject, to: HubSpotObject, pairs: Array<[string, string]>): Promise<void>;
  /**
   * Associates each contact with its primary company (v4 batch create with the HubSpot-defined
   * primary label, type 1, beside the unlabelled 279): a contact has one primary company.
   */
  associatePrimary(pairs: Array<[contactId: string, companyId: string]>): Promise<void>;
  /** Removes every association between each pair (v4 batch archive). */
  unassociate(from: HubSpotObject, to: HubSpotObject, pairs: Array<[string, string]>): Promise<void>;
  archive(object: HubSpotObject, ids: string[]): Promise<void>;
  /** An object's property definitions (`/crm/v3/properties/{objectType}`): name, type, and whether HubSpot computes the value. */
  propertyDefs(object: HubSpotObject): Promise<Array<{ name: string; type: string; readOnly: boolean }>>;
  /** Each object's associated objects of another type, with their association type ids (v4 batch read). */
  associationsOf(from: HubSpotObject, to: HubSpotObject, ids: string[]): Promise<Map<string, Array<{ id: string; typeIds: number[] }>>>;
  /**
   * Objects without `sage_id` whose property is one of the values (OR over the groups), plus the
   * objects whose `sage_id` is one of `sageIds`: one search per 100 values of each group.
   */
  searchUnlinked(
    object: HubSpotObject,
    groups: Array<{ property: string; values: string[] }>,
    sageIds: string[],
    properties: string[],
  ): Promise<HubSpotRecord[]>;
  modifiedSince(
    object: HubSpotObject,
    sinceMs: number,
    after: string | null,
    properties: string[],
  ): Promise<{ results: HubSpotRecord[]; after: string | null }>;
  /** Requests sent by this gateway (for reports and the benchmark). */
  readonly requests: number;
}
