/** The HubSpot fake's CRM v3 objects/properties and v4 associations endpoints. */
import { HS_OBJECT_TYPES, OBJECT_TYPE_IDS, defaultAssociationTypeId, resolveObjectType, type HsObjectType } from './schema.js';
import { search, type SearchRequest } from './search.js';
import { HsError, type HsObject, type HubSpotStore, type WriteInput } from './store.js';
import { listParam, toWire } from './wire.js';

export const BATCH_LIMIT = 100;
const SOURCE = 'INTEGRATION' as const;

export interface RouteResult {
  status: number;
  body?: unknown;
}

const notFound = (message = 'Object not found.  objectId are usually numeric.', id?: string) =>
  new HsError(404, 'OBJECT_NOT_FOUND', message, id === undefined ? {} : { context: { id: [id] } });
const badInput = (message: string) => new HsError(400, 'VALIDATION_ERROR', message);

function objectType(raw: string): HsObjectType {
  const t = resolveObjectType(raw);
  if (!t) throw new HsError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${raw}`);
  return t;
}

function inputsOf(body: unknown): Array<Record<string, unknown>> {
  const inputs = (body as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs)) throw badInput('Invalid input JSON: "inputs" is required and must be an array');
  if (inputs.length > BATCH_LIMIT) throw badInput(`Batch input limit exceeded: ${inputs.length} inputs, the maximum is ${BATCH_LIMIT}.`);
  for (const i of inputs) if (i === null || typeof i !== 'object') throw badInput('Invalid input JSON: each input must be an object');
  return inputs as Array<Record<string, unknown>>;
}

function batchEnvelope(results: unknown[], startedAt: string, errors: unknown[] = []) {
  const base = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
  return errors.length > 0 ? { ...base, numErrors: errors.length, errors } : base;
}

function requireId(v: unknown, what = 'id'): string {
  if (typeof v !== 'string' && typeof v !== 'number') throw badInput(`Invalid input JSON: "${what}" is required`);
  return String(v);
}

/** Finds an object by id or by a unique property. */
function lookup(store: HubSpotStore, type: HsObjectType, id: string, idProperty?: string, archived = false): HsObject | undefined {
  if (!idProperty || idProperty === 'hs_object_id') return store.get(type, id, archived);
  if (!store.property(type, idProperty)) throw badInput(`Property "${idProperty}" does not exist`);
  if (!store.isUnique(type, idProperty)) throw badInput(`${idProperty} is not a unique identifier property for ${type}`);
  return store.findByUnique(type, idProperty, id);
}

function associationTarget(store: HubSpotStore, fromType: HsObjectType, typeId: number, toId: string): HsObjectType | undefined {
  for (const t of HS_OBJECT_TYPES) if (defaultAssociationTypeId(fromType, t) === typeId && store.get(t, toId)) return t;
  return undefined;
}

export function objectsRoute(store: HubSpotStore, method: string, parts: string[], url: URL, body: unknown): RouteResult | undefined {
  // parts after /crm/v3/objects/
  const type = objectType(parts[0]!);
  const startedAt = new Date().toISOString();
  const archivedParam = url.searchParams.get('archived') === 'true';

  if (parts.length === 1 && method === 'GET') {
    const limit = Number(url.searchParams.get('limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badInput('limit must be between 1 and 100');
    const after = Number(url.searchParams.get('after') ?? 0);
    const rows = [...store.objects.get(type)!.values()].filter((o) => o.archived === archivedParam);
    const page = rows.slice(after, after + limit);
    const props = listParam(url, 'properties');
    return {
      status: 200,
      body: {
        results: page.map((o) => toWire(store, o, props)),
        ...(after + limit < rows.length ? { paging: { next: { after: String(after + limit), link: `?after=${after + limit}` } } } : {}),
      },
    };
  }
  if (parts.length === 1 && method === 'POST') {
    const b = (body ?? {}) as {
      properties?: Record<string, unknown>;
      associations?: Array<{ to?: { id?: unknown }; types?: Array<{ associationTypeId?: number }> }>;
    };
    const links = (b.associations ?? []).map((a) => {
      const toId = requireId(a.to?.id, 'associations.to.id');
      const typeId = Number(a.types?.[0]?.associationTypeId);
      const toType = associationTarget(store, type, typeId, toId);
      if (!toType) throw badInput(`Association to ${toId} with type ${typeId} is not valid for ${type}`);
      return { toType, toId, typeIds: (a.types ?? []).map((x) => Number(x.associationTypeId)) };
    });
    const [o] = store.write(type, [{ properties: b.properties ?? {} }], SOURCE);
    for (const l of links) store.associate(type, o!.id, l.toType, l.toId, l.typeIds);
    return { status: 201, body: toWire(store, o!, 'all') };
  }
  if (parts.length === 2 && parts[1] === 'search' && method === 'POST') {
    const req = (body ?? {}) as SearchRequest;
    const r = search(store, type, req);
    return {
      status: 200,
      body: {
        total: r.total,
        results: r.page.map((o) => toWire(store, o, req.properties)),
        ...(r.after !== undefined ? { paging: { next: { after: r.after } } } : {}),
      },
    };
  }
  if (parts.length === 3 && parts[1] === 'batch' && method === 'POST') {
    return batchRoute(store, type, parts[2]!, body, archivedParam, startedAt);
  }
  if (parts.length === 2 && parts[1] !== 'search' && parts[1] !== 'batch') {
    const id = decodeURIComponent(parts[1]!);
    const idProperty = url.searchParams.get('idProperty') ?? undefined;
    if (method === 'GET') {
      const o = lookup(store, type, id, idProperty, archivedParam);
      if (!o) throw notFound(undefined, id);
      const wire = toWire(store, o, listParam(url, 'properties'));
      const assocTypes = listParam(url, 'associations');
      if (assocTypes) {
        const associations: Record<string, unknown> = {};
        for (const raw of assocTypes) {
          const to = resolveObjectType(raw);
          if (!to) continue;
          const rows = store.associations(type, o.id, to);
          if (rows.length > 0) {
            associations[to] = {
              results: rows.flatMap((r) =>
                r.typeIds.map((t) => ({ id: r.toObjectId, type: `${type.replace(/s$/, '')}_to_${to.replace(/s$/, '')}`, typeId: t })),
              ),
            };
          }
        }
        return { status: 200, body: { ...wire, associations } };
      }
      return { status: 200, body: wire };
    }
    if (method === 'PATCH') {
      const o = lookup(store, type, id, idProperty);
      if (!o) throw notFound(undefined, id);
      const props = (body as { properties?: Record<string, unknown> } | null)?.properties ?? {};
      store.write(type, [{ existing: o, properties: props }], SOURCE);
      return { status: 200, body: toWire(store, o, 'all') };
    }
    if (method === 'DELETE') {
      store.archive(type, id, SOURCE);
      return { status: 204 };
    }
  }
  return undefined;
}

function batchRoute(store: HubSpotStore, type: HsObjectType, op: string, body: unknown, archived: boolean, startedAt: string): RouteResult | undefined {
  const inputs = inputsOf(body);
  const b = body as { properties?: string[]; idProperty?: string };
  switch (op) {
    case 'create': {
      const created = store.write(
        type,
        inputs.map((i) => ({ properties: (i.properties ?? {}) as Record<string, unknown> })),
        SOURCE,
      );
      return {
        status: 201,
        body: batchEnvelope(
          created.map((o) => toWire(store, o, 'all')),
          startedAt,
        ),
      };
    }
    case 'read': {
      const found: HsObject[] = [];
      const missing: string[] = [];
      for (const i of inputs) {
        const id = requireId(i.id);
        const o = lookup(store, type, id, b.idProperty, archived);
        if (o) found.push(o);
        else missing.push(id);
      }
      const results = found.map((o) => toWire(store, o, b.properties));
      if (missing.length === 0) return { status: 200, body: batchEnvelope(results, startedAt) };
      const err = {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: `Could not get some ${type.replace(/s$/, '').toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
        context: { ids: missing },
      };
      return { status: 207, body: batchEnvelope(results, startedAt, [err]) };
    }
    case 'update': {
      const writes: WriteInput[] = [];
      const missing: string[] = [];
      for (const i of inputs) {
        const id = requireId(i.id);
        const o = lookup(store, type, id, i.idProperty as string | undefined);
        if (o) writes.push({ existing: o, properties: (i.properties ?? {}) as Record<string, unknown> });
        else missing.push(id);
      }
      const updated = store.write(type, writes, SOURCE);
      const results = updated.map((o) => toWire(store, o, 'all'));
      if (missing.length === 0) return { status: 200, body: batchEnvelope(results, startedAt) };
      const err = { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Object not found.  objectId are usually numeric.', context: { ids: missing } };
      return { status: 207, body: batchEnvelope(results, startedAt, [err]) };
    }
    case 'upsert': {
      const seen = new Set<string>();
      const writes: Array<WriteInput & { isNew: boolean }> = [];
      for (const i of inputs) {
        const id = requireId(i.id);
        const idProperty = i.idProperty as string | undefined;
        if (!idProperty) throw badInput('Invalid input JSON: "idProperty" is required for upsert');
        if (!store.property(type, idProperty)) throw badInput(`Property "${idProperty}" does not exist`);
        if (!store.isUnique(type, idProperty) || idProperty === 'hs_object_id') {
          throw badInput(`${idProperty} is not a unique identifier property for ${type}; upsert requires a property with hasUniqueValue`);
        }
        const key = `${idProperty}\0${idProperty === 'email' ? id.toLowerCase() : id}`;
        if (seen.has(key)) throw badInput(`Duplicate IDs found in batch input: ${id}. IDs must be unique`);
        seen.add(key);
        const existing = store.findByUnique(type, idProperty, id);
        const properties = { ...((i.properties ?? {}) as Record<string, unknown>) };
        if (!existing) properties[idProperty] = id;
        writes.push(existing ? { existing, properties, isNew: false } : { properties, isNew: true });
      }
      const written = store.write(type, writes, SOURCE);
      const results = written.map((o, n) => ({ ...toWire(store, o, 'all'), new: writes[n]!.isNew }));
      return { status: 200, body: batchEnvelope(results, startedAt) };
    }
    case 'archive': {
      for (const i of inputs) store.archive(type, requireId(i.id), SOURCE);
      return { status: 204 };
    }
  }
  return undefined;
}

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

