/**
 * The planner: what one batch of records should become on each side, decided from what both
 * sides and the id map hold, with no I/O. The applier (apply.ts) carries a plan out; a dry run
 * reports it (`dryRunReport`) and stops there.
 */
import { emptyReport, type Canon, type ConflictEntry, type PageReport } from '../../core/contracts/sync.js';
import type { SyncIdMapRow } from '../../db/schema/sync.js';
import { mergeRecord, type MergePlan } from './conflicts.js';
import { sideHash } from './hashing.js';
import type { HubSpotRecord } from './hubspot-port.js';
import type { MatchResult } from './match.js';
import { fromHubSpot, fromSage, getPath, objectOf, type CanonRecord, type HubSpotView } from './mapping/project.js';
import type { EntityMapping } from './mapping/types.js';
import type { RuleOverrides } from './ownership.js';
import type { SourceRecord } from './source.js';

/**
 * create: no HubSpot object yet; adopt: an existing HubSpot object without `sage_id` becomes this
 * record's (matched, or chosen by a person); update: linked, something differs; held: waiting for
 * a person (an ambiguous match); skip: both sides already agree.
 */
export type Action = 'create' | 'adopt' | 'update' | 'held' | 'skip';

export interface PlannedItem {
  id: string;
  rec: SourceRecord;
  row: SyncIdMapRow | undefined;
  /** The HubSpot object this record is (or becomes, when adopted). */
  hubRec: HubSpotRecord | undefined;
  contactRec: HubSpotRecord | undefined;
  /** The customer's contact fields are not synced through this record (shared with another customer). */
  foreignContact: boolean;
  sharedWith?: string;
  sage: CanonRecord;
  hub: CanonRecord | null;
  plan: MergePlan;
  action: Action;
  /** For a held match: the conflict to log, with the candidates. */
  matchConflict?: ConflictEntry;
  resolvedIds: number[];
  /** For deals, invoices, tickets: the parent customer's Sage id now, and at the last sync (undefined: not recorded). */
  parent: string | null;
  prevParent: string | null | undefined;
}

/** Key of the parent customer's Sage id in the id map's agreed values. */
export const PARENT_FIELD = '__parent';

/** The parent customer's Sage id a record names (`contact.id` of a quote, `customer_sage_id` of an intervention). */
export function parentOf(m: EntityMapping, rec: SourceRecord): string | null {
  if (!m.parentPath) return null;
  const v = getPath(rec.data, m.parentPath);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}

const prevParentOf = (row: SyncIdMapRow | undefined): string | null | undefined => {
  const v = (row?.synced_fields as Record<string, unknown> | null | undefined)?.[PARENT_FIELD];
  return v === undefined ? undefined : (v as string | null);
};

export interface OpenConflicts {
  held: ReadonlyMap<string, ReadonlySet<string>>;
  resolved: ReadonlyMap<string, { values: Record<string, string | number | null>; ids: number[] }>;
}

export interface PlanInput {
  mapping: EntityMapping;
  ids: readonly string[];
  recs: ReadonlyMap<string, SourceRecord>;
  rows: ReadonlyMap<string, SyncIdMapRow>;
  /** HubSpot objects by HubSpot id: linked ones, match candidates and people's choices. */
  prim: ReadonlyMap<string, HubSpotRecord>;
  contacts: ReadonlyMap<string, HubSpotRecord>;
  conflicts: OpenConflicts;
  /** Sage id -> the Sage id whose contact it shares. */
  shared: ReadonlyMap<string, string>;
  /** Records with no HubSpot object yet: what matching found. */
  matches: ReadonlyMap<string, MatchResult>;
  overrides?: RuleOverrides;
}

/** The field name of a held or resolved match in `sync_conflicts`. */
export const MATCH_FIELD = '__match__';

/** Records whose Sage side is unchanged since the last sync (their HubSpot side arrives by webhook or pull). */
export function unchangedOnSage(
  m: EntityMapping,
  recs: ReadonlyMap<string, SourceRecord>,
  rows: ReadonlyMap<string, SyncIdMapRow>,
  conflicts: OpenConflicts,
): Set<string> {
  const out = new Set<string>();
  for (const [id, rec] of recs) {
    const row = rows.get(id);
    if (!row || row.deleted_at || !row.hubspot_id || conflicts.resolved.has(id) || row.mapping_version !== m.version) continue;
    if (m.parentPath && prevParentOf(row) !== parentOf(m, rec)) continue; // moved to another customer
    if (row.sage_hash === sideHash(m.version, fromSage(m, rec.data))) out.add(id);
  }
  return out;
}

