/**
 * The sync of one batch of records of one entity: read both sides, merge field by field, write
 * what changed in batches, remember what each side now holds. Idempotent: running it twice on the
 * same input writes nothing the second time (hashes match), and a batch cut short by a crash is
 * completed by the retry (HubSpot upserts by sage_id; the id map is written last).
 */
import type { Db } from '../../db/client.js';
import type { SyncIdMapRow } from '../../db/schema/sync.js';
import { afterWrite, mergeRecord, type MergePlan } from './conflicts.js';
import { findDuplicates, sharedContacts } from './duplicates.js';
import { sideHash } from './hashing.js';
import type { HubSpotGateway, HubSpotRecord } from './hubspot-gateway.js';
import { MAPPINGS } from './mapping/entities.js';
import { fromHubSpot, fromSage, getPath, hubspotProperties, objectOf, toHubSpot, toSage, type CanonRecord, type HubSpotView } from './mapping/project.js';
import type { SyncEntity } from './mapping/types.js';
import type { RuleOverrides } from './ownership.js';
import type { EntitySource, SourceRecord } from './source.js';
import * as store from './store.js';

export type DeletionRule = 'archive' | 'ignore' | 'hold';

export interface EngineDeps {
  db: Db;
  hubspot: HubSpotGateway;
  sources: Record<SyncEntity, EntitySource>;
  overrides?: RuleOverrides;
  deletionRules?: Partial<Record<SyncEntity, DeletionRule>>;
  heartbeat?: (detail?: unknown) => void;
}

export interface BatchContext {
  runId: string;
  pageKey: string;
  dryRun: boolean;
}

interface Item {
  id: string;
  rec: SourceRecord;
  row: SyncIdMapRow | undefined;
  hubRec: HubSpotRecord | undefined;
  contactRec: HubSpotRecord | undefined;
  /** The customer's contact fields are not synced through this record (shared with another customer). */
  foreignContact: boolean;
  sharedWith?: string;
  sage: CanonRecord;
  hub: CanonRecord | null;
  plan: MergePlan;
  skip: boolean;
  resolvedIds: number[];
}

const MAX_SAMPLES = 20;
/** Sage has no batch endpoints: a few single-record calls in flight at once (the limiter paces them). */
const SAGE_CONCURRENCY = 4;

async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Parses `customer=archive,invoice=hold`. */
export function parseDeletionRules(items: readonly string[]): Partial<Record<SyncEntity, DeletionRule>> {
  const out: Partial<Record<SyncEntity, DeletionRule>> = {};
  for (const item of items) {
    const m = /^(customer|quote|invoice|intervention)=(archive|ignore|hold)$/.exec(item.trim());
    if (!m) throw new Error(`bad deletion rule "${item}": expected entity=archive|ignore|hold`);
    out[m[1] as SyncEntity] = m[2] as DeletionRule;
  }
  return out;
}

function nonEmpty(props: Record<string, string | null> | undefined, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props ?? {})) if (!creating || (v ?? '') !== '') out[k] = v ?? '';
  return out;
}

