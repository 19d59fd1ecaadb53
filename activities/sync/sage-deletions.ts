/**
 * Records deleted in Sage (`SYNC_DELETION_RULES`, default archive): their HubSpot object archived,
 * left alone (ignore), or held for a person (a `__deleted__` conflict whose choice `archive` or
 * `keep` is applied by the next batch). The id map row is marked with what was done.
 */
import { emptyReport, type PageReport, type SyncEntity } from '../../core/contracts/sync.js';
import { logConflicts, markApplied, openConflicts } from '../../db/queries/sync-conflicts.js';
import { idMapRows, markIdMapRowsDeleted } from '../../db/queries/sync-idmap.js';
import type { SyncIdMapRow } from '../../db/schema/sync.js';
import type { BatchContext, DeletionRule, DeletionRules, EngineDeps } from './engine-deps.js';
import { MAPPINGS } from './mapping/entities.js';

const MAX_SAMPLES = 20;

/** Parses `customer=archive,invoice=hold,contact_person=ignore`. */
export function parseDeletionRules(items: readonly string[]): DeletionRules {
  const out: DeletionRules = {};
  for (const item of items) {
    const person = /^contact_person=(archive|ignore)$/.exec(item.trim());
    if (person) {
      out.contact_person = person[1] as 'archive' | 'ignore';
      continue;
    }
    const m = /^(customer|quote|invoice|intervention)=(archive|ignore|hold)$/.exec(item.trim());
    if (!m) throw new Error(`bad deletion rule "${item}": expected entity=archive|ignore|hold (contact_person=archive|ignore)`);
    out[m[1] as SyncEntity] = m[2] as DeletionRule;
  }
  return out;
}

/** Records deleted in Sage: archived in HubSpot, ignored, or held for a person, by rule. */
export async function applyDeletions(deps: EngineDeps, entity: SyncEntity, sageIds: string[], ctx: BatchContext): Promise<PageReport> {
  const { db } = deps;
  const m = (deps.mappings ?? MAPPINGS)[entity];
  const report = emptyReport();
  const rows = [...(await idMapRows(db, entity, sageIds)).values()];
  const { resolved } = await openConflicts(db, entity, sageIds);
  const todo = rows.filter((r) => !r.deleted_at || (r.deletion === 'held' && resolved.get(r.sage_id)?.values.__deleted__ !== undefined));
  if (!todo.length) return report;
  const rule = deps.deletionRules?.[entity] ?? 'archive';
  const decide = (r: SyncIdMapRow): DeletionRule => {
    const choice = resolved.get(r.sage_id)?.values.__deleted__;
    if (choice === 'archive') return 'archive';
    if (choice === 'keep') return 'ignore';
    return rule;
  };
  const byRule = { archive: [] as SyncIdMapRow[], ignore: [] as SyncIdMapRow[], hold: [] as SyncIdMapRow[] };
  for (const r of todo) byRule[decide(r)].push(r);
  report.to_hubspot.deleted += byRule.archive.length;
  report.to_hubspot.skipped += byRule.ignore.length;
  report.to_hubspot.conflicts += byRule.hold.filter((r) => r.deletion !== 'held').length;
  if (ctx.dryRun) {
    for (const r of todo.slice(0, MAX_SAMPLES)) report.samples.push({ sageId: r.sage_id, action: `delete:${decide(r)}` });
    return report;
  }
  const archiveIds = byRule.archive.map((r) => r.hubspot_id).filter((x): x is string => !!x);
  if (archiveIds.length) await deps.hubspot.archive(m.primary, archiveIds);
  await db.transaction().execute(async (tx) => {
    const mark = async (list: SyncIdMapRow[], deletion: 'archived' | 'ignored' | 'held') => {
      if (list.length)
        await markIdMapRowsDeleted(
          tx,
          list.map((r) => r.id),
          deletion,
        );
    };
    await mark(byRule.archive, 'archived');
    await mark(byRule.ignore, 'ignored');
    await mark(byRule.hold, 'held');
    for (const r of byRule.hold) {
      if (r.deletion === 'held') continue;
      await logConflicts(tx, ctx.runId, entity, r.sage_id, [
        { field: '__deleted__', base: 'present', sage: 'deleted', hubspot: 'present', rule: 'hold', winner: null, value: null },
      ]);
    }
    for (const r of [...byRule.archive, ...byRule.ignore]) await markApplied(tx, resolved.get(r.sage_id)?.ids ?? []);
  });
  return report;
}
