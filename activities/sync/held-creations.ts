/**
 * Creations in Sage held for a person (a HubSpot company or deal missing what Sage requires): a
 * `__create__` conflict logged once under a pending key (the record has no Sage id yet), read
 * back so it is not logged again and is marked applied once the creation goes through.
 */
import type { PageReport, SyncEntity } from '../../core/contracts/sync.js';
import type { Db } from '../../db/client.js';
import { heldConflictsOf, logConflicts } from '../../db/queries/sync-conflicts.js';
import type { BatchContext } from './engine-deps.js';
import { CREATE_FIELD } from './sage-create-plan.js';

const MAX_SAMPLES = 20;

/** The held creations among these pending keys: key -> conflict id. */
export async function heldCreations(db: Db, entity: SyncEntity, keys: string[]): Promise<Map<string, number>> {
  const held = await heldConflictsOf(db, entity, CREATE_FIELD, keys);
  return new Map(held.map((h) => [h.sage_id, h.id]));
}

/** Holds one creation for a person (counted, sampled, logged unless a dry run); once only per key. */
export async function holdCreation(
  db: Db,
  ctx: BatchContext,
  report: PageReport,
  held: ReadonlyMap<string, number>,
  c: { entity: SyncEntity; key: string; hubspotId: string; action: string; value: Record<string, unknown>; missing: string[] },
): Promise<void> {
  if (held.has(c.key)) return; // already waiting for a person: logged once
  report.to_sage.conflicts++;
  if (report.samples.length < MAX_SAMPLES) report.samples.push({ hubspotId: c.hubspotId, action: c.action, missing: c.missing });
  if (ctx.dryRun) return;
  await logConflicts(db, ctx.runId, c.entity, c.key, [
    { field: CREATE_FIELD, base: null, sage: null, hubspot: { ...c.value, missing: c.missing } as never, rule: 'hold', winner: null, value: null },
  ]);
}
