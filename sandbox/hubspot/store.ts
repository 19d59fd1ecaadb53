/**
 * The HubSpot fake's state: objects per type, their property definitions, unique-value indexes and
 * associations. Every write goes through validate -> check uniqueness -> apply, for a whole batch
 * at once, so a rejected batch writes nothing (as HubSpot's batch endpoints do).
 */
import {
  BUILTIN_PROPERTIES,
  SINGULAR,
  defaultAssociationTypeId,
  reverseAssociationTypeId,
  type HsObjectType,
  type PropertyDef,
  type PropertyType,
} from './schema.js';
import { HsError } from './hs-error.js';
import { normalizeValues, validationError, type InvalidValue } from './property-values.js';

export interface HsObject {
  id: string;
  type: HsObjectType;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

export type ChangeSource = 'API' | 'CRM_UI' | 'INTEGRATION' | 'IMPORT';

export interface HsChange {
  type: HsObjectType;
  objectId: string;
  kind: 'creation' | 'propertyChange' | 'deletion' | 'associationChange';
  propertyName?: string;
  propertyValue?: string;
  source: ChangeSource;
  occurredAt: number;
}

export interface WriteInput {
  /** The object to update; absent for a create. */
  existing?: HsObject;
  properties: Record<string, unknown>;
}

export class HubSpotStore {
  readonly props = new Map<HsObjectType, Map<string, PropertyDef>>();
  readonly objects = new Map<HsObjectType, Map<string, HsObject>>();
  /** type -> property -> normalized value -> object id (live objects only). */
  private readonly unique = new Map<HsObjectType, Map<string, Map<string, string>>>();
  /** `${type}:${id}` -> `${toType}` -> toId -> type ids. Stored in both directions. */
  private readonly assoc = new Map<string, Map<HsObjectType, Map<string, Set<number>>>>();
  private nextId = 1001;
  readonly listeners: Array<(c: HsChange[]) => void> = [];

  constructor(
    readonly portalId: number,
    readonly now: () => number,
  ) {
    const stamp = new Date(now()).toISOString();
    for (const [type, defs] of Object.entries(BUILTIN_PROPERTIES) as Array<[HsObjectType, typeof BUILTIN_PROPERTIES.contacts]>) {
      const m = new Map<string, PropertyDef>();
      for (const d of defs) m.set(d.name, { ...d, createdAt: stamp, updatedAt: stamp });
      this.props.set(type, m);
      this.objects.set(type, new Map());
      const u = new Map<string, Map<string, string>>();
      for (const d of defs) if (d.hasUniqueValue) u.set(d.name, new Map());
      this.unique.set(type, u);
    }
  }

  // ---- properties -------------------------------------------------------------------------

  property(type: HsObjectType, name: string): PropertyDef | undefined {
    return this.props.get(type)!.get(name);
  }

  createProperty(type: HsObjectType, input: Partial<PropertyDef> & { name: string; type: PropertyType }): PropertyDef {
    const m = this.props.get(type)!;
    if (m.has(input.name)) {
      throw new HsError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${input.name}' already exists.`);
    }
    const stamp = new Date(this.now()).toISOString();
    const def: PropertyDef = {
      name: input.name,
      label: input.label ?? input.name,
      type: input.type,
      fieldType: input.fieldType ?? 'text',
      groupName: input.groupName ?? `${SINGULAR[type]}information`,
      description: input.description ?? '',
      hasUniqueValue: input.hasUniqueValue ?? false,
      hubspotDefined: false,
      readOnly: false,
      options: input.options ?? [],
      createdAt: stamp,
      updatedAt: stamp,
    };
    m.set(def.name, def);
    if (def.hasUniqueValue) {
      const index = new Map<string, string>();
      for (const o of this.objects.get(type)!.values()) {
        const v = o.properties[def.name];
        if (!o.archived && v !== undefined && v !== '') index.set(this.uniqueKey(def.name, v), o.id);
      }
      this.unique.get(type)!.set(def.name, index);
    }
    return def;
  }

  // ---- reads ------------------------------------------------------------------------------

  get(type: HsObjectType, id: string, includeArchived = false): HsObject | undefined {
    const o = this.objects.get(type)!.get(id);
    return o && (includeArchived || !o.archived) ? o : undefined;
  }

  live(type: HsObjectType): HsObject[] {
    return [...this.objects.get(type)!.values()].filter((o) => !o.archived);
  }

  private uniqueKey(prop: string, value: string): string {
    return prop === 'email' ? value.trim().toLowerCase() : value;
  }

  /** Finds a live object by a unique property (or hs_object_id). */
  findByUnique(type: HsObjectType, prop: string, value: string): HsObject | undefined {
    if (prop === 'hs_object_id') return this.get(type, value);
    const id = this.unique.get(type)!.get(prop)?.get(this.uniqueKey(prop, value));
    return id === undefined ? undefined : this.get(type, id);
  }

  isUnique(type: HsObjectType, prop: string): boolean {
    return prop === 'hs_object_id' || this.unique.get(type)!.has(prop);
  }

  // ---- writes -----------------------------------------------------------------------------

