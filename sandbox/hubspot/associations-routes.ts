/** The HubSpot fake's CRM v4 associations endpoints: one object's associations, and the batch ones between two types. */
import { OBJECT_TYPE_IDS, defaultAssociationTypeId, type HsObjectType } from './schema.js';
import type { HubSpotStore } from './store.js';
import { badInput, batchEnvelope, inputsOf, notFound, objectType, requireId, type RouteResult } from './route-common.js';

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
