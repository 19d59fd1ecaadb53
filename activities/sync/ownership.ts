/**
 * Per-field ownership and flow: who owns a field (Sage: billing and financial; HubSpot: sales),
 * which way it may flow, and the conflict rule, with per-field overrides from configuration
 * (`SYNC_CONFLICT_RULES=customer.email=hold,customer.phone=owner`).
 */
import type { ConflictRule, Side, SyncEntity } from '../../core/contracts/sync.js';
import type { EntityMapping, FieldMapping } from './mapping/types.js';

export type RuleOverrides = Record<string, ConflictRule>;

export function parseRuleOverrides(items: readonly string[]): RuleOverrides {
  const out: RuleOverrides = {};
  for (const item of items) {
    const m = /^(customer|quote|invoice|intervention)\.([A-Za-z]+)=(owner|newest|hold)$/.exec(item.trim());
    if (!m) throw new Error(`bad conflict rule "${item}": expected entity.field=owner|newest|hold`);
    out[`${m[1]}.${m[2]}`] = m[3] as ConflictRule;
  }
  return out;
}

export function ruleFor(entity: SyncEntity, f: FieldMapping, overrides: RuleOverrides = {}): ConflictRule {
  return overrides[`${entity}.${f.field}`] ?? f.conflict;
}

/** Whether a value may be written to `side` for this field. */
export function mayFlowTo(f: FieldMapping, side: Side): boolean {
  if (f.direction === 'both') return true;
  return side === 'hubspot' ? f.direction === 'to_hubspot' : f.direction === 'to_sage';
}

export function ownerOf(f: FieldMapping): Side {
  return f.owner;
}

/** Fields a side owns, for documentation and the API. */
export function ownedFields(m: EntityMapping, side: Side): string[] {
  return m.fields.filter((f) => f.owner === side).map((f) => f.field);
}
