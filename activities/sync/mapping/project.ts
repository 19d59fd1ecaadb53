/** Applies an entity mapping: raw records of either side <-> canonical field values. */
import type { Canon, HubSpotObject } from '../../../core/contracts/sync.js';
import { TRANSFORMS } from './transforms.js';
import type { EntityMapping, FieldMapping } from './types.js';
import { textOf } from '../../../core/text-of.js';

export type CanonRecord = Record<string, Canon>;
/** HubSpot properties per object of one synced record (companies + contacts for a customer). */
export type HubSpotView = Partial<Record<HubSpotObject, Record<string, string | null>>>;

export function getPath(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const key of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = target;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (next === null || next === undefined || typeof next !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

export const objectOf = (m: EntityMapping, f: FieldMapping): HubSpotObject => f.object ?? m.primary;

export function fromSage(m: EntityMapping, record: unknown): CanonRecord {
  const out: CanonRecord = {};
  for (const f of m.fields) out[f.field] = TRANSFORMS[f.transform].canon(getPath(record, f.sage), 'sage');
  return out;
}

export function fromHubSpot(m: EntityMapping, view: HubSpotView): CanonRecord {
  const out: CanonRecord = {};
  for (const f of m.fields) out[f.field] = TRANSFORMS[f.transform].canon(view[objectOf(m, f)]?.[f.hubspot] ?? null, 'hubspot');
  return out;
}

/** HubSpot properties to write for these canonical values, grouped by object. */
export function toHubSpot(m: EntityMapping, values: CanonRecord): HubSpotView {
  const out: HubSpotView = {};
  for (const f of m.fields) {
    if (!(f.field in values)) continue;
    const raw = TRANSFORMS[f.transform].out(values[f.field] ?? null, 'hubspot');
    const obj = (out[objectOf(m, f)] ??= {});
    obj[f.hubspot] = raw === null || raw === undefined ? '' : textOf(raw);
  }
  return out;
}

/** A (nested) Sage patch for these canonical values. */
export function toSage(m: EntityMapping, values: CanonRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of m.fields) {
    if (!(f.field in values)) continue;
    setPath(out, f.sage, TRANSFORMS[f.transform].out(values[f.field] ?? null, 'sage'));
  }
  return out;
}

/** The HubSpot property names to read for an object of this entity. */
export function hubspotProperties(m: EntityMapping, object: HubSpotObject): string[] {
  return ['sage_id', ...m.fields.filter((f) => objectOf(m, f) === object).map((f) => f.hubspot)];
}
