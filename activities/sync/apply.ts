/**
 * The applier: carries out a batch's plan (plan.ts) — HubSpot objects by batch upsert on
 * `sage_id` (or adopted by id), the customer's contact, associations, Sage updates — then
 * records what both sides hold in the id map. Each write is journaled per record as soon as it
 * is done (journal.ts), so a page played again skips what had succeeded. Records HubSpot or Sage
 * refuse are reported with their cause and retried by the next run; the others go on.
 */
import type { Db } from '../../db/client.js';
import { eachLimit } from '../../core/semaphore.js';
import { afterWrite } from './conflicts.js';
import { sideHash } from './hashing.js';
import { HubSpotError } from './hubspot-errors.js';
import type { HubSpotGateway, UpsertError } from './hubspot-port.js';
import type { Journal } from './journal.js';
import { fromSage, objectOf, toHubSpot, toSage, type CanonRecord, type HubSpotView } from './mapping/project.js';
import type { EntityMapping } from './mapping/types.js';
import { PARENT_FIELD, type PlannedItem } from './plan.js';
import type { EntitySource } from './source.js';
import type { PageReport } from '../../core/contracts/sync.js';
import { logConflicts, markApplied } from '../../db/queries/sync-conflicts.js';
import { recordDuplicates } from '../../db/queries/sync-duplicates.js';
import { idMapRows, saveIdMap, type IdMapWrite } from '../../db/queries/sync-idmap.js';

export interface ApplyDeps {
  db: Db;
  hubspot: HubSpotGateway;
  source: EntitySource;
  journal: Journal;
  runId: string;
  beat: (phase: string) => void;
}

/** Sage has no batch endpoints: a few single-record calls in flight at once (the limiter paces them). */
const SAGE_CONCURRENCY = 4;
const MAX_SAMPLES = 20;

function nonEmpty(props: Record<string, string | null> | undefined, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props ?? {})) if (!creating || (v ?? '') !== '') out[k] = v ?? '';
  return out;
}

const causeOf = (e: Pick<UpsertError, 'category' | 'status'>) => `hubspot:${e.category ?? e.status}`;
const dateOf = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);
const later = (a: Date | null | undefined, b: Date | null | undefined) => (a && (!b || a > b) ? a : (b ?? null));

/** Why a Sage write failed, for the report. */
export function sageCause(err: unknown): string {
  const e = err as { status?: unknown; code?: unknown; type?: unknown; name?: unknown };
  if (typeof e.status === 'number') return `sage:${e.status}`;
  if (typeof e.type === 'string') return `sage:${e.type}`;
  return `sage:${typeof e.name === 'string' ? e.name : 'error'}`;
}

