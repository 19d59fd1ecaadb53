/**
 * Three-way merge of one record: the values agreed at the last sync (base), what Sage holds now
 * and what HubSpot holds now. A field changed on one side flows to the other (if its direction
 * allows; otherwise the owner's value is put back). A field changed on both sides to different
 * values is a conflict, settled by its rule: the owner wins, the newest change wins, or it is held
 * for a person (nothing written, logged until resolved).
 */
import type { Canon, ConflictEntry, Side } from '../../core/contracts/sync.js';
import type { CanonRecord } from './mapping/project.js';
import type { EntityMapping } from './mapping/types.js';
import { mayFlowTo, ruleFor, type RuleOverrides } from './ownership.js';

export interface MergeInput {
  mapping: EntityMapping;
  /** Values agreed at the last sync; null when the record was never synced. */
  base: CanonRecord | null;
  sage: CanonRecord;
  /** Null when HubSpot has no record yet. */
  hubspot: CanonRecord | null;
  sageUpdatedAt?: Date | null;
  hubspotUpdatedAt?: Date | null;
  overrides?: RuleOverrides;
  /** Fields with a conflict already held for a person: left alone, not logged again. */
  held?: ReadonlySet<string>;
  /** Values a person chose when resolving a conflict: written to both sides. */
  resolved?: Readonly<Record<string, Canon>>;
}

export interface MergePlan {
  merged: CanonRecord;
  toHubSpot: CanonRecord;
  toSage: CanonRecord;
  conflicts: ConflictEntry[];
}

const same = (a: Canon | undefined, b: Canon | undefined) => (a ?? null) === (b ?? null);

export function mergeRecord(input: MergeInput): MergePlan {
  const { mapping, base, sage, hubspot } = input;
  const merged: CanonRecord = {};
  const toHubSpot: CanonRecord = {};
  const toSage: CanonRecord = {};
  const conflicts: ConflictEntry[] = [];

  for (const f of mapping.fields) {
    const s = sage[f.field] ?? null;
    const h = hubspot ? (hubspot[f.field] ?? null) : null;
    let value: Canon;
    let hold = false;

    if (input.resolved && f.field in input.resolved) {
      value = input.resolved[f.field] ?? null;
    } else if (!hubspot) {
      value = s;
    } else if (!base) {
      // First link to an existing HubSpot record: keep what is there, the owner's value if both are.
      value = s === null ? h : h === null ? s : f.owner === 'sage' ? s : h;
    } else {
      const b = base[f.field] ?? null;
      const sChanged = !same(s, b);
      const hChanged = !same(h, b);
      if (!sChanged && !hChanged) value = b;
      else if (sChanged && !hChanged) value = mayFlowTo(f, 'hubspot') ? s : h;
      else if (!sChanged && hChanged) value = mayFlowTo(f, 'sage') ? h : s;
      else if (same(s, h)) value = s;
      else if (input.held?.has(f.field)) {
        value = b;
        hold = true;
      } else {
        const rule = ruleFor(mapping.entity, f, input.overrides);
        let winner: Side | null;
        if (rule === 'hold') winner = null;
        else if (rule === 'owner') winner = f.owner;
        else {
          const st = input.sageUpdatedAt?.getTime() ?? 0;
          const ht = input.hubspotUpdatedAt?.getTime() ?? 0;
          winner = st === ht ? f.owner : st > ht ? 'sage' : 'hubspot';
        }
        // A value cannot flow against the field's direction: the side it cannot reach keeps its own.
        if (winner === 'hubspot' && !mayFlowTo(f, 'sage')) winner = 'sage';
        if (winner === 'sage' && !mayFlowTo(f, 'hubspot')) winner = 'hubspot';
        value = winner === null ? b : winner === 'sage' ? s : h;
        hold = winner === null;
        conflicts.push({ field: f.field, base: b, sage: s, hubspot: h, rule, winner, value });
      }
    }

    merged[f.field] = value;
    if (hold) continue;
    const forced = !!input.resolved && f.field in input.resolved;
    if ((!hubspot || !same(value, h)) && (mayFlowTo(f, 'hubspot') || forced)) toHubSpot[f.field] = value;
    if (!same(value, s) && (mayFlowTo(f, 'sage') || forced)) toSage[f.field] = value;
  }
  return { merged, toHubSpot, toSage, conflicts };
}

/** Applies a plan's writes to a side's current values: what that side holds once written. */
export function afterWrite(mapping: EntityMapping, current: CanonRecord | null, writes: CanonRecord): CanonRecord {
  const out: CanonRecord = {};
  for (const f of mapping.fields) out[f.field] = f.field in writes ? (writes[f.field] ?? null) : (current?.[f.field] ?? null);
  return out;
}
