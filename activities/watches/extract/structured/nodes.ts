/**
 * schema.org values as they arrive from JSON-LD or microdata: a node's types, and a property read
 * as one text or one number whatever its shape (string, number, `{ value }` node, array).
 */
import { normalizeSpaces } from '../french/fold.js';

export type Node = Record<string, unknown>;

/** schema.org types of a dwelling: a listing node of its own, and the accommodation a listing offers. */
export const DWELLING_TYPES = ['residence', 'apartment', 'house', 'singlefamilyresidence', 'accommodation', 'apartmentcomplex'];

export function typesOf(node: Node): string[] {
  const t = node['@type'];
  const list = Array.isArray(t) ? t : t === undefined ? [] : [t];
  return list.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^https?:\/\/schema\.org\//i, '').toLowerCase());
}

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const s = normalizeSpaces(v);
    return s || undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (isNode(v)) return str(v['name'] ?? v['@value'] ?? v['value']);
  if (Array.isArray(v)) return str(v[0]);
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const m = /-?\d+(?:[.,]\d+)?/.exec(v.replace(/[\s\u00a0\u202f]/g, ''));
    return m ? Number(m[0].replace(',', '.')) : undefined;
  }
  if (isNode(v)) return num(v['value'] ?? v['@value'] ?? v['minValue']);
  if (Array.isArray(v)) return num(v[0]);
  return undefined;
}