export async function applyPlan(deps: ApplyDeps, m: EntityMapping, items: readonly PlannedItem[], report: PageReport): Promise<void> {
  const { db, hubspot, journal } = deps;
  const active = items.filter((i) => i.action !== 'skip' && i.action !== 'held');
  report.to_hubspot.skipped += items.filter((i) => i.action === 'skip').length;
  report.to_sage.skipped += items.length - active.length;
  const failed = new Set<string>();
  const fail = (sageId: string, direction: 'to_hubspot' | 'to_sage', cause: string, message: string) => {
    failed.add(sageId);
    report[direction].errors++;
    report.failures.push({ sageId, direction, cause, message });
  };
  const hubProps = new Map<string, HubSpotView>(active.map((i) => [i.id, toHubSpot(m, i.plan.toHubSpot)]));

  // HubSpot: the primary objects — adopted ones by id (they get their sage_id), the rest upserted by sage_id.
  deps.beat('write-hubspot');
  const primIdsBySage = new Map<string, { id: string; created: boolean }>();
  /** HubSpot's own modification stamp of the version we know (read or written). */
  const hubStamp = new Map<string, Date | null>();
  for (const i of active) {
    const done = journal.get<{ id: string; created: boolean; updatedAt: string | null }>('hubspot', i.id);
    if (done) {
      primIdsBySage.set(i.id, { id: done.id, created: done.created });
      hubStamp.set(i.id, dateOf(done.updatedAt));
    } else if (i.hubRec && i.action === 'update') primIdsBySage.set(i.id, { id: i.hubRec.id, created: false });
    if (!hubStamp.has(i.id)) hubStamp.set(i.id, i.hubRec?.updatedAt ?? null);
  }
  const pending = active.filter((i) => !journal.get('hubspot', i.id));
  const adopt = pending.filter((i) => i.action === 'adopt');
  if (adopt.length) {
    const inputs = adopt.map((i) => ({ id: i.hubRec!.id, properties: { ...nonEmpty(hubProps.get(i.id)?.[m.primary], false), sage_id: i.id } }));
    try {
      const stamps = await hubspot.update(m.primary, inputs);
      const done: Array<{ sageId: string; result: Record<string, unknown> }> = [];
      for (const i of adopt) {
        if (!stamps.has(i.hubRec!.id)) {
          fail(i.id, 'to_hubspot', 'hubspot:OBJECT_NOT_FOUND', `${m.primary} ${i.hubRec!.id} to adopt no longer exists`);
          continue;
        }
        const at = stamps.get(i.hubRec!.id) ?? null;
        primIdsBySage.set(i.id, { id: i.hubRec!.id, created: true });
        hubStamp.set(i.id, at);
        done.push({ sageId: i.id, result: { id: i.hubRec!.id, created: true, adopted: true, updatedAt: at?.toISOString() ?? null } });
      }
      await journal.record('hubspot', done);
    } catch (e) {
      if (!(e instanceof HubSpotError) || e.status >= 500 || e.status === 401 || e.status === 403) throw e;
      for (const i of adopt) fail(i.id, 'to_hubspot', `hubspot:${e.category ?? e.status}`, e.message);
    }
  }
  const upserts = pending
    .filter((i) => i.action !== 'adopt' && (i.action === 'create' || Object.keys(hubProps.get(i.id)?.[m.primary] ?? {}).length > 0))
    .map((i) => ({ sageId: i.id, properties: nonEmpty(hubProps.get(i.id)?.[m.primary], i.action === 'create') }));
  if (upserts.length) {
    const res = await hubspot.upsert(m.primary, upserts);
    const done: Array<{ sageId: string; result: Record<string, unknown> }> = [];
    for (const [k, v] of res.ids) {
      const created = !primIdsBySage.has(k) && (v.created || !items.find((i) => i.id === k)?.row?.hubspot_id);
      primIdsBySage.set(k, { id: v.id, created });
      hubStamp.set(k, v.updatedAt);
      done.push({ sageId: k, result: { id: v.id, created, updatedAt: v.updatedAt?.toISOString() ?? null } });
    }
    await journal.record('hubspot', done);
    for (const e of res.errors) if (e.sageId) fail(e.sageId, 'to_hubspot', causeOf(e), e.message);
    for (const inp of upserts)
      if (!res.ids.has(inp.sageId) && !failed.has(inp.sageId)) fail(inp.sageId, 'to_hubspot', 'hubspot:unknown', 'HubSpot returned no object for this record');
  }

  // The customer's own contact.
  const contactBySage = new Map<string, string>();
  const newContacts = new Set<string>();
  if (m.secondary) {
    for (const i of active) if (i.contactRec && !i.sharedWith) contactBySage.set(i.id, i.contactRec.id);
    for (const i of active) {
      const done = journal.get<{ id: string; isNew: boolean; updatedAt: string | null }>('contact', i.id);
      if (!done) continue;
      contactBySage.set(i.id, done.id);
      if (done.isNew) newContacts.add(i.id);
      hubStamp.set(i.id, later(dateOf(done.updatedAt), hubStamp.get(i.id)));
    }
    const inputs = active
      .filter((i) => !failed.has(i.id) && !i.foreignContact && !journal.get('contact', i.id))
      .map((i) => ({ i, props: nonEmpty(hubProps.get(i.id)?.[m.secondary!], !i.contactRec) }))
      .filter(({ i, props }) => Object.keys(props).length > 0 && (i.contactRec || Object.values(props).some((v) => v !== '')))
      .map(({ i, props }) => ({ sageId: i.id, properties: props }));
    if (inputs.length) {
      const res = await hubspot.upsert(m.secondary, inputs);
      const written = new Map<string, { id: string; at: Date | null }>();
      for (const [k, v] of res.ids) written.set(k, { id: v.id, at: v.updatedAt });
      // A contact HubSpot already had under this email (made by a person, no sage_id): adopted, not
      // duplicated. HubSpot's CONFLICT error names it.
      const adoptable: Array<{ sageId: string; id: string }> = [];
      for (const e of res.errors) {
        if (!e.sageId) continue;
        if (e.existingId) adoptable.push({ sageId: e.sageId, id: e.existingId });
        else fail(e.sageId, 'to_hubspot', causeOf(e), e.message);
      }
      if (adoptable.length) {
        const current = await hubspot.read(
          m.secondary,
          adoptable.map((a) => a.id),
          ['sage_id', 'email'],
        );
        const free = adoptable.filter((a) => current.has(a.id) && !current.get(a.id)!.properties.sage_id);
        for (const a of adoptable) {
          if (free.includes(a)) continue;
          const owner = current.get(a.id)?.properties.sage_id;
          fail(
            a.sageId,
            'to_hubspot',
            'hubspot:CONFLICT',
            owner ? `contact ${a.id} holding this email belongs to Sage record ${owner}` : `contact ${a.id} holding this email no longer exists`,
          );
        }
        const props = new Map(inputs.map((inp) => [inp.sageId, inp.properties]));
        const stamps = free.length
          ? await hubspot.update(
              m.secondary,
              free.map((a) => ({ id: a.id, properties: { ...props.get(a.sageId), sage_id: a.sageId } })),
            )
          : new Map<string, Date | null>();
        for (const a of free) written.set(a.sageId, { id: a.id, at: stamps.get(a.id) ?? null });
        if (free.length) {
          await recordDuplicates(
            db,
            m.entity,
            free.map((a) => ({ rule: 'email' as const, key: `hubspot:${current.get(a.id)!.properties.email ?? a.id}`, sageIds: [a.sageId], owner: a.sageId })),
          );
        }
      }
      const done: Array<{ sageId: string; result: Record<string, unknown> }> = [];
      for (const [k, w] of written) {
        const isNew = !contactBySage.has(k);
        if (isNew) newContacts.add(k);
        contactBySage.set(k, w.id);
        hubStamp.set(k, later(w.at, hubStamp.get(k)));
        done.push({ sageId: k, result: { id: w.id, isNew, updatedAt: w.at?.toISOString() ?? null } });
      }
      await journal.record('contact', done);
      for (const inp of inputs)
        if (!written.has(inp.sageId) && !failed.has(inp.sageId))
          fail(inp.sageId, 'to_hubspot', 'hubspot:unknown', 'HubSpot returned no contact for this record');
    }
    // Customers sharing another's contact: linked to it.
    const owners = [...new Set(active.filter((i) => i.sharedWith).map((i) => i.sharedWith!))].filter((o) => !contactBySage.has(o));
    if (owners.length) {
      const ownerRows = await idMapRows(db, m.entity, owners);
      for (const [k, r] of ownerRows) if (r.hubspot_contact_id) contactBySage.set(k, r.hubspot_contact_id);
    }
    // A customer's own contact has its company as primary company; a contact shared with other customers is plainly associated to theirs.
    const pairs: Array<[string, string]> = [];
    const primary: Array<[string, string]> = [];
    for (const i of active) {
      if (failed.has(i.id)) continue;
      const company = primIdsBySage.get(i.id);
      const contact = i.sharedWith ? contactBySage.get(i.sharedWith) : contactBySage.get(i.id);
      if (!company || !contact) continue;
      if (i.sharedWith) contactBySage.set(i.id, contact);
      if (company.created || newContacts.has(i.id) || (i.sharedWith && i.row?.hubspot_contact_id !== contact))
        (i.sharedWith ? pairs : primary).push([contact, company.id]);
    }
    if (primary.length) await hubspot.associatePrimary(primary);
    if (pairs.length) await hubspot.associate('contacts', 'companies', pairs);
  }

  // Deals, invoices, tickets: associated with their customer's company, kept current — a record
  // moved to another customer in Sage leaves the old company and joins the new one.
  if (m.parentPath) {
    const linked = active.filter((i) => !failed.has(i.id) && primIdsBySage.get(i.id));
    const moved = linked.filter((i) => primIdsBySage.get(i.id)!.created || i.prevParent !== i.parent);
    const parentIds = [...new Set(moved.flatMap((i) => [i.parent, i.prevParent]).filter((x): x is string => !!x))];
    const parents = await idMapRows(db, 'customer', parentIds);
    const add: Array<[string, string]> = [];
    const remove: Array<[string, string]> = [];
    for (const i of moved) {
      const id = primIdsBySage.get(i.id)!.id;
      const now = i.parent ? parents.get(i.parent)?.hubspot_id : undefined;
      const before = i.prevParent ? parents.get(i.prevParent)?.hubspot_id : undefined;
      if (now) add.push([id, now]);
      if (before && before !== now && !primIdsBySage.get(i.id)!.created) remove.push([id, before]);
    }
    if (remove.length) await hubspot.unassociate(m.primary, 'companies', remove);
    if (add.length) await hubspot.associate(m.primary, 'companies', add);
  }

  // Sage: HubSpot-owned changes written back, one record at a time (Sage has no batch writes).
  deps.beat('write-sage');
  const sageAfter = new Map<string, { canon: CanonRecord; at: Date | null }>();
  await eachLimit(active, SAGE_CONCURRENCY, async (i) => {
    if (failed.has(i.id) || !Object.keys(i.plan.toSage).length) return;
    const done = journal.get<{ canon: CanonRecord; at: string | null }>('sage', i.id);
    if (done) {
      sageAfter.set(i.id, { canon: done.canon, at: dateOf(done.at) });
      report.to_sage.updated++;
      return;
    }
    try {
      const written = await deps.source.update(i.id, toSage(m, i.plan.toSage));
      const canon = fromSage(m, written.data);
      sageAfter.set(i.id, { canon, at: written.updatedAt });
      await journal.record('sage', [{ sageId: i.id, result: { canon, at: written.updatedAt?.toISOString() ?? null } }]);
      report.to_sage.updated++;
    } catch (err) {
      fail(i.id, 'to_sage', sageCause(err), (err as Error).message);
      if (report.samples.length < MAX_SAMPLES) report.samples.push({ sageId: i.id, error: (err as Error).message });
    }
  });

  // Remember what both sides hold now; conflicts into the log.
  const writes: IdMapWrite[] = [];
  for (const i of active) {
    if (failed.has(i.id)) continue;
    const primary = primIdsBySage.get(i.id);
    const sageNow = sageAfter.get(i.id)?.canon ?? i.sage;
    const hubNow = afterWrite(m, i.hub, i.plan.toHubSpot);
    if (i.foreignContact) for (const f of m.fields) if (objectOf(m, f) === m.secondary) hubNow[f.field] = sageNow[f.field] ?? null;
    writes.push({
      entity: m.entity,
      sageId: i.id,
      hubspotId: primary?.id ?? null,
      contactId: contactBySage.get(i.id) ?? null,
      sageHash: sideHash(m.version, sageNow),
      hubspotHash: sideHash(m.version, hubNow),
      fields: m.parentPath ? { ...i.plan.merged, [PARENT_FIELD]: i.parent } : i.plan.merged,
      version: m.version,
      sageUpdatedAt: sageAfter.get(i.id)?.at ?? i.rec.updatedAt,
      hubspotUpdatedAt: hubStamp.get(i.id) ?? null,
    });
    if (i.action === 'create') report.to_hubspot.created++;
    else if (i.action === 'adopt' || Object.keys(i.plan.toHubSpot).length) report.to_hubspot.updated++;
    else report.to_hubspot.skipped++;
    if (!Object.keys(i.plan.toSage).length) report.to_sage.skipped++;
    report.to_hubspot.conflicts += i.plan.conflicts.length;
    if (i.action === 'adopt' && report.samples.length < MAX_SAMPLES) report.samples.push({ sageId: i.id, action: 'adopt', hubspotId: primary?.id });
  }
  const held = items.filter((i) => i.matchConflict);
  report.to_hubspot.conflicts += held.length;
  await db.transaction().execute(async (tx) => {
    await saveIdMap(tx, writes);
    for (const i of active) {
      if (failed.has(i.id)) continue;
      if (i.plan.conflicts.length) await logConflicts(tx, deps.runId, m.entity, i.id, i.plan.conflicts);
      await markApplied(tx, i.resolvedIds);
    }
    for (const i of held) await logConflicts(tx, deps.runId, m.entity, i.id, [i.matchConflict!]);
  });
}