function associationSpec(typeId: number) {
  return { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId };
}

function requireObject(store: HubSpotStore, type: HsObjectType, id: string): void {
  if (!store.get(type, id)) throw notFound(`No ${type.replace(/s$/, '')} with id ${id}`, id);
}

/** /crm/v4/objects/:type/:id/associations/... */
export function associationsObjectRoute(store: HubSpotStore, method: string, parts: string[], body: unknown): RouteResult | undefined {
  // parts: [type, id, 'associations', ...]
  const from = objectType(parts[0]!);
  const fromId = parts[1]!;
  const rest = parts.slice(3);
  if (rest[0] === 'default' && rest.length === 3 && method === 'PUT') {
    const to = objectType(rest[1]!);
    const toId = rest[2]!;
    requireObject(store, from, fromId);
    requireObject(store, to, toId);
    const typeId = defaultAssociationTypeId(from, to);
    if (typeId === undefined) throw badInput(`No default association between ${from} and ${to}`);
    store.associate(from, fromId, to, toId, [typeId]);
    const back = defaultAssociationTypeId(to, from)!;
    return {
      status: 200,
      body: batchEnvelope(
        [
          { from: { id: fromId }, to: { id: toId }, associationSpec: associationSpec(typeId) },
          { from: { id: toId }, to: { id: fromId }, associationSpec: associationSpec(back) },
        ],
        new Date().toISOString(),
      ),
    };
  }
  if (rest.length === 2 && (method === 'PUT' || method === 'DELETE')) {
    const to = objectType(rest[0]!);
    const toId = rest[1]!;
    if (method === 'DELETE') {
      store.unassociate(from, fromId, to, toId);
      return { status: 204 };
    }
    requireObject(store, from, fromId);
    requireObject(store, to, toId);
    const specs = Array.isArray(body) ? (body as Array<{ associationTypeId?: number }>) : [];
    if (specs.length === 0) throw badInput('Invalid input JSON: an array of association specs is required');
    store.associate(
      from,
      fromId,
      to,
      toId,
      specs.map((s) => Number(s.associationTypeId)),
    );
    return { status: 201, body: labelsPair(store, from, fromId, to, toId) };
  }
  if (rest.length === 1 && method === 'GET') {
    const to = objectType(rest[0]!);
    requireObject(store, from, fromId);
    return { status: 200, body: { results: store.associations(from, fromId, to).map(multiWithLabel) } };
  }
  return undefined;
}

