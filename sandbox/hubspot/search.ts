/** The CRM search endpoint's filter and sort semantics, over the fake's objects. */
import { parseHsDate } from './property-values.js';
import { HsError } from './hs-error.js';
import type { HsObject, HubSpotStore } from './store.js';
import type { HsObjectType, PropertyDef } from './schema.js';

const OPERATORS = new Set([
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
]);

export interface SearchFilter {
  propertyName?: string;
  operator?: string;
  value?: unknown;
  values?: unknown[];
  highValue?: unknown;
}
export interface SearchRequest {
  filterGroups?: Array<{ filters?: SearchFilter[] }>;
  sorts?: Array<{ propertyName?: string; direction?: string } | string>;
  query?: string;
  properties?: string[];
  limit?: number;
  after?: string | number;
}

/** Maximums HubSpot enforces on one search request. */
export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_MAX_GROUPS = 5;
export const SEARCH_MAX_FILTERS_PER_GROUP = 6;
export const SEARCH_MAX_FILTERS = 18;
export const SEARCH_MAX_RESULTS = 10_000;

function bad(message: string): HsError {
  return new HsError(400, 'VALIDATION_ERROR', message);
}

function comparable(def: PropertyDef | undefined, v: string): number | string {
  if (def && (def.type === 'datetime' || def.type === 'date')) return parseHsDate(v) ?? v;
  if (def && def.type === 'number' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v.toLowerCase();
}

function cmp(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** IN / NOT_IN value sets, normalized once per request's filter. */
const inSets = new WeakMap<SearchFilter, Set<string>>();

function matches(o: HsObject, f: SearchFilter, def: PropertyDef | undefined): boolean {
  const name = f.propertyName!;
  const raw = name === 'hs_object_id' ? o.id : o.properties[name];
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return raw !== undefined && raw !== '';
    case 'NOT_HAS_PROPERTY':
      return raw === undefined || raw === '';
    default:
      break; // the value operators below
  }
  if (f.operator === 'IN' || f.operator === 'NOT_IN') {
    let set = inSets.get(f);
    if (!set) inSets.set(f, (set = new Set((f.values ?? []).map((x) => String(comparable(def, String(x)))))));
    const inSet = raw !== undefined && set.has(String(comparable(def, raw)));
    return f.operator === 'IN' ? inSet : !inSet;
  }
  if (f.operator === 'NEQ') return raw === undefined || cmp(comparable(def, raw), comparable(def, String(f.value))) !== 0;
  if (raw === undefined) return false;
  const v = comparable(def, raw);
  const target = comparable(def, String(f.value));
  switch (f.operator) {
    case 'EQ':
      return cmp(v, target) === 0;
    case 'LT':
      return cmp(v, target) < 0;
    case 'LTE':
      return cmp(v, target) <= 0;
    case 'GT':
      return cmp(v, target) > 0;
    case 'GTE':
      return cmp(v, target) >= 0;
    case 'BETWEEN':
      return cmp(v, target) >= 0 && cmp(v, comparable(def, String(f.highValue))) <= 0;
    case 'CONTAINS_TOKEN':
      return String(raw).toLowerCase().includes(String(f.value).replace(/\*/g, '').toLowerCase());
    case 'NOT_CONTAINS_TOKEN':
      return !String(raw).toLowerCase().includes(String(f.value).replace(/\*/g, '').toLowerCase());
    default:
      return false; // handled above (HAS_PROPERTY, IN, NEQ...)
  }
}

const QUERY_PROPS = ['email', 'firstname', 'lastname', 'phone', 'name', 'domain', 'dealname', 'subject', 'hs_number', 'hs_title'];

export function search(store: HubSpotStore, type: HsObjectType, req: SearchRequest): { total: number; page: HsObject[]; after?: string } {
  if (req === null || typeof req !== 'object') throw bad('Invalid input JSON on line 1');
  const limit = req.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 0 || limit > SEARCH_MAX_LIMIT) {
    throw bad(`Invalid search request: limit must be between 0 and ${SEARCH_MAX_LIMIT}, was ${String(req.limit)}`);
  }
  const after = req.after === undefined || req.after === '' ? 0 : Number(req.after);
  if (!Number.isInteger(after) || after < 0) throw bad(`Invalid search request: after must be a non-negative integer string`);
  if (after + limit > SEARCH_MAX_RESULTS) throw bad(`Invalid search request: paging past ${SEARCH_MAX_RESULTS} results is not supported`);
  const groups = req.filterGroups ?? [];
  if (groups.length > SEARCH_MAX_GROUPS) throw bad(`Invalid search request: at most ${SEARCH_MAX_GROUPS} filterGroups are allowed`);
  let count = 0;
  for (const g of groups) {
    const fs = g.filters ?? [];
    count += fs.length;
    if (fs.length > SEARCH_MAX_FILTERS_PER_GROUP) throw bad(`Invalid search request: at most ${SEARCH_MAX_FILTERS_PER_GROUP} filters per group are allowed`);
    for (const f of fs) {
      if (!f.propertyName || !f.operator || !OPERATORS.has(f.operator)) {
        throw bad(`Invalid search request: filter ${JSON.stringify(f)} needs a propertyName and a known operator`);
      }
      if ((f.operator === 'IN' || f.operator === 'NOT_IN') && !Array.isArray(f.values))
        throw bad(`Invalid search request: operator ${f.operator} requires values`);
      if (!['IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY'].includes(f.operator) && f.value === undefined) {
        throw bad(`Invalid search request: operator ${f.operator} requires a value`);
      }
    }
  }
  if (count > SEARCH_MAX_FILTERS) throw bad(`Invalid search request: at most ${SEARCH_MAX_FILTERS} filters are allowed`);

  let rows = store.live(type);
  if (groups.length > 0) {
    rows = rows.filter((o) => groups.some((g) => (g.filters ?? []).every((f) => matches(o, f, store.property(type, f.propertyName!)))));
  }
  if (req.query) {
    const q = req.query.toLowerCase();
    rows = rows.filter((o) => QUERY_PROPS.some((p) => o.properties[p]?.toLowerCase().includes(q)));
  }
  const sorts = (req.sorts ?? []).map((s) =>
    typeof s === 'string' ? { propertyName: s.replace(/^-/, ''), direction: s.startsWith('-') ? 'DESCENDING' : 'ASCENDING' } : s,
  );
  rows.sort((a, b) => {
    for (const s of sorts) {
      const name = s.propertyName ?? 'hs_object_id';
      const def = store.property(type, name);
      const av = name === 'hs_object_id' ? Number(a.id) : a.properties[name];
      const bv = name === 'hs_object_id' ? Number(b.id) : b.properties[name];
      if (av === bv) continue;
      if (av === undefined) return 1;
      if (bv === undefined) return -1;
      const c = typeof av === 'number' && typeof bv === 'number' ? av - bv : cmp(comparable(def, String(av)), comparable(def, String(bv)));
      if (c !== 0) return s.direction === 'DESCENDING' ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  });
  const page = rows.slice(after, after + limit);
  const next = after + limit < rows.length && after + limit < SEARCH_MAX_RESULTS ? String(after + limit) : undefined;
  return next === undefined ? { total: rows.length, page } : { total: rows.length, page, after: next };
}