/** Syncs these records (given, or fetched by Sage id) of one entity. */
export async function syncBatch(
  deps: EngineDeps,
  entity: SyncEntity,
  input: {
    records?: SourceRecord[];
    sageIds?: string[];
    /**
     * Records whose Sage side is unchanged since the last sync are skipped without reading HubSpot
     * (its changes arrive by webhook or by the HubSpot pull). Off for the nightly full
     * reconciliation, which compares both sides of every record.
     */
    skipUnchangedSage?: boolean;
  },
  ctx: BatchContext,
): Promise<store.PageReport> {
  const { db, hubspot } = deps;
  const m = MAPPINGS[entity];
  const src = deps.sources[entity];
  const report = store.emptyReport();
  const beat = (phase: string) => deps.heartbeat?.({ entity, page: ctx.pageKey, phase });

  const recs = new Map<string, SourceRecord>();
  for (const r of input.records ?? []) recs.set(r.id, r);
  const missing: string[] = [];
  const toFetch = [...new Set(input.sageIds ?? [])].filter((id) => !recs.has(id));
  await eachLimit(toFetch, SAGE_CONCURRENCY, async (id) => {
    const r = await src.get(id);
    if (r) recs.set(id, r);
    else missing.push(id);
  });
  if (missing.length) {
    const del = await applyDeletions(deps, entity, missing, ctx);
    report.to_hubspot.deleted += del.to_hubspot.deleted;
  }
  const ids = [...recs.keys()];
  if (!ids.length) return report;

  const rows = await store.idMapRows(db, entity, ids);
  const { held, resolved } = await store.openConflicts(db, entity, ids);
  if (input.skipUnchangedSage) {
    for (const id of [...ids]) {
      const row = rows.get(id);
      if (!row || row.deleted_at || resolved.has(id) || row.mapping_version !== m.version) continue;
      if (row.sage_hash !== sideHash(m.version, fromSage(m, recs.get(id)!.data))) continue;
      ids.splice(ids.indexOf(id), 1);
      report.to_hubspot.skipped++;
      report.to_sage.skipped++;
    }
    if (!ids.length) return report;
  }

  // What HubSpot holds now, for records already linked.
  beat('read-hubspot');
  const primIds = [...rows.values()].map((r) => r.hubspot_id).filter((x): x is string => !!x);
  const prim = primIds.length ? await hubspot.read(m.primary, primIds, hubspotProperties(m, m.primary)) : new Map<string, HubSpotRecord>();
  const contactIds = m.secondary ? [...rows.values()].map((r) => r.hubspot_contact_id).filter((x): x is string => !!x) : [];
  const contacts = contactIds.length ? await hubspot.read(m.secondary!, contactIds, hubspotProperties(m, m.secondary!)) : new Map<string, HubSpotRecord>();

  // Customers sharing an email: one HubSpot contact, owned by the first; reported, never duplicated.
  let shared = new Map<string, string>();
  if (entity === 'customer') {
    const keys = ids.map((id) => {
      const s = fromSage(m, recs.get(id)!.data);
      return { sageId: id, email: (s.email as string | null) ?? null, vatNumber: (s.vatNumber as string | null) ?? null, name: (s.name as string | null) ?? null };
    });
    const emails = [...new Set(keys.map((k) => k.email).filter((e): e is string => !!e))];
    const owners = new Map<string, string>();
    if (emails.length) {
      const known = await db
        .selectFrom('sync_id_map')
        .select(['sage_id', 'synced_fields'])
        .where('entity', '=', 'customer')
        .where('hubspot_contact_id', 'is not', null)
        .where((eb) => eb(eb.ref('synced_fields', '->>').key('email' as never), 'in', emails))
        .execute();
      for (const k of known) {
        const e = (k.synced_fields as Record<string, unknown> | null)?.email;
        if (typeof e === 'string' && !owners.has(e)) owners.set(e, k.sage_id);
      }
    }
    const groups = findDuplicates(keys, owners);
    shared = sharedContacts(groups);
    if (!ctx.dryRun && groups.length) await store.recordDuplicates(db, entity, groups);
  }

  // Plan every record.
  const items: Item[] = [];
  for (const id of ids) {
    const rec = recs.get(id)!;
    const row = rows.get(id);
    const hubRec = row?.hubspot_id ? prim.get(row.hubspot_id) : undefined;
    const contactRec = row?.hubspot_contact_id ? contacts.get(row.hubspot_contact_id) : undefined;
    const sage = fromSage(m, rec.data);
    const sharedWith = shared.get(id);
    const foreignContact = !!m.secondary && (!!sharedWith || (!!contactRec && contactRec.properties.sage_id !== id));
    let hub: CanonRecord | null = null;
    if (hubRec) {
      const view: HubSpotView = { [m.primary]: hubRec.properties };
      if (m.secondary && contactRec) view[m.secondary] = contactRec.properties;
      hub = fromHubSpot(m, view);
      if (foreignContact) for (const f of m.fields) if (objectOf(m, f) === m.secondary) hub[f.field] = sage[f.field] ?? null;
    }
    const res = resolved.get(id);
    const upToDate =
      !!row && !!hub && !res && row.mapping_version === m.version && row.sage_hash === sideHash(m.version, sage) && row.hubspot_hash === sideHash(m.version, hub);
    const plan = mergeRecord({
      mapping: m,
      base: row && hub ? ((row.synced_fields as CanonRecord | null) ?? null) : null,
      sage,
      hubspot: hub,
      sageUpdatedAt: rec.updatedAt,
      hubspotUpdatedAt: hubRec?.updatedAt ?? null,
      overrides: deps.overrides,
      held: held.get(id),
      resolved: res?.values,
    });
    if (foreignContact) for (const f of m.fields) if (objectOf(m, f) === m.secondary) delete plan.toHubSpot[f.field];
    items.push({ id, rec, row, hubRec, contactRec, foreignContact, sharedWith, sage, hub, plan, skip: upToDate, resolvedIds: res?.ids ?? [] });
  }

  const active = items.filter((i) => !i.skip);
  report.to_hubspot.skipped += items.length - active.length;
  report.to_sage.skipped += items.length - active.length;
  const failed = new Set<string>();
  const hubProps = new Map<string, HubSpotView>(active.map((i) => [i.id, toHubSpot(m, i.plan.toHubSpot)]));

  if (ctx.dryRun) {
    for (const i of active) {
      const writesHub = !i.hubRec || Object.keys(i.plan.toHubSpot).length > 0;
      const writesSage = Object.keys(i.plan.toSage).length > 0;
      if (!i.hubRec) report.to_hubspot.created++;
      else if (writesHub) report.to_hubspot.updated++;
      else report.to_hubspot.skipped++;
      if (writesSage) report.to_sage.updated++;
      else report.to_sage.skipped++;
      report.to_hubspot.conflicts += i.plan.conflicts.length;
      if ((writesHub || writesSage || i.plan.conflicts.length) && report.samples.length < MAX_SAMPLES) {
        report.samples.push({ sageId: i.id, action: i.hubRec ? 'update' : 'create', toHubSpot: i.plan.toHubSpot, toSage: i.plan.toSage, conflicts: i.plan.conflicts });
      }
    }
    return report;
  }

  // HubSpot: the primary objects, by sage_id.
  beat('write-hubspot');
  const primInputs = active
    .filter((i) => !i.hubRec || Object.keys(hubProps.get(i.id)?.[m.primary] ?? {}).length > 0)
    .map((i) => ({ sageId: i.id, properties: nonEmpty(hubProps.get(i.id)?.[m.primary], !i.hubRec) }));
  const primIdsBySage = new Map<string, { id: string; created: boolean }>();
  /** HubSpot's own modification stamp of the version we know (read or written). */
  const hubStamp = new Map<string, Date | null>();
  for (const i of active) {
    if (i.hubRec) primIdsBySage.set(i.id, { id: i.hubRec.id, created: false });
    hubStamp.set(i.id, i.hubRec?.updatedAt ?? null);
  }
  if (primInputs.length) {
    const res = await hubspot.upsert(m.primary, primInputs);
    for (const [k, v] of res.ids) {
      primIdsBySage.set(k, { id: v.id, created: !primIdsBySage.has(k) && (v.created || !rows.get(k)?.hubspot_id) });
      hubStamp.set(k, v.updatedAt);
    }
    for (const e of res.errors) {
      report.to_hubspot.errors++;
      if (e.sageId) failed.add(e.sageId);
    }
    for (const inp of primInputs) if (!res.ids.has(inp.sageId)) failed.add(inp.sageId);
  }

  // The customer's own contact.
  const contactBySage = new Map<string, string>();
  const newContacts = new Set<string>();
  if (m.secondary) {
    for (const i of active) if (i.contactRec && !i.sharedWith) contactBySage.set(i.id, i.contactRec.id);
    const inputs = active
      .filter((i) => !failed.has(i.id) && !i.foreignContact)
      .map((i) => ({ i, props: nonEmpty(hubProps.get(i.id)?.[m.secondary!], !i.contactRec) }))
      .filter(({ i, props }) => Object.keys(props).length > 0 && (i.contactRec || Object.values(props).some((v) => v !== '')))
      .map(({ i, props }) => ({ sageId: i.id, properties: props }));
    if (inputs.length) {
      const res = await hubspot.upsert(m.secondary, inputs);
      for (const [k, v] of res.ids) {
        if (!contactBySage.has(k)) newContacts.add(k);
        contactBySage.set(k, v.id);
        const prev = hubStamp.get(k);
        if (v.updatedAt && (!prev || v.updatedAt > prev)) hubStamp.set(k, v.updatedAt);
      }
      // A contact HubSpot already had under this email (made by a person, no sage_id): adopted, not duplicated.
      const adopt: Array<{ sageId: string; id: string }> = [];
      for (const e of res.errors) {
        const existing = /Existing ID: (\d+)/.exec(e.message)?.[1];
        if (e.sageId && existing) adopt.push({ sageId: e.sageId, id: existing });
        else {
          report.to_hubspot.errors++;
          if (e.sageId) failed.add(e.sageId);
        }
      }
      if (adopt.length) {
        const current = await hubspot.read(m.secondary, adopt.map((a) => a.id), ['sage_id', 'email']);
        const free = adopt.filter((a) => current.has(a.id) && !current.get(a.id)!.properties.sage_id);
        for (const a of adopt) if (!free.includes(a)) report.to_hubspot.errors++;
        const props = new Map(inputs.map((inp) => [inp.sageId, inp.properties]));
        const stamps = free.length ? await hubspot.update(m.secondary, free.map((a) => ({ id: a.id, properties: { ...props.get(a.sageId), sage_id: a.sageId } }))) : new Map<string, Date | null>();
        for (const a of free) {
          res.ids.set(a.sageId, { id: a.id, created: false, updatedAt: stamps.get(a.id) ?? null });
          contactBySage.set(a.sageId, a.id);
          newContacts.add(a.sageId);
          const prev = hubStamp.get(a.sageId);
          const at = stamps.get(a.id) ?? null;
          if (at && (!prev || at > prev)) hubStamp.set(a.sageId, at);
        }
        if (free.length) {
          await store.recordDuplicates(
            db,
            entity,
            free.map((a) => ({ rule: 'email' as const, key: `hubspot:${current.get(a.id)!.properties.email ?? a.id}`, sageIds: [a.sageId], owner: a.sageId })),
          );
        }
      }
      for (const inp of inputs) if (!res.ids.has(inp.sageId)) failed.add(inp.sageId);
    }
    // Customers sharing another's contact: linked to it.
    const owners = [...new Set(active.filter((i) => i.sharedWith).map((i) => i.sharedWith!))].filter((o) => !contactBySage.has(o));
    if (owners.length) {
      const ownerRows = await store.idMapRows(db, entity, owners);
      for (const [k, r] of ownerRows) if (r.hubspot_contact_id) contactBySage.set(k, r.hubspot_contact_id);
    }
    const pairs: Array<[string, string]> = [];
    for (const i of active) {
      if (failed.has(i.id)) continue;
      const company = primIdsBySage.get(i.id);
      const contact = i.sharedWith ? contactBySage.get(i.sharedWith) : contactBySage.get(i.id);
      if (!company || !contact) continue;
      if (i.sharedWith) contactBySage.set(i.id, contact);
      if (company.created || newContacts.has(i.id) || (i.sharedWith && i.row?.hubspot_contact_id !== contact)) pairs.push([contact, company.id]);
    }
    if (pairs.length) await hubspot.associate('contacts', 'companies', pairs);
  }

  // Deals, invoices, tickets: associated with their customer's company when created.
  if (m.parentPath) {
    const created = active.filter((i) => !failed.has(i.id) && primIdsBySage.get(i.id)?.created);
    const parentIds = [...new Set(created.map((i) => getPath(i.rec.data, m.parentPath!)).filter((x): x is string => typeof x === 'string' || typeof x === 'number').map(String))];
    const parents = await store.idMapRows(db, 'customer', parentIds);
    const pairs: Array<[string, string]> = [];
    for (const i of created) {
      const p = parents.get(String(getPath(i.rec.data, m.parentPath!)));
      if (p?.hubspot_id) pairs.push([primIdsBySage.get(i.id)!.id, p.hubspot_id]);
    }
    if (pairs.length) await hubspot.associate(m.primary, 'companies', pairs);
  }

  // Sage: HubSpot-owned changes written back, one record at a time (Sage has no batch writes).
  beat('write-sage');
  const sageAfter = new Map<string, { canon: CanonRecord; at: Date | null }>();
  await eachLimit(active, SAGE_CONCURRENCY, async (i) => {
    if (failed.has(i.id) || !Object.keys(i.plan.toSage).length) return;
    try {
      const written = await src.update(i.id, toSage(m, i.plan.toSage));
      sageAfter.set(i.id, { canon: fromSage(m, written.data), at: written.updatedAt });
      report.to_sage.updated++;
    } catch (err) {
      report.to_sage.errors++;
      failed.add(i.id);
      if (report.samples.length < MAX_SAMPLES) report.samples.push({ sageId: i.id, error: (err as Error).message });
    }
  });

  // Remember what both sides hold now; conflicts into the log.
  const writes: store.IdMapWrite[] = [];
  for (const i of active) {
    if (failed.has(i.id)) continue;
    const primary = primIdsBySage.get(i.id);
    const sageNow = sageAfter.get(i.id)?.canon ?? i.sage;
    const hubNow = afterWrite(m, i.hub, i.plan.toHubSpot);
    if (i.foreignContact) for (const f of m.fields) if (objectOf(m, f) === m.secondary) hubNow[f.field] = sageNow[f.field] ?? null;
    writes.push({
      entity,
      sageId: i.id,
      hubspotId: primary?.id ?? null,
      contactId: contactBySage.get(i.id) ?? null,
      sageHash: sideHash(m.version, sageNow),
      hubspotHash: sideHash(m.version, hubNow),
      fields: i.plan.merged,
      version: m.version,
      sageUpdatedAt: sageAfter.get(i.id)?.at ?? i.rec.updatedAt,
      hubspotUpdatedAt: hubStamp.get(i.id) ?? null,
    });
    if (!i.hubRec) report.to_hubspot.created++;
    else if (Object.keys(i.plan.toHubSpot).length) report.to_hubspot.updated++;
    else report.to_hubspot.skipped++;
    if (!Object.keys(i.plan.toSage).length) report.to_sage.skipped++;
    report.to_hubspot.conflicts += i.plan.conflicts.length;
  }
  await db.transaction().execute(async (tx) => {
    await store.saveIdMap(tx, writes);
    for (const i of active) {
      if (failed.has(i.id)) continue;
      if (i.plan.conflicts.length) await store.logConflicts(tx, ctx.runId, entity, i.id, i.plan.conflicts);
      await store.markApplied(tx, i.resolvedIds);
    }
  });
  return report;
}

