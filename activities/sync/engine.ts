/**
 * The sync of one batch of records of one entity: read both sides (and, for records HubSpot does
 * not have yet, what it might already hold under another id), plan field by field (plan.ts, pure;
 * a dry run stops there), apply (apply.ts: journaled writes, then the id map). Idempotent: running
 * it twice on the same input writes nothing the second time (hashes match), and a batch cut short
 * by a crash is completed by the retry, which skips the writes its journal holds. Records gone from
 * Sage go to sage-deletions.ts, objects gone from HubSpot to hubspot-deletions.ts; a customer's
 * other contact persons follow it (contact-persons.ts). Its dependencies: engine-deps.ts.
 */
import { emptyReport, type PageReport, type SyncEntity } from '../../core/contracts/sync.js';
import { eachLimit } from '../../core/semaphore.js';
import { textOf } from '../../core/text-of.js';
import { openConflicts } from '../../db/queries/sync-conflicts.js';
import { recordDuplicates } from '../../db/queries/sync-duplicates.js';
import { customersByContactEmail, idMapRows } from '../../db/queries/sync-idmap.js';
import { savePage } from '../../db/queries/sync-reports.js';
import type { SyncIdMapRow } from '../../db/schema/sync.js';
import { applyPlan } from './apply.js';
import { syncContactPersons } from './contact-persons.js';
import { PERSON_ENTITY } from './contact-persons-plan.js';
import { findDuplicates, sharedContacts } from './duplicates.js';
import type { BatchContext, EngineDeps } from './engine-deps.js';
import type { HubSpotRecord } from './hubspot-port.js';
import { applyGone, decideGone } from './hubspot-deletions.js';
import { openJournal } from './journal.js';
import { MAPPINGS } from './mapping/entities.js';
import { fromSage, getPath, hubspotProperties } from './mapping/project.js';
import type { EntityMapping } from './mapping/types.js';
import { matchCompanies, searchKeys, type MatchKeys, type MatchResult } from './match.js';
import { dryRunReport, MATCH_FIELD, planBatch, unchangedOnSage, type OpenConflicts } from './plan.js';
import { applyDeletions } from './sage-deletions.js';
import type { SourceRecord } from './source.js';

/** Sage reads by id: a few in flight at once (the limiter paces them). */
const SAGE_CONCURRENCY = 4;

/** Syncs these records (given, or fetched by Sage id) of one entity: read, plan, apply. */
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
): Promise<PageReport> {
  const { db } = deps;
  const m = (deps.mappings ?? MAPPINGS)[entity];
  const src = deps.sources[entity];
  const report = emptyReport();

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
  await syncRecordsOf(deps, m, recs, input.skipUnchangedSage ?? false, ctx, report);
  // A customer's other contact persons, once its company exists (their own hashes skip the unchanged).
  if (entity === 'customer' && !ctx.dryRun && recs.size) {
    const persons = await syncContactPersons(deps, [...recs.values()], ctx);
    const c = persons.to_hubspot;
    if (c.created + c.updated + c.deleted + c.errors > 0) await savePage(db, ctx.runId, `${ctx.pageKey}:persons`, PERSON_ENTITY, persons);
  }
  return report;
}

/** Plans and applies these records of one entity (the page's report is filled in). */
async function syncRecordsOf(
  deps: EngineDeps,
  m: EntityMapping,
  recs: Map<string, SourceRecord>,
  skipUnchangedSage: boolean,
  ctx: BatchContext,
  report: PageReport,
): Promise<void> {
  const { db, hubspot } = deps;
  const entity = m.entity;
  const src = deps.sources[entity];
  const beat = (phase: string) => deps.heartbeat?.({ entity, page: ctx.pageKey, phase });
  let ids = [...recs.keys()];
  if (!ids.length) return;

  const rows = await idMapRows(db, entity, ids);
  const conflicts = await openConflicts(db, entity, ids);
  if (skipUnchangedSage) {
    const unchanged = unchangedOnSage(m, recs, rows, conflicts);
    ids = ids.filter((id) => !unchanged.has(id));
    report.to_hubspot.skipped += unchanged.size;
    report.to_sage.skipped += unchanged.size;
    if (!ids.length) return;
  }

  // What HubSpot holds now, for records already linked.
  beat('read-hubspot');
  const props = hubspotProperties(m, m.primary);
  const primIds = ids.map((id) => rows.get(id)?.hubspot_id).filter((x): x is string => !!x);
  const prim = primIds.length ? await hubspot.read(m.primary, primIds, props) : new Map<string, HubSpotRecord>();
  const contactIds = m.secondary ? ids.map((id) => rows.get(id)?.hubspot_contact_id).filter((x): x is string => !!x) : [];
  const contacts = contactIds.length ? await hubspot.read(m.secondary!, contactIds, hubspotProperties(m, m.secondary!)) : new Map<string, HubSpotRecord>();

  // Linked objects deleted in HubSpot: held, mirrored or re-created by rule, never silently re-created.
  const gone = decideGone(entity, ids, rows, prim, conflicts, deps.hubspotDeletionRules ?? {});
  if (gone.size) {
    const out = await applyGone(deps, entity, gone, conflicts, ctx, report);
    ids = ids.filter((id) => !out.has(id));
    if (!ids.length) return;
  }

  // Records with no HubSpot object yet: matched against what HubSpot already has, never duplicated.
  const matches = entity === 'customer' ? await matchNew(deps, m, ids, recs, rows, prim, conflicts) : new Map<string, MatchResult>();

  // Customers sharing an email: one HubSpot contact, owned by the first; reported, never duplicated.
  let shared = new Map<string, string>();
  if (entity === 'customer') {
    const keys = ids.map((id) => {
      const s = fromSage(m, recs.get(id)!.data);
      return {
        sageId: id,
        email: (s.email as string | null) ?? null,
        vatNumber: (s.vatNumber as string | null) ?? null,
        name: (s.name as string | null) ?? null,
      };
    });
    const emails = [...new Set(keys.map((k) => k.email).filter((e): e is string => !!e))];
    const owners = new Map<string, string>();
    if (emails.length) {
      const known = await customersByContactEmail(db, emails);
      for (const k of known) {
        const e = (k.synced_fields as Record<string, unknown> | null)?.email;
        if (typeof e === 'string' && !owners.has(e)) owners.set(e, k.sage_id);
      }
    }
    const groups = findDuplicates(keys, owners);
    shared = sharedContacts(groups);
    if (!ctx.dryRun && groups.length) await recordDuplicates(db, entity, groups);
  }

  const items = planBatch({ mapping: m, ids, recs, rows, prim, contacts, conflicts, shared, matches, overrides: deps.overrides });
  if (ctx.dryRun) {
    const planned = dryRunReport(items);
    planned.to_hubspot.skipped += report.to_hubspot.skipped;
    planned.to_sage.skipped += report.to_sage.skipped;
    planned.to_hubspot.deleted += report.to_hubspot.deleted;
    Object.assign(report, planned);
    return;
  }
  const journal = await openJournal(db, ctx.runId, ctx.pageKey, entity);
  await applyPlan({ db, hubspot, source: src, journal, runId: ctx.runId, beat }, m, items, report);
}

