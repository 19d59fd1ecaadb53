/**
 * Records whose HubSpot object was deleted (archived) in HubSpot while we still link to it. By
 * rule per entity (`SYNC_HUBSPOT_DELETION_RULES`, default `hold`): held for a person (a
 * `__hubspot_deleted__` conflict; choice `sage` re-creates the object, `hubspot` mirrors the
 * deletion), mirrored (the Sage quote deleted, our intervention cancelled; the id map says
 * `mirrored` and the record stays out of HubSpot), or re-created. Never re-created silently.
 */
import type { PageReport, SyncEntity } from '../../core/contracts/sync.js';
import type { SyncIdMapRow } from '../../db/schema/sync.js';
import { markMirroredDeletion } from '../../db/queries/sync-idmap.js';
import type { BatchContext, EngineDeps, HubSpotDeletionRule } from './engine-deps.js';
import type { HubSpotRecord } from './hubspot-port.js';
import type { OpenConflicts } from './plan.js';
import { logConflicts, markApplied } from '../../db/queries/sync-conflicts.js';

export const HUBSPOT_DELETED_FIELD = '__hubspot_deleted__';
/** Entities whose deletion may be mirrored on our side (deleting a Sage customer or invoice is left to people). */
const MIRRORABLE: readonly SyncEntity[] = ['quote', 'intervention'];

/** Parses `quote=mirror,intervention=hold`. */
export function parseHubSpotDeletionRules(items: readonly string[]): Partial<Record<SyncEntity, HubSpotDeletionRule>> {
  const out: Partial<Record<SyncEntity, HubSpotDeletionRule>> = {};
  for (const item of items) {
    const m = /^(customer|quote|invoice|intervention)=(hold|mirror|recreate)$/.exec(item.trim());
    if (!m || (m[2] === 'mirror' && !MIRRORABLE.includes(m[1] as SyncEntity))) {
      throw new Error(`bad HubSpot deletion rule "${item}": expected entity=hold|recreate (mirror: quote or intervention only)`);
    }
    out[m[1] as SyncEntity] = m[2] as HubSpotDeletionRule;
  }
  return out;
}

export type GoneDecision = HubSpotDeletionRule | 'skip';

/** Pure: what to do with each record whose linked HubSpot object is gone (or was mirrored before). */
export function decideGone(
  entity: SyncEntity,
  ids: readonly string[],
  rows: ReadonlyMap<string, SyncIdMapRow>,
  prim: ReadonlyMap<string, HubSpotRecord>,
  conflicts: OpenConflicts,
  rules: Partial<Record<SyncEntity, HubSpotDeletionRule>>,
): Map<string, GoneDecision> {
  const out = new Map<string, GoneDecision>();
  for (const id of ids) {
    const row = rows.get(id);
    if (row?.deletion === 'mirrored') {
      out.set(id, 'skip');
      continue;
    }
    if (!row?.hubspot_id || row.deleted_at || prim.has(row.hubspot_id)) continue;
    const chosen = conflicts.resolved.get(id)?.values[HUBSPOT_DELETED_FIELD];
    if (chosen !== undefined) out.set(id, chosen === 'mirror' && MIRRORABLE.includes(entity) ? 'mirror' : 'recreate');
    else if (conflicts.held.get(id)?.has(HUBSPOT_DELETED_FIELD)) out.set(id, 'skip');
    else out.set(id, rules[entity] ?? 'hold');
  }
  return out;
}

/** Carries the decisions out; returns the ids the batch must not sync further (all but `recreate`). */
export async function applyGone(
  deps: EngineDeps,
  entity: SyncEntity,
  decisions: ReadonlyMap<string, GoneDecision>,
  conflicts: OpenConflicts,
  ctx: BatchContext,
  report: PageReport,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [id, d] of decisions) {
    if (d === 'recreate') continue;
    out.add(id);
    if (d === 'skip') {
      report.to_hubspot.skipped++;
      continue;
    }
    if (d === 'hold') {
      report.to_hubspot.conflicts++;
      if (report.samples.length < 20) report.samples.push({ sageId: id, action: 'hold-hubspot-deletion' });
      if (!ctx.dryRun) {
        await logConflicts(deps.db, ctx.runId, entity, id, [
          { field: HUBSPOT_DELETED_FIELD, base: 'present', sage: 'recreate', hubspot: 'mirror', rule: 'hold', winner: null, value: null },
        ]);
      }
      continue;
    }
    report.to_sage.deleted++;
    if (ctx.dryRun) continue;
    await deps.sources[entity].remove?.(id);
    await deps.db.transaction().execute(async (tx) => {
      await markMirroredDeletion(tx, entity, id);
      await markApplied(tx, conflicts.resolved.get(id)?.ids ?? []);
    });
  }
  return out;
}