/** Records deleted in Sage: archived in HubSpot, ignored, or held for a person, by rule. */
export async function applyDeletions(deps: EngineDeps, entity: SyncEntity, sageIds: string[], ctx: BatchContext): Promise<store.PageReport> {
  const { db } = deps;
  const m = MAPPINGS[entity];
  const report = store.emptyReport();
  const rows = [...(await store.idMapRows(db, entity, sageIds)).values()];
  const { resolved } = await store.openConflicts(db, entity, sageIds);
  const todo = rows.filter((r) => !r.deleted_at || (r.deletion === 'held' && resolved.get(r.sage_id)?.values.__deleted__ !== undefined));
  if (!todo.length) return report;
  const rule = deps.deletionRules?.[entity] ?? 'archive';
  const decide = (r: SyncIdMapRow): DeletionRule => {
    const choice = resolved.get(r.sage_id)?.values.__deleted__;
    if (choice === 'archive') return 'archive';
    if (choice === 'keep') return 'ignore';
    return rule;
  };
  const byRule = { archive: [] as SyncIdMapRow[], ignore: [] as SyncIdMapRow[], hold: [] as SyncIdMapRow[] };
  for (const r of todo) byRule[decide(r)].push(r);
  report.to_hubspot.deleted += byRule.archive.length;
  report.to_hubspot.skipped += byRule.ignore.length;
  report.to_hubspot.conflicts += byRule.hold.filter((r) => r.deletion !== 'held').length;
  if (ctx.dryRun) {
    for (const r of todo.slice(0, MAX_SAMPLES)) report.samples.push({ sageId: r.sage_id, action: `delete:${decide(r)}` });
    return report;
  }
  const archiveIds = byRule.archive.map((r) => r.hubspot_id).filter((x): x is string => !!x);
  if (archiveIds.length) await deps.hubspot.archive(m.primary, archiveIds);
  await db.transaction().execute(async (tx) => {
    const mark = async (list: SyncIdMapRow[], deletion: 'archived' | 'ignored' | 'held') => {
      if (list.length) await tx.updateTable('sync_id_map').set({ deleted_at: new Date(), deletion }).where('id', 'in', list.map((r) => r.id)).execute();
    };
    await mark(byRule.archive, 'archived');
    await mark(byRule.ignore, 'ignored');
    await mark(byRule.hold, 'held');
    for (const r of byRule.hold) {
      if (r.deletion === 'held') continue;
      await store.logConflicts(tx, ctx.runId, entity, r.sage_id, [
        { field: '__deleted__', base: 'present', sage: 'deleted', hubspot: 'present', rule: 'hold', winner: null, value: null },
      ]);
    }
    for (const r of [...byRule.archive, ...byRule.ignore]) await store.markApplied(tx, resolved.get(r.sage_id)?.ids ?? []);
  });
  return report;
}
