/**
 * A batch of customers' other contact persons written to HubSpot, after the customers themselves
 * (contact-persons-plan.ts decides): each becomes a contact upserted by `sage_id` (the person's
 * Sage id; a contact a person had already made with that email is adopted from HubSpot's
 * structured CONFLICT error), associated with its customer's company by the plain association
 * (279 / 280; the primary label stays with the customer's main contact). A person moved to another
 * customer leaves the old company and joins the new one; a person deleted in Sage loses its
 * association and its contact follows SYNC_DELETION_RULES (`contact_person=archive|ignore`).
 * Idempotent: upserts by `sage_id`, the write journaled per person, the id map written last.
 */
import { markPersonsDeleted, personRows, savePersonRows, type PersonMapRow } from '../../db/queries/sync.js';
import type { BatchContext, EngineDeps } from './engine-deps.js';
import { openJournal } from './journal.js';
import { otherPersons, planPersons, type SagePerson } from './contact-persons-plan.js';
import type { SourceRecord } from './source.js';
import { emptyReport, type PageReport } from '../../core/contracts/sync.js';
import { idMapRows } from '../../db/queries/sync-idmap.js';

const MAX_SAMPLES = 20;

/** Syncs the contact persons of these customers (already written to HubSpot); returns the page report. */
export async function syncContactPersons(deps: EngineDeps, customers: readonly SourceRecord[], ctx: BatchContext): Promise<PageReport> {
  const { db, hubspot } = deps;
  const report = emptyReport();
  const companies = await idMapRows(
    db,
    'customer',
    customers.map((c) => c.id),
  );
  const byCustomer = new Map<string, SagePerson[]>();
  for (const c of customers) if (companies.get(c.id)?.hubspot_id && !companies.get(c.id)?.deleted_at) byCustomer.set(c.id, otherPersons(c.id, c.data));
  if (!byCustomer.size) return report;
  const listedIds = [...byCustomer.values()].flat().map((p) => p.id);
  const rows = await personRows(db, listedIds, [...byCustomer.keys()]);
  const plan = planPersons(byCustomer, rows);
  const companyOf = (customer: string | null) => (customer ? (companies.get(customer)?.hubspot_id ?? null) : null);
  report.to_hubspot.created += plan.links.filter((l) => !rows.get(l.personId)?.hubspotId).length;
  report.to_hubspot.updated += plan.writes.filter((w) => rows.get(w.id)?.hubspotId).length;
  report.to_hubspot.skipped += plan.listed.length - plan.writes.length;
  if (ctx.dryRun) {
    for (const w of plan.writes.slice(0, MAX_SAMPLES))
      report.samples.push({ sageId: w.id, action: rows.get(w.id)?.hubspotId ? 'update-person' : 'create-person', customer: w.customer });
    return report;
  }
  deps.heartbeat?.({ entity: 'contact_person', page: ctx.pageKey, phase: 'write-hubspot' });

  // HubSpot contacts, by sage_id; each write journaled so a retried page skips it.
  const journal = await openJournal(db, ctx.runId, `${ctx.pageKey}:persons`, 'customer');
  const contactOf = new Map<string, string>();
  for (const [id, r] of rows) if (r.hubspotId) contactOf.set(id, r.hubspotId);
  for (const p of plan.writes) {
    const done = journal.get<{ id: string }>('person', p.id);
    if (done) contactOf.set(p.id, done.id);
  }
  const failed = new Set<string>();
  const fail = (sageId: string, cause: string, message: string) => {
    failed.add(sageId);
    report.to_hubspot.errors++;
    report.failures.push({ sageId, direction: 'to_hubspot', cause, message });
  };
  const todo = plan.writes.filter((p) => !journal.get('person', p.id));
  if (todo.length) {
    const res = await hubspot.upsert(
      'contacts',
      todo.map((p) => ({ sageId: p.id, properties: p.properties })),
    );
    const written = new Map<string, string>();
    for (const [k, v] of res.ids) written.set(k, v.id);
    const adoptable: Array<{ sageId: string; id: string }> = [];
    for (const e of res.errors) {
      if (!e.sageId) continue;
      if (e.existingId) adoptable.push({ sageId: e.sageId, id: e.existingId });
      else fail(e.sageId, `hubspot:${e.category ?? e.status}`, e.message);
    }
    if (adoptable.length) {
      // A contact a person made in HubSpot with this email (no sage_id): adopted, never duplicated.
      const current = await hubspot.read(
        'contacts',
        adoptable.map((a) => a.id),
        ['sage_id'],
      );
      const free = adoptable.filter((a) => current.has(a.id) && !current.get(a.id)!.properties.sage_id);
      for (const a of adoptable) {
        if (free.includes(a)) continue;
        const owner = current.get(a.id)?.properties.sage_id;
        fail(
          a.sageId,
          'hubspot:CONFLICT',
          owner ? `contact ${a.id} holding this email belongs to Sage record ${owner}` : `contact ${a.id} holding this email no longer exists`,
        );
      }
      const props = new Map(todo.map((p) => [p.id, p.properties]));
      if (free.length)
        await hubspot.update(
          'contacts',
          free.map((a) => ({ id: a.id, properties: { ...props.get(a.sageId), sage_id: a.sageId } })),
        );
      for (const a of free) written.set(a.sageId, a.id);
    }
    await journal.record(
      'person',
      [...written].map(([sageId, id]) => ({ sageId, result: { id } })),
    );
    for (const [k, id] of written) contactOf.set(k, id);
  }

  // Associations: a new or moved person joins its customer's company and leaves the previous one.
  const add: Array<[string, string]> = [];
  const remove: Array<[string, string]> = [];
  for (const l of plan.links) {
    const contact = contactOf.get(l.personId);
    const company = companyOf(l.customer);
    if (!contact || !company || failed.has(l.personId)) continue;
    add.push([contact, company]);
    const before = companyOf(l.previous) ?? (l.previous ? await previousCompany(deps, l.previous) : null);
    if (before && before !== company) remove.push([contact, before]);
  }

  // Persons no customer of the batch lists any more: deleted in Sage (rule), or moved elsewhere.
  const rule = deps.deletionRules?.contact_person === 'ignore' ? 'ignored' : 'archived';
  const deleted: PersonMapRow[] = [];
  const movedAway: PersonMapRow[] = [];
  for (const r of plan.vanished) {
    if (!r.hubspotId) continue;
    const there = deps.contactPersonExists ? await deps.contactPersonExists(r.sageId) : true;
    (there ? movedAway : deleted).push(r);
    const company = companyOf(r.customer);
    if (company) remove.push([r.hubspotId, company]);
  }
  if (remove.length) await hubspot.unassociate('contacts', 'companies', remove);
  if (add.length) await hubspot.associate('contacts', 'companies', add);
  const archive = rule === 'archived' ? deleted.map((r) => r.hubspotId!) : [];
  if (archive.length) await hubspot.archive('contacts', archive);
  report.to_hubspot.deleted += deleted.length;

  // The id map, last: what HubSpot holds for each person now.
  await db.transaction().execute(async (tx) => {
    await savePersonRows(tx, [
      ...plan.listed
        .filter((p) => contactOf.has(p.id) && !failed.has(p.id))
        .map((p) => ({ sageId: p.id, hubspotId: contactOf.get(p.id)!, customer: p.customer, hash: p.hash })),
      ...movedAway.map((r) => ({ ...r, customer: null })),
    ]);
    await markPersonsDeleted(
      tx,
      deleted.map((r) => r.sageId),
      rule,
    );
  });
  return report;
}

/** The HubSpot company of a customer outside the batch (a person moved from it). */
async function previousCompany(deps: EngineDeps, customer: string): Promise<string | null> {
  return (await idMapRows(deps.db, 'customer', [customer])).get(customer)?.hubspot_id ?? null;
}
