/** The HubSpot fake's CRM v3 properties endpoints: list, create and read a property definition. */
import { HsError } from './hs-error.js';
import type { HubSpotStore } from './store.js';
import { badInput, objectType, type RouteResult } from './route-common.js';

export function propertiesRoute(store: HubSpotStore, method: string, parts: string[], body: unknown): RouteResult | undefined {
  const type = objectType(parts[0]!);
  if (parts.length === 1 && method === 'GET') return { status: 200, body: { results: [...store.props.get(type)!.values()].map(publicProperty) } };
  if (parts.length === 1 && method === 'POST') {
    const b = (body ?? {}) as Record<string, unknown>;
    const missing = ['name', 'label', 'type', 'fieldType', 'groupName'].filter((k) => typeof b[k] !== 'string' || b[k] === '');
    if (missing.length > 0) throw badInput(`Invalid input JSON: missing required field(s): ${missing.join(', ')}`);
    if (!/^[a-z][a-z0-9_]*$/.test(b.name as string))
      throw badInput(`Property name ${String(b.name)} is invalid: use lower-case letters, digits and underscores`);
    if (!['string', 'number', 'date', 'datetime', 'enumeration', 'bool'].includes(b.type as string)) throw badInput(`Unknown property type ${String(b.type)}`);
    const def = store.createProperty(type, b as never);
    return { status: 201, body: publicProperty(def) };
  }
  if (parts.length === 2 && method === 'GET') {
    const def = store.property(type, decodeURIComponent(parts[1]!));
    if (!def) throw new HsError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${parts[1]} for object type ${type}`);
    return { status: 200, body: publicProperty(def) };
  }
  return undefined;
}

function publicProperty(d: ReturnType<HubSpotStore['property']> & object) {
  const { readOnly: _r, ...rest } = d;
  return {
    ...rest,
    modificationMetadata: { archivable: !d.hubspotDefined, readOnlyDefinition: d.hubspotDefined, readOnlyValue: d.readOnly },
    archived: false,
    calculated: false,
    formField: true,
    hidden: false,
    displayOrder: -1,
  };
}