function labelsPair(store: HubSpotStore, from: HsObjectType, fromId: string, to: HsObjectType, toId: string) {
  return {
    fromObjectTypeId: OBJECT_TYPE_IDS[from],
    fromObjectId: Number(fromId),
    toObjectTypeId: OBJECT_TYPE_IDS[to],
    toObjectId: Number(toId),
    labels: [] as string[],
  };
}

function multiWithLabel(r: { toObjectId: string; typeIds: number[] }) {
  return { toObjectId: Number(r.toObjectId), associationTypes: r.typeIds.map((t) => ({ category: 'HUBSPOT_DEFINED', typeId: t, label: null })) };
}

/** /crm/v4/associations/:from/:to/batch/... */
export function associationsBatchRoute(store: HubSpotStore, method: string, parts: string[], body: unknown): RouteResult | undefined {
  if (method !== 'POST' || parts[2] !== 'batch') return undefined;
  const from = objectType(parts[0]!);
  const to = objectType(parts[1]!);
  const op = parts.slice(3).join('/');
  const inputs = inputsOf(body);
  const startedAt = new Date().toISOString();
  const pair = (i: Record<string, unknown>) => ({
    fromId: requireId((i.from as { id?: unknown } | undefined)?.id, 'from.id'),
    toId: requireId((i.to as { id?: unknown } | undefined)?.id, 'to.id'),
  });
  if (op === 'create' || op === 'associate/default') {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const i of inputs) {
      const { fromId, toId } = pair(i);
      if (!store.get(from, fromId) || !store.get(to, toId)) {
        errors.push({
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: `${from} ${fromId} or ${to} ${toId} does not exist`,
          context: { fromObjectId: [fromId], toObjectId: [toId] },
        });
        continue;
      }
      const typeIds =
        op === 'create'
          ? ((i.types as Array<{ associationTypeId?: number }> | undefined) ?? []).map((t) => Number(t.associationTypeId))
          : [defaultAssociationTypeId(from, to) ?? 1];
      store.associate(from, fromId, to, toId, typeIds);
      results.push(
        op === 'create' ? labelsPair(store, from, fromId, to, toId) : { from: { id: fromId }, to: { id: toId }, associationSpec: associationSpec(typeIds[0]!) },
      );
    }
    const status = errors.length > 0 ? 207 : op === 'create' ? 201 : 200;
    return { status, body: batchEnvelope(results, startedAt, errors) };
  }
  if (op === 'read') {
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const i of inputs) {
      const id = requireId(i.id);
      if (!store.get(from, id)) {
        missing.push(id);
        continue;
      }
      results.push({ from: { id }, to: store.associations(from, id, to).map(multiWithLabel) });
    }
    const errors =
      missing.length > 0
        ? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `No ${from} with ids ${missing.join(', ')}`, context: { ids: missing } }]
        : [];
    return { status: errors.length > 0 ? 207 : 200, body: batchEnvelope(results, startedAt, errors) };
  }
  if (op === 'archive') {
    for (const i of inputs) {
      const fromId = requireId((i.from as { id?: unknown } | undefined)?.id, 'from.id');
      for (const t of (i.to as Array<{ id?: unknown }> | undefined) ?? []) store.unassociate(from, fromId, to, requireId(t.id, 'to.id'));
    }
    return { status: 204 };
  }
  return undefined;
}