/** Which HubSpot object a record without one adopts, if any: a person's choice first, then matching. */
function adoption(id: string, input: PlanInput): { adoptId?: string; held?: ConflictEntry; create?: true } {
  const chosen = input.conflicts.resolved.get(id)?.values[MATCH_FIELD];
  if (chosen === 'new') return { create: true };
  if (typeof chosen === 'string' && input.prim.has(chosen) && !input.prim.get(chosen)!.properties.sage_id) return { adoptId: chosen };
  if (input.conflicts.held.get(id)?.has(MATCH_FIELD)) return { held: undefined };
  const m = input.matches.get(id);
  if (!m) return { create: true };
  if (m.kind === 'unique') return { adoptId: m.id };
  const candidates = m.ids.map((cid) => ({ id: cid, name: input.prim.get(cid)?.properties.name ?? null }));
  return {
    held: { field: MATCH_FIELD, base: null, sage: id, hubspot: { rule: m.rule, candidates } as unknown as Canon, rule: 'hold', winner: null, value: null },
  };
}

export function planBatch(input: PlanInput): PlannedItem[] {
  const m = input.mapping;
  const items: PlannedItem[] = [];
  for (const id of input.ids) {
    const rec = input.recs.get(id)!;
    const row = input.rows.get(id);
    let hubRec = row?.hubspot_id ? input.prim.get(row.hubspot_id) : undefined;
    const contactRec = row?.hubspot_contact_id ? input.contacts.get(row.hubspot_contact_id) : undefined;
    const sage = fromSage(m, rec.data);
    const res = input.conflicts.resolved.get(id);
    let action: Action | null = null;
    let matchConflict: ConflictEntry | undefined;
    if (!hubRec) {
      const a = adoption(id, input);
      if (a.adoptId) {
        hubRec = input.prim.get(a.adoptId);
        action = 'adopt';
      } else if (!a.create) {
        action = 'held';
        matchConflict = a.held;
      } else action = 'create';
    }
    const sharedWith = input.shared.get(id);
    const foreignContact = !!m.secondary && (!!sharedWith || (!!contactRec && contactRec.properties.sage_id !== id));
    let hub: CanonRecord | null = null;
    if (hubRec) {
      const view: HubSpotView = { [m.primary]: hubRec.properties };
      if (m.secondary && contactRec) view[m.secondary] = contactRec.properties;
      hub = fromHubSpot(m, view);
      if (foreignContact) for (const f of m.fields) if (objectOf(m, f) === m.secondary) hub[f.field] = sage[f.field] ?? null;
    }
    const linked = action === null;
    const parent = parentOf(m, rec);
    const prevParent = prevParentOf(row);
    const upToDate =
      linked &&
      !!row &&
      !!hub &&
      !res &&
      row.mapping_version === m.version &&
      row.sage_hash === sideHash(m.version, sage) &&
      row.hubspot_hash === sideHash(m.version, hub) &&
      (!m.parentPath || prevParent === parent);
    const plan = mergeRecord({
      mapping: m,
      base: linked && row && hub ? (row.synced_fields ?? null) : null,
      sage,
      hubspot: hub,
      sageUpdatedAt: rec.updatedAt,
      hubspotUpdatedAt: hubRec?.updatedAt ?? null,
      overrides: input.overrides,
      held: input.conflicts.held.get(id),
      resolved: res?.values,
    });
    if (foreignContact) for (const f of m.fields) if (objectOf(m, f) === m.secondary) delete plan.toHubSpot[f.field];
    action ??= upToDate ? 'skip' : 'update';
    items.push({
      id,
      rec,
      row,
      hubRec,
      contactRec,
      foreignContact,
      sharedWith,
      sage,
      hub,
      plan,
      action,
      matchConflict,
      resolvedIds: res?.ids ?? [],
      parent,
      prevParent,
    });
  }
  return items;
}

const MAX_SAMPLES = 20;

/** What a plan would do, counted as a run reports it (the dry run's answer). */
export function dryRunReport(items: readonly PlannedItem[]): PageReport {
  const report = emptyReport();
  for (const i of items) {
    if (i.action === 'skip') {
      report.to_hubspot.skipped++;
      report.to_sage.skipped++;
      continue;
    }
    if (i.action === 'held') {
      if (i.matchConflict) report.to_hubspot.conflicts++;
      else report.to_hubspot.skipped++;
      report.to_sage.skipped++;
      if (report.samples.length < MAX_SAMPLES) report.samples.push({ sageId: i.id, action: 'hold-match', conflicts: i.matchConflict ? [i.matchConflict] : [] });
      continue;
    }
    const writesHub = i.action !== 'update' || Object.keys(i.plan.toHubSpot).length > 0;
    const writesSage = Object.keys(i.plan.toSage).length > 0;
    if (i.action === 'create') report.to_hubspot.created++;
    else if (writesHub) report.to_hubspot.updated++;
    else report.to_hubspot.skipped++;
    if (writesSage) report.to_sage.updated++;
    else report.to_sage.skipped++;
    report.to_hubspot.conflicts += i.plan.conflicts.length;
    if ((writesHub || writesSage || i.plan.conflicts.length) && report.samples.length < MAX_SAMPLES) {
      report.samples.push({
        sageId: i.id,
        action: i.action,
        ...(i.action === 'adopt' ? { hubspotId: i.hubRec?.id } : {}),
        toHubSpot: i.plan.toHubSpot,
        toSage: i.plan.toSage,
        conflicts: i.plan.conflicts,
      });
    }
  }
  return report;
}
