/**
 * HubSpot -> Sage creation: companies that meet the agency's rule and have no Sage customer become
 * one, with their primary contact as its main contact person. Idempotent at every step: the Sage
 * customer carries the reference `HS-<companyId>` (Sage keeps references unique, and the adapter
 * looks it up before creating), each creation is journaled, the company and contact get the new
 * `sage_id` before the id map is written, and a company found with a `sage_id` but no id map row
 * (a run cut short) is linked, never created again. Missing required data holds the creation for a
 * person (a `__create__` conflict naming the fields); once fixed in HubSpot, it proceeds.
 */
import { eachLimit } from '../../core/semaphore.js';
import { sageCause } from './apply.js';
import type { BatchContext, EngineDeps } from './engine-deps.js';
import { syncBatch } from './engine.js';
import { HubSpotError } from './hubspot-errors.js';
import type { HubSpotRecord } from './hubspot-port.js';
import { heldCreations, holdCreation } from './held-creations.js';
import { openJournal } from './journal.js';
import { MAPPINGS } from './mapping/entities.js';
import { hubspotProperties } from './mapping/project.js';
import type { UpsertResult } from './sage/port.js';
import { pendingKey, primaryContactId, qualifies, sageCustomerFields, sageReference, type CreateRule } from './sage-create-plan.js';
import { emptyReport, type PageReport } from '../../core/contracts/sync.js';
import { markApplied } from '../../db/queries/sync-conflicts.js';
import { unlinkedHubSpotIds } from '../../db/queries/sync-idmap.js';

export interface CreateDeps extends EngineDeps {
  rule: CreateRule | null;
  required: readonly string[];
  upsertCustomer(reference: string, fields: Record<string, unknown>): Promise<UpsertResult>;
}

const SAGE_CONCURRENCY = 4;
const MAX_SAMPLES = 20;

/**
 * Creates Sage customers for these companies (webhook path), or for every qualifying company
 * without `sage_id` (`companyIds` null: the scheduled runs), then syncs them as linked customers.
 */
