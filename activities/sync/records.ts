/**
 * A sync of named records (the webhook batcher's batches, a resolved conflict): HubSpot objects
 * are traced to their Sage records through the id map; companies and deals HubSpot has that Sage
 * does not are created in Sage when the agency's rules say so; then each entity's records are
 * synced as one batch.
 */
import { SYNC_ENTITIES, type SyncEntity } from '../../core/contracts/sync.js';
import type { Db } from '../../db/client.js';
import type { EngineDeps } from './engine-deps.js';
import { syncBatch } from './engine.js';
import { createQuotesFromHubSpot, type QuoteCreateDeps } from './quote-create.js';
import { createFromHubSpot, type CreateDeps } from './sage-create.js';
import { sageIdsForHubSpot, unlinkedHubSpotIds } from '../../db/queries/sync-idmap.js';
import { savePage } from '../../db/queries/sync-reports.js';

export interface RecordRef {
  /** A HubSpot object (from a webhook) ... */
  object?: string;
  id?: string;
  /** ... or a record by its Sage id. */
  entity?: SyncEntity;
  sageId?: string;
}

export interface NamedRecordsDeps {
  db: Db;
  engine: () => Promise<EngineDeps>;
  creator: () => Promise<CreateDeps>;
  quoteCreator: () => Promise<QuoteCreateDeps>;
}

export async function syncNamedRecords(
  d: NamedRecordsDeps,
  input: { runId: string; pageKey: string; refs: RecordRef[]; dryRun?: boolean },
): Promise<{ records: number }> {
  const { db } = d;
  const dryRun = input.dryRun ?? false;
  const deps = await d.engine();
  const byEntity = new Map<SyncEntity, Set<string>>();
  const add = (e: SyncEntity, id: string) => {
    let s = byEntity.get(e);
    if (!s) byEntity.set(e, (s = new Set()));
    s.add(id);
  };
  const byObject = new Map<string, string[]>();
  for (const r of input.refs) {
    if (r.entity && r.sageId) add(r.entity, r.sageId);
    else if (r.object && r.id) byObject.set(r.object, [...(byObject.get(r.object) ?? []), r.id]);
  }
  for (const [object, ids] of byObject) for (const r of await sageIdsForHubSpot(db, object, ids)) add(r.entity, r.sageId);
  let records = 0;
  // Companies with no Sage customer yet: created in Sage if the agency's rule says so.
  const companies = byObject.get('companies') ?? [];
  const unlinked = companies.length ? await unlinkedHubSpotIds(db, 'customer', companies) : [];
  if (unlinked.length) {
    const pageKey = `${input.pageKey}:create`;
    const report = await createFromHubSpot(await d.creator(), unlinked, { runId: input.runId, pageKey, dryRun });
    await savePage(db, input.runId, pageKey, 'customer', report);
    records += unlinked.length;
  }
  // Deals with no Sage quote yet: created in Sage if the agency's quote rule says so.
  const deals = byObject.get('deals') ?? [];
  const newDeals = deals.length ? await unlinkedHubSpotIds(db, 'quote', deals) : [];
  if (newDeals.length) {
    const pageKey = `${input.pageKey}:create-quotes`;
    const report = await createQuotesFromHubSpot(await d.quoteCreator(), newDeals, { runId: input.runId, pageKey, dryRun });
    await savePage(db, input.runId, pageKey, 'quote', report);
    records += newDeals.length;
  }
  for (const entity of SYNC_ENTITIES) {
    const ids = [...(byEntity.get(entity) ?? [])];
    if (!ids.length) continue;
    records += ids.length;
    const pageKey = `${input.pageKey}:${entity}`;
    const report = await syncBatch(deps, entity, { sageIds: ids }, { runId: input.runId, pageKey, dryRun });
    await savePage(db, input.runId, pageKey, entity, report);
  }
  return { records };
}