/**
 * Finds, for records with no HubSpot object yet, an object HubSpot already has: one carrying the
 * record's sage_id (written by a run that stopped before its id map), a company without sage_id
 * matched by VAT, domain or name + postcode, or the one a person chose for a held match.
 */
async function matchNew(
  deps: EngineDeps,
  m: EntityMapping,
  ids: readonly string[],
  recs: ReadonlyMap<string, SourceRecord>,
  rows: ReadonlyMap<string, SyncIdMapRow>,
  prim: Map<string, HubSpotRecord>,
  conflicts: OpenConflicts,
): Promise<Map<string, MatchResult>> {
  const fresh = ids.filter((id) => !rows.get(id)?.hubspot_id);
  if (!fresh.length) return new Map();
  const props = [...new Set([...hubspotProperties(m, m.primary), 'domain', 'zip', 'vat_number', 'name'])];
  const chosen = fresh.map((id) => conflicts.resolved.get(id)?.values[MATCH_FIELD]).filter((v): v is string => typeof v === 'string' && v !== 'new');
  if (chosen.length) for (const [k, v] of await deps.hubspot.read(m.primary, chosen, props)) prim.set(k, v);
  const open = fresh.filter((id) => !conflicts.held.get(id)?.has(MATCH_FIELD) && conflicts.resolved.get(id)?.values[MATCH_FIELD] === undefined);
  if (!open.length) return new Map();
  const keys: MatchKeys[] = open.map((id) => {
    const rec = recs.get(id)!;
    const s = fromSage(m, rec.data);
    const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
    return { sageId: id, vatNumber: str(s.vatNumber), domain: str(getPath(rec.data, 'website')), name: str(s.name), postcode: str(s.postcode) };
  });
  // A customer we created from a HubSpot company (reference HS-<id>) whose company did not get its
  // sage_id yet (the creation was cut short): that very company, never a new one.
  const out = new Map<string, MatchResult>();
  const byRef = new Map<string, string>();
  for (const id of open) {
    const ref = /^HS-(\d+)$/.exec(textOf(getPath(recs.get(id)!.data, 'reference') ?? ''))?.[1];
    if (ref) byRef.set(ref, id);
  }
  if (byRef.size) {
    for (const [cid, o] of await deps.hubspot.read(m.primary, [...byRef.keys()], props)) {
      prim.set(cid, o);
      if (!o.properties.sage_id) out.set(byRef.get(cid)!, { kind: 'unique', id: cid, rule: 'reference' });
    }
  }
  const k = searchKeys(keys);
  const found = await deps.hubspot.searchUnlinked(
    m.primary,
    [
      { property: 'vat_number', values: k.vats },
      { property: 'domain', values: k.domains },
      { property: 'zip', values: k.postcodes },
    ],
    open,
    props,
  );
  const candidates = [];
  for (const o of found) {
    prim.set(o.id, o);
    const own = o.properties.sage_id;
    if (own && open.includes(own)) out.set(own, { kind: 'unique', id: o.id, rule: 'sage_id' });
    else if (!own && [...out.values()].some((r) => r.kind === 'unique' && r.id === o.id)) continue;
    else if (!own) candidates.push(o);
  }
  for (const [id, r] of matchCompanies(
    keys.filter((x) => !out.has(x.sageId)),
    candidates,
  ))
    out.set(id, r);
  return out;
}