export async function createFromHubSpot(deps: CreateDeps, companyIds: string[] | null, ctx: BatchContext): Promise<PageReport> {
  const { db, hubspot, rule } = deps;
  const m = (deps.mappings ?? MAPPINGS).customer;
  const report = emptyReport();
  if (!rule || (companyIds && !companyIds.length)) return report;
  const props = [...new Set([...hubspotProperties(m, 'companies'), rule.property])];
  const companies: HubSpotRecord[] = companyIds
    ? [...(await hubspot.read('companies', companyIds, props)).values()]
    : await hubspot.searchUnlinked('companies', [{ property: rule.property, values: rule.values }], [], props);
  if (!companies.length) return report;
  const unlinked = new Set(
    await unlinkedHubSpotIds(
      db,
      'customer',
      companies.map((c) => c.id),
    ),
  );
  const relink = new Set<string>();
  const todo: HubSpotRecord[] = [];
  for (const c of companies) {
    if (!unlinked.has(c.id)) continue;
    if (c.properties.sage_id) relink.add(c.properties.sage_id);
    else if (qualifies(rule, c.properties)) todo.push(c);
  }

  const assoc = todo.length
    ? await hubspot.associationsOf(
        'companies',
        'contacts',
        todo.map((c) => c.id),
      )
    : new Map();
  const contactIds = todo.map((c) => primaryContactId(assoc.get(c.id))).filter((x): x is string => !!x);
  const contacts = contactIds.length ? await hubspot.read('contacts', contactIds, hubspotProperties(m, 'contacts')) : new Map<string, HubSpotRecord>();
  const heldIds = await heldCreations(
    db,
    'customer',
    todo.map((c) => pendingKey(c.id)),
  );

  const ready: Array<{ c: HubSpotRecord; contact: HubSpotRecord | undefined; fields: Record<string, unknown> }> = [];
  for (const c of todo) {
    const cid = primaryContactId(assoc.get(c.id));
    const contact = cid ? contacts.get(cid) : undefined;
    const { fields, missing } = sageCustomerFields(m, c, contact, deps.required);
    if (!missing.length) {
      ready.push({ c, contact, fields });
      continue;
    }
    await holdCreation(db, ctx, report, heldIds, {
      entity: 'customer',
      key: pendingKey(c.id),
      hubspotId: c.id,
      action: 'hold-create',
      value: { companyId: c.id, name: c.properties.name ?? null },
      missing,
    });
  }
  if (ctx.dryRun) {
    report.to_sage.created += ready.length;
    for (const r of ready.slice(0, MAX_SAMPLES - report.samples.length)) report.samples.push({ hubspotId: r.c.id, action: 'create-in-sage', toSage: r.fields });
    return report;
  }

  // Sage: one customer per company, found by its reference before any creation.
  const journal = await openJournal(db, ctx.runId, `${ctx.pageKey}:create`, 'customer');
  const made = new Map<string, string>(); // company id -> Sage id
  await eachLimit(ready, SAGE_CONCURRENCY, async ({ c, fields }) => {
    const done = journal.get<{ sageId: string }>('sage-create', pendingKey(c.id));
    if (done) {
      made.set(c.id, done.sageId);
      return;
    }
    deps.heartbeat?.({ entity: 'customer', page: ctx.pageKey, phase: 'create-in-sage', done: made.size });
    try {
      const r = await deps.upsertCustomer(sageReference(c.id), fields);
      made.set(c.id, r.record.id);
      await journal.record('sage-create', [{ sageId: pendingKey(c.id), result: { sageId: r.record.id, created: r.created } }]);
    } catch (err) {
      report.to_sage.errors++;
      report.failures.push({ sageId: pendingKey(c.id), direction: 'to_sage', cause: sageCause(err), message: (err as Error).message });
    }
  });
  report.to_sage.created += made.size;

  // HubSpot: the company and its (free) contact get the Sage id, so the sync links them, never duplicates.
  const companyInputs = ready.filter((r) => made.has(r.c.id)).map((r) => ({ id: r.c.id, properties: { sage_id: made.get(r.c.id)! } }));
  await tagWithSageId(deps, 'companies', companyInputs, report);
  const contactInputs = ready
    .filter((r) => made.has(r.c.id) && r.contact && !r.contact.properties.sage_id)
    .map((r) => ({ id: r.contact!.id, properties: { sage_id: made.get(r.c.id)! } }));
  await tagWithSageId(deps, 'contacts', contactInputs, report);
  const resolved = ready.filter((r) => made.has(r.c.id) && heldIds.has(pendingKey(r.c.id))).map((r) => heldIds.get(pendingKey(r.c.id))!);
  await markApplied(db, resolved);

  // Linked like any customer: id map, hashes, the Sage reference back on the company.
  const sageIds = [...new Set([...made.values(), ...relink])];
  if (sageIds.length) {
    const linkedReport = await syncBatch(deps, 'customer', { sageIds }, { ...ctx, pageKey: `${ctx.pageKey}:link` });
    report.failures.push(...linkedReport.failures);
    report.to_hubspot.errors += linkedReport.to_hubspot.errors;
  }
  return report;
}

/**
 * Sets `sage_id` on these objects in one batch; if HubSpot refuses it because another object
 * already holds that Sage id (409), one by one, each refusal reported for its record.
 */
async function tagWithSageId(
  deps: CreateDeps,
  object: 'companies' | 'contacts',
  inputs: Array<{ id: string; properties: { sage_id: string } }>,
  report: PageReport,
): Promise<void> {
  if (!inputs.length) return;
  try {
    await deps.hubspot.update(object, inputs);
  } catch (e) {
    if (!(e instanceof HubSpotError) || e.status !== 409) throw e;
    for (const input of inputs) {
      try {
        await deps.hubspot.update(object, [input]);
      } catch (err) {
        if (!(err instanceof HubSpotError) || err.status !== 409) throw err;
        report.to_hubspot.errors++;
        report.failures.push({ sageId: input.properties.sage_id, direction: 'to_hubspot', cause: 'hubspot:CONFLICT', message: err.message });
      }
    }
  }
}
