/** The mappings in force (the newest version set through the API, else the built-in one), and saving a new version. */
import { SYNC_ENTITIES, type SyncEntity } from '../../../core/contracts/sync.js';
import type { Db, DbOrTx } from '../../../db/client.js';
import { insertMappingVersion, latestMappings, lockMapping } from '../../../db/queries/sync-mappings.js';
import { MAPPINGS } from './entities.js';
import type { EntityMapping, FieldMapping } from './types.js';

export type MappingSet = Record<SyncEntity, EntityMapping & { source: 'built-in' | 'api' }>;

export async function currentMappings(db: DbOrTx): Promise<MappingSet> {
  const rows = await latestMappings(db);
  const out = {} as MappingSet;
  for (const e of SYNC_ENTITIES) {
    const r = rows.find((x) => x.entity === e);
    out[e] = r ? { ...MAPPINGS[e], version: r.version, fields: r.fields as FieldMapping[], source: 'api' } : { ...MAPPINGS[e], source: 'built-in' };
  }
  return out;
}

/**
 * Stores the next version of an entity's fields when the version in force is still `expected`;
 * returns the new version, or null when someone else saved one meanwhile.
 */
export async function saveMapping(db: Db, entity: SyncEntity, fields: FieldMapping[], expected: number, by: string | null): Promise<number | null> {
  return db.transaction().execute(async (tx) => {
    await lockMapping(tx, entity);
    const now = (await currentMappings(tx))[entity].version;
    if (now !== expected) return null;
    await insertMappingVersion(tx, { entity, version: now + 1, fields: JSON.stringify(fields), by });
    return now + 1;
  });
}