  /**
   * Validates and applies a set of creates/updates atomically. Throws a 400 VALIDATION_ERROR or a
   * 409 CONFLICT (unique value held by another object, or twice in the same batch) before writing.
   */
  write(type: HsObjectType, inputs: WriteInput[], source: ChangeSource): HsObject[] {
    const invalid: InvalidValue[] = [];
    const normalized = inputs.map((i) => normalizeValues((name) => this.property(type, name), i.properties, invalid));
    if (invalid.length > 0) throw validationError(this.portalId, invalid);

    // Uniqueness: against the store and among the batch's own inputs.
    const claimed = new Map<string, number>(); // `${prop}\0${value}` -> input index
    for (const [i, input] of inputs.entries()) {
      for (const [prop, index] of this.unique.get(type)!) {
        const v = normalized[i]![prop];
        if (v === undefined || v === null) continue;
        const key = this.uniqueKey(prop, v);
        const holder = index.get(key);
        if (holder !== undefined && holder !== input.existing?.id) throw this.conflict(type, prop, v, holder);
        const k = `${prop}\0${key}`;
        const other = claimed.get(k);
        if (other !== undefined) {
          throw new HsError(409, 'CONFLICT', `Duplicate values in batch input: ${prop}=${v} appears in inputs ${other} and ${i}.`, {
            context: { property: [prop], value: [v] },
          });
        }
        claimed.set(k, i);
      }
    }

    const t = this.now();
    const changes: HsChange[] = [];
    const out: HsObject[] = [];
    for (const [i, input] of inputs.entries()) {
      const values = normalized[i]!;
      let o = input.existing;
      if (!o) {
        const id = String(this.nextId++);
        const iso = new Date(t).toISOString();
        o = { id, type, properties: { hs_object_id: id, createdate: iso, hs_createdate: iso }, createdAt: t, updatedAt: t, archived: false };
        this.objects.get(type)!.set(id, o);
        changes.push({ type, objectId: id, kind: 'creation', source, occurredAt: t });
      }
      let changed = !input.existing;
      for (const [name, v] of Object.entries(values)) {
        const before = o.properties[name];
        if ((v ?? undefined) === before) continue;
        changed = true;
        const index = this.unique.get(type)!.get(name);
        if (index && before !== undefined) index.delete(this.uniqueKey(name, before));
        if (v === null) delete o.properties[name];
        else {
          o.properties[name] = v;
          if (index) index.set(this.uniqueKey(name, v), o.id);
        }
        changes.push({ type, objectId: o.id, kind: 'propertyChange', propertyName: name, propertyValue: v ?? '', source, occurredAt: t });
      }
      if (changed) this.touch(o, t);
      out.push(o);
    }
    this.emit(changes);
    return out;
  }

  private touch(o: HsObject, t: number) {
    o.updatedAt = t;
    const iso = new Date(t).toISOString();
    o.properties.hs_lastmodifieddate = iso;
    if (o.type === 'contacts') o.properties.lastmodifieddate = iso;
  }

  private conflict(type: HsObjectType, prop: string, value: string, holder: string): HsError {
    if (type === 'contacts' && prop === 'email') {
      // HubSpot names the holder of a contact email only in this fixed message (no context).
      return new HsError(409, 'CONFLICT', `Contact already exists. Existing ID: ${holder}`);
    }
    return new HsError(409, 'CONFLICT', `A ${SINGULAR[type]} with ${prop}=${value} already exists. Existing ID: ${holder}`, {
      context: { id: [holder], property: [prop] },
    });
  }

  archive(type: HsObjectType, id: string, source: ChangeSource): boolean {
    const o = this.get(type, id);
    if (!o) return false;
    const t = this.now();
    o.archived = true;
    o.archivedAt = t;
    for (const [prop, index] of this.unique.get(type)!) {
      const v = o.properties[prop];
      if (v !== undefined && index.get(this.uniqueKey(prop, v)) === o.id) index.delete(this.uniqueKey(prop, v));
    }
    this.emit([{ type, objectId: id, kind: 'deletion', source, occurredAt: t }]);
    return true;
  }

  // ---- associations -----------------------------------------------------------------------

  associate(fromType: HsObjectType, fromId: string, toType: HsObjectType, toId: string, typeIds?: number[]): void {
    const ids = typeIds && typeIds.length > 0 ? typeIds : [defaultAssociationTypeId(fromType, toType) ?? 1];
    // Each type recorded with its reverse: a primary company (1) is the company's primary contact (2).
    const back = [...new Set(ids.map((t) => reverseAssociationTypeId(fromType, toType, t) ?? ids[0]!))];
    this.link(fromType, fromId, toType, toId, ids);
    this.link(toType, toId, fromType, fromId, back);
  }

  private link(a: HsObjectType, aId: string, b: HsObjectType, bId: string, ids: number[]) {
    const key = `${a}:${aId}`;
    let byType = this.assoc.get(key);
    if (!byType) this.assoc.set(key, (byType = new Map()));
    let byId = byType.get(b);
    if (!byId) byType.set(b, (byId = new Map()));
    let set = byId.get(bId);
    if (!set) byId.set(bId, (set = new Set()));
    for (const i of ids) set.add(i);
  }

  unassociate(fromType: HsObjectType, fromId: string, toType: HsObjectType, toId: string): void {
    this.assoc.get(`${fromType}:${fromId}`)?.get(toType)?.delete(toId);
    this.assoc.get(`${toType}:${toId}`)?.get(fromType)?.delete(fromId);
  }

  associations(fromType: HsObjectType, fromId: string, toType: HsObjectType): Array<{ toObjectId: string; typeIds: number[] }> {
    const byId = this.assoc.get(`${fromType}:${fromId}`)?.get(toType);
    if (!byId) return [];
    return [...byId.entries()]
      .filter(([id]) => this.get(toType, id) !== undefined)
      .map(([toObjectId, s]) => ({ toObjectId, typeIds: [...s].sort((x, y) => x - y) }))
      .sort((x, y) => Number(x.toObjectId) - Number(y.toObjectId));
  }

  private emit(changes: HsChange[]) {
    if (changes.length === 0) return;
    for (const l of this.listeners) l(changes);
  }
}
