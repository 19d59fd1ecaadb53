/**
 * The sync's id map (`sync_id_map`: a Sage record, its HubSpot object, the fields last synced) as
 * the engine, the deletions, the creations from HubSpot and the API read, write and mark it.
 */
import type { SyncEntity } from '../../core/contracts/sync.js';
import type { SyncIdMapRow } from '../schema/sync.js';
import type { Queryable } from './types.js';

export async function idMapRows(db: Queryable, entity: SyncEntity, sageIds: string[]): Promise<Map<string, SyncIdMapRow>> {
  if (!sageIds.length) return new Map();
  const rows = await db.selectFrom('sync_id_map').selectAll().where('entity', '=', entity).where('sage_id', 'in', sageIds).execute();
  return new Map(rows.map((r) => [r.sage_id, r]));
}

/** Sage ids of the records whose HubSpot object (or customer contact) is one of these. */
export async function sageIdsForHubSpot(
  db: Queryable,
  object: string,
  hubspotIds: string[],
  modifiedAt?: ReadonlyMap<string, Date | null>,
): Promise<Array<{ entity: SyncEntity; sageId: string }>> {
  if (!hubspotIds.length) return [];
  const entity: SyncEntity | null =
    object === 'companies' || object === 'contacts'
      ? 'customer'
      : object === 'deals'
        ? 'quote'
        : object === 'invoices'
          ? 'invoice'
          : object === 'tickets'
            ? 'intervention'
            : null;
  if (!entity) return [];
  const col = object === 'contacts' ? 'hubspot_contact_id' : 'hubspot_id';
  const rows = await db
    .selectFrom('sync_id_map')
    .select(['sage_id', 'hubspot_id', 'hubspot_contact_id', 'hubspot_updated_at'])
    .where('entity', '=', entity)
    .where(col, 'in', hubspotIds)
    .execute();
  return rows
    .filter((r) => {
      // Modified no later than our own last write: our echo, nothing new to read.
      const at = modifiedAt?.get((object === 'contacts' ? r.hubspot_contact_id : r.hubspot_id) ?? '');
      return !(at && r.hubspot_updated_at && at.getTime() <= r.hubspot_updated_at.getTime());
    })
    .map((r) => ({ entity, sageId: r.sage_id }));
}

/** The HubSpot ids among these that no record of the entity is linked to. */
export async function unlinkedHubSpotIds(db: Queryable, entity: SyncEntity, hubspotIds: string[]): Promise<string[]> {
  const rows = await db.selectFrom('sync_id_map').select('hubspot_id').where('entity', '=', entity).where('hubspot_id', 'in', hubspotIds).execute();
  const linked = new Set(rows.map((r) => r.hubspot_id));
  return [...new Set(hubspotIds)].filter((id) => !linked.has(id));
}

export interface IdMapWrite {
  entity: SyncEntity;
  sageId: string;
  hubspotId: string | null;
  contactId: string | null;
  sageHash: string;
  hubspotHash: string;
  fields: Record<string, unknown>;
  version: number;
  sageUpdatedAt: Date | null;
  hubspotUpdatedAt: Date | null;
}

export async function saveIdMap(db: Queryable, rows: IdMapWrite[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => ({
      entity: r.entity,
      sage_id: r.sageId,
      hubspot_id: r.hubspotId,
      hubspot_contact_id: r.contactId,
      sage_hash: r.sageHash,
      hubspot_hash: r.hubspotHash,
      synced_fields: JSON.stringify(r.fields),
      mapping_version: r.version,
      sage_updated_at: r.sageUpdatedAt,
      hubspot_updated_at: r.hubspotUpdatedAt,
      synced_at: new Date(),
    }));
    await db
      .insertInto('sync_id_map')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['entity', 'sage_id']).doUpdateSet((eb) => ({
          hubspot_id: eb.ref('excluded.hubspot_id'),
          hubspot_contact_id: eb.ref('excluded.hubspot_contact_id'),
          sage_hash: eb.ref('excluded.sage_hash'),
          hubspot_hash: eb.ref('excluded.hubspot_hash'),
          synced_fields: eb.ref('excluded.synced_fields'),
          mapping_version: eb.ref('excluded.mapping_version'),
          sage_updated_at: eb.ref('excluded.sage_updated_at'),
          hubspot_updated_at: eb.ref('excluded.hubspot_updated_at'),
          synced_at: eb.ref('excluded.synced_at'),
          deleted_at: null,
          deletion: null,
        })),
      )
      .execute();
  }
}

/** Customers whose HubSpot contact carries one of these emails (as last synced). */
export async function customersByContactEmail(db: Queryable, emails: string[]) {
  return db
    .selectFrom('sync_id_map')
    .select(['sage_id', 'synced_fields'])
    .where('entity', '=', 'customer')
    .where('hubspot_contact_id', 'is not', null)
    .where((eb) => eb(eb.ref('synced_fields', '->>').key('email' as never), 'in', emails))
    .execute();
}

/** Live customers linked to these HubSpot companies. */
export async function liveCustomersOfCompanies(db: Queryable, companyIds: string[]) {
  return db
    .selectFrom('sync_id_map')
    .select(['sage_id', 'hubspot_id'])
    .where('entity', '=', 'customer')
    .where('hubspot_id', 'in', companyIds)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Marks these id map rows (by row id) deleted, with what was done about it. */
export async function markIdMapRowsDeleted(db: Queryable, ids: number[], deletion: 'archived' | 'ignored' | 'held'): Promise<void> {
  await db.updateTable('sync_id_map').set({ deleted_at: new Date(), deletion }).where('id', 'in', ids).execute();
}

/** A HubSpot deletion mirrored to the source: the record's row is marked deleted. */
export async function markMirroredDeletion(db: Queryable, entity: string, sageId: string): Promise<void> {
  await db
    .updateTable('sync_id_map')
    .set({ deleted_at: new Date(), deletion: 'mirrored' })
    .where('entity', '=', entity)
    .where('sage_id', '=', sageId)
    .execute();
}

/** Up to `limit` customers whose HubSpot contact is known (the records `npm run bench:sync` changes in HubSpot). */
export async function customersWithContact(db: Queryable, limit: number) {
  return db
    .selectFrom('sync_id_map')
    .select(['sage_id', 'hubspot_contact_id'])
    .where('entity', '=', 'customer')
    .where('hubspot_contact_id', 'is not', null)
    .limit(limit)
    .execute();
}
