/** The HubSpot fake's CRM v3 objects endpoints: list, create, search, read/update/archive one, and the batch operations. */
import { HS_OBJECT_TYPES, defaultAssociationTypeId, resolveObjectType, type HsObjectType } from './schema.js';
import { search, type SearchRequest } from './search.js';
import type { HsObject, HubSpotStore, WriteInput } from './store.js';
import { badInput, batchEnvelope, inputsOf, notFound, objectType, requireId, SOURCE, type RouteResult } from './route-common.js';
import { listParam, toWire } from './wire.js';

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
