/**
 * What the sync engine runs with (the database, the HubSpot gateway, a source per entity, the rules
 * in force) and the batch it runs in. Shared by the engine and the steps it calls (contact persons,
 * deletions on either side, creations from HubSpot), which therefore never import the engine for it.
 */
import type { SyncEntity } from '../../core/contracts/sync.js';
import type { Db } from '../../db/client.js';
import type { HubSpotGateway } from './hubspot-port.js';
import type { EntityMapping } from './mapping/types.js';
import type { RuleOverrides } from './ownership.js';
import type { EntitySource } from './source.js';

export type DeletionRule = 'archive' | 'ignore' | 'hold';
/** Per entity; contact persons (HubSpot contacts besides the customer's own) take archive or ignore. */
export type DeletionRules = Partial<Record<SyncEntity, DeletionRule>> & { contact_person?: 'archive' | 'ignore' };

/** What to do when a linked HubSpot object was deleted in HubSpot (`SYNC_HUBSPOT_DELETION_RULES`). */
export type HubSpotDeletionRule = 'hold' | 'mirror' | 'recreate';

export interface EngineDeps {
  db: Db;
  hubspot: HubSpotGateway;
  sources: Record<SyncEntity, EntitySource>;
  overrides?: RuleOverrides;
  deletionRules?: DeletionRules;
  /** Whether Sage still has this contact person (a person gone from its customer: moved, or deleted). */
  contactPersonExists?: (id: string) => Promise<boolean>;
  /** The field mappings in force (default: the built-in ones). */
  mappings?: Record<SyncEntity, EntityMapping>;
  /** What to do when a linked HubSpot object was deleted in HubSpot (default hold). */
  hubspotDeletionRules?: Partial<Record<SyncEntity, HubSpotDeletionRule>>;
  heartbeat?: (detail?: unknown) => void;
}

export interface BatchContext {
  runId: string;
  pageKey: string;
  dryRun: boolean;
}
