/** How the fake renders objects on the wire (CRM v3 `SimplePublicObject`). */
import { DEFAULT_RETURNED } from './schema.js';
import type { HsObject, HubSpotStore } from './store.js';

export interface WireObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  new?: boolean;
}

const ALWAYS = ['hs_object_id', 'createdate', 'hs_lastmodifieddate'];

/**
 * `requested` undefined: the type's default properties; 'all': every property set (what the write
 * endpoints answer); a list: those that exist (null when unset) plus the three HubSpot always adds.
 */
export function toWire(store: HubSpotStore, o: HsObject, requested?: string[] | 'all'): WireObject {
  const properties: Record<string, string | null> = {};
  if (requested === 'all') Object.assign(properties, o.properties);
  else {
    const names = requested && requested.length > 0 ? [...requested, ...ALWAYS] : DEFAULT_RETURNED[o.type];
    for (const n of names) if (store.property(o.type, n)) properties[n] = o.properties[n] ?? null;
  }
  return {
    id: o.id,
    properties,
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
    archived: o.archived,
    ...(o.archivedAt !== undefined ? { archivedAt: new Date(o.archivedAt).toISOString() } : {}),
  };
}

/** `properties=a,b` or `properties=a&properties=b`, as the SDK and curl send them. */
export function listParam(url: URL, name: string): string[] | undefined {
  const all = url.searchParams.getAll(name);
  if (all.length === 0) return undefined;
  return all
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
