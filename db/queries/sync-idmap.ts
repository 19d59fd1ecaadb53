/**
 * The sync's id map (`sync_id_map`: a Sage record, its HubSpot object, the fields last synced) as
 * the engine, the deletions and the quote creation read and mark it.
 */
import type { Queryable } from './types.js';

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
