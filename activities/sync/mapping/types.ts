import type { ConflictRule, HubSpotObject, SyncEntity } from '../../../core/contracts/sync.js';
import type { TransformName } from './transforms.js';

/** Which way a field may flow. */
export type Direction = 'both' | 'to_hubspot' | 'to_sage';

export interface FieldMapping {
  /** Canonical field name. */
  field: string;
  /** Dotted path in the Sage record (for interventions: the column of our table). */
  sage: string;
  /** HubSpot object the property lives on (the entity's primary object unless said). */
  object?: HubSpotObject;
  /** HubSpot property name. */
  hubspot: string;
  transform: TransformName;
  owner: 'sage' | 'hubspot';
  direction: Direction;
  conflict: ConflictRule;
}

export interface EntityMapping {
  entity: SyncEntity;
  /** Bumped whenever a field, transform or rule changes; stored with every synced record. */
  version: number;
  /** The HubSpot object each record becomes. */
  primary: HubSpotObject;
  /** A second object made from the same record (the customer's primary contact). */
  secondary?: HubSpotObject;
  /** Path of the parent customer's Sage id in the record: the HubSpot object is associated with its company. */
  parentPath?: string;
  fields: FieldMapping[];
}
