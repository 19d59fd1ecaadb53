/** Groups of Sage records sharing an email, a VAT number or a name (`sync_duplicates`), kept for a person to merge in Sage. */
import type { DuplicateGroup, SyncEntity } from '../../core/contracts/sync.js';
import type { Queryable } from './types.js';

export async function recordDuplicates(db: Queryable, entity: SyncEntity, groups: DuplicateGroup[]): Promise<void> {
  for (const g of groups) {
    await db
      .insertInto('sync_duplicates')
      .values({ entity, rule: g.rule, key: g.key, sage_ids: JSON.stringify(g.sageIds), owner_sage_id: g.owner, last_seen: new Date() })
      .onConflict((oc) =>
        oc.columns(['entity', 'rule', 'key']).doUpdateSet((eb) => ({ sage_ids: eb.ref('excluded.sage_ids'), last_seen: eb.ref('excluded.last_seen') })),
      )
      .execute();
  }
}
