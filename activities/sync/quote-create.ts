/**
 * HubSpot -> Sage quotes: deals created in HubSpot (no `sage_id`) on a company linked to a Sage
 * customer, meeting the agency's rule, become Sage quotes (quote-create-plan.ts decides the body).
 * Idempotent at every step: the quote carries the reference `HS-DEAL-<dealId>` and the adapter
 * looks it up before creating, the creation is journaled, the deal gets the quote's `sage_id`
 * before the id map is written (a deal found with a `sage_id` but no id map row is linked, never
 * created again). Missing customer, amount or name holds the creation for a person (a
 * `__create__` conflict on entity `quote`, logged once); fixed in HubSpot, it proceeds.
 */
import { eachLimit } from '../../core/semaphore.js';
import { sageCause } from './apply.js';
import type { BatchContext, EngineDeps } from './engine-deps.js';
import { syncBatch } from './engine.js';
import type { HubSpotRecord } from './hubspot-port.js';
import { openJournal } from './journal.js';
import type { UpsertResult } from './sage/port.js';
import { qualifies, type CreateRule } from './sage-create-plan.js';
import { heldCreations, holdCreation } from './held-creations.js';
import { pendingQuoteKey, sageQuoteFields, type QuoteTaxRate } from './quote-create-plan.js';
import { emptyReport, type PageReport } from '../../core/contracts/sync.js';
import { markApplied } from '../../db/queries/sync-conflicts.js';
import { liveCustomersOfCompanies, unlinkedHubSpotIds } from '../../db/queries/sync-idmap.js';

export interface QuoteCreateDeps extends EngineDeps {
  quoteRule: CreateRule | null;
  taxRate: QuoteTaxRate;
  upsertQuote?: (reference: string, fields: Record<string, unknown>) => Promise<UpsertResult>;
}

const PROPS = ['dealname', 'amount', 'dealstage', 'closedate', 'description', 'sage_id'];
const MAX_SAMPLES = 20;

/** Creates Sage quotes for these deals (webhook path), or for every qualifying deal without `sage_id` (`dealIds` null). */
export async function createQuotesFromHubSpot(deps: QuoteCreateDeps, dealIds: string[] | null, ctx: BatchContext): Promise<PageReport> {
  const { db, hubspot, quoteRule: rule } = deps;
  const report = emptyReport();
  if (!rule || !deps.upsertQuote || (dealIds && !dealIds.length)) return report;
  const props = [...new Set([...PROPS, rule.property])];
  const deals: HubSpotRecord[] = dealIds
    ? [...(await hubspot.read('deals', dealIds, props)).values()]
    : await hubspot.searchUnlinked('deals', [{ property: rule.property, values: rule.values }], [], props);
  if (!deals.length) return report;
  const unlinked = new Set(
    await unlinkedHubSpotIds(
      db,
      'quote',
      deals.map((d) => d.id),
    ),
  );
  const relink = new Set<string>();
  const todo: HubSpotRecord[] = [];
  for (const d of deals) {
    if (!unlinked.has(d.id)) continue;
    if (d.properties.sage_id) relink.add(d.properties.sage_id);
    else if (qualifies(rule, d.properties)) todo.push(d);
  }

  // Each deal's customer: its (first) company linked to a Sage customer.
  const assoc = todo.length
    ? await hubspot.associationsOf(
        'deals',
        'companies',
        todo.map((d) => d.id),
      )
    : new Map<string, Array<{ id: string }>>();
  const companyIds = [...new Set([...assoc.values()].flat().map((a) => a.id))];
  const linked = companyIds.length ? await liveCustomersOfCompanies(db, companyIds) : [];
  const customerOf = new Map(linked.map((r) => [r.hubspot_id!, r.sage_id]));
  const heldIds = await heldCreations(
    db,
    'quote',
    todo.map((d) => pendingQuoteKey(d.id)),
  );

  const today = new Date().toISOString().slice(0, 10);
  const ready: Array<{ d: HubSpotRecord; fields: Record<string, unknown> }> = [];
  for (const d of todo) {
    const customer = (assoc.get(d.id) ?? []).map((a) => customerOf.get(a.id)).find((x) => !!x) ?? null;
    const { fields, missing } = sageQuoteFields(d, customer, deps.taxRate, today);
    if (!missing.length) {
      ready.push({ d, fields });
      continue;
    }
    await holdCreation(db, ctx, report, heldIds, {
      entity: 'quote',
      key: pendingQuoteKey(d.id),
      hubspotId: d.id,
      action: 'hold-create-quote',
      value: { dealId: d.id, name: d.properties.dealname ?? null },
      missing,
    });
  }
  if (ctx.dryRun) {
    report.to_sage.created += ready.length;
    for (const r of ready.slice(0, MAX_SAMPLES - report.samples.length))
      report.samples.push({ hubspotId: r.d.id, action: 'create-quote-in-sage', toSage: r.fields });
    return report;
  }

  // Sage: one quote per deal, found by its reference before any creation.
  const journal = await openJournal(db, ctx.runId, `${ctx.pageKey}:quotes`, 'quote');
  const made = new Map<string, string>(); // deal id -> Sage quote id
  await eachLimit(ready, 4, async ({ d, fields }) => {
    const done = journal.get<{ sageId: string }>('quote-create', pendingQuoteKey(d.id));
    if (done) {
      made.set(d.id, done.sageId);
      return;
    }
    deps.heartbeat?.({ entity: 'quote', page: ctx.pageKey, phase: 'create-quote-in-sage', done: made.size });
    try {
      const r = await deps.upsertQuote!(String(fields.reference), fields);
      made.set(d.id, r.record.id);
      await journal.record('quote-create', [{ sageId: pendingQuoteKey(d.id), result: { sageId: r.record.id, created: r.created } }]);
    } catch (err) {
      report.to_sage.errors++;
      report.failures.push({ sageId: pendingQuoteKey(d.id), direction: 'to_sage', cause: sageCause(err), message: (err as Error).message });
    }
  });
  report.to_sage.created += made.size;

  // HubSpot: the deal gets the quote's Sage id, so the sync links it, never duplicates it.
  const inputs = [...made].map(([id, sageId]) => ({ id, properties: { sage_id: sageId } }));
  if (inputs.length) await hubspot.update('deals', inputs);
  await markApplied(
    db,
    ready.filter((r) => made.has(r.d.id) && heldIds.has(pendingQuoteKey(r.d.id))).map((r) => heldIds.get(pendingQuoteKey(r.d.id))!),
  );

  // Linked like any quote: id map, hashes, association with the customer's company.
  const sageIds = [...new Set([...made.values(), ...relink])];
  if (sageIds.length) {
    const linkedReport = await syncBatch(deps, 'quote', { sageIds }, { ...ctx, pageKey: `${ctx.pageKey}:link` });
    report.failures.push(...linkedReport.failures);
    report.to_hubspot.errors += linkedReport.to_hubspot.errors;
  }
  return report;
}
