/**
 * The sync's field mappings saved through the API (activities/sync/mapping/store.ts): the newest
 * version of each entity, the per-entity lock a save takes, and a new version.
 */
import type { Queryable } from './types.js';

/** The newest saved version of each entity's fields. */
export async function latestMappings(db: Queryable) {
  return db.selectFrom('sync_mappings').select(['entity', 'version', 'fields']).distinctOn('entity').orderBy('entity').orderBy('version', 'desc').execute();
}

/** Takes the transaction-scoped lock on saving `entity`'s mapping (call inside a transaction). */
export async function lockMapping(db: Queryable, entity: string): Promise<void> {
  await db.selectNoFrom((eb) => eb.fn('pg_advisory_xact_lock', [eb.fn('hashtext', [eb.val(`sync_mappings:${entity}`)])]).as('l')).execute();
}

export async function insertMappingVersion(db: Queryable, m: { entity: string; version: number; fields: string; by: string | null }): Promise<void> {
  await db.insertInto('sync_mappings').values({ entity: m.entity, version: m.version, fields: m.fields, created_by: m.by }).execute();
}
