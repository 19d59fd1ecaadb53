/** Queries over the concierge tables: plain functions taking a Kysely handle. */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/client.js';
import type { Updateable } from 'kysely';
import type { ConciergeOrder, ConciergeOrdersTable } from '../../db/schema/concierge.js';
import type { OrderInput, Registrant, SiteSpec } from './order-validation.js';
import type { OrderPhase, TimelineEntry } from './timeline.js';

export async function insertOrder(db: DbOrTx, id: string, input: OrderInput, currency: string): Promise<void> {
  await db
    .insertInto('concierge_orders')
    .values({
      id,
      business_name: input.businessName,
      contact_email: input.contactEmail,
      desired_domain: input.desiredDomain,
      domain: input.desiredDomain,
      plan: input.plan,
      urgent: input.urgent,
      locale: input.locale,
      site: JSON.stringify(input.site),
      registrant: JSON.stringify(input.registrant),
      currency,
    })
    .execute();
}

export async function getOrder(db: DbOrTx, id: string): Promise<ConciergeOrder | undefined> {
  return db.selectFrom('concierge_orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function mustGetOrder(db: DbOrTx, id: string): Promise<ConciergeOrder> {
  const o = await getOrder(db, id);
  if (!o) throw new Error(`concierge order ${id} not found`);
  return o;
}

export const siteOf = (o: ConciergeOrder) => o.site as SiteSpec;
export const registrantOf = (o: ConciergeOrder) => o.registrant as Registrant;

export async function updateOrder(db: DbOrTx, id: string, set: Updateable<ConciergeOrdersTable>): Promise<void> {
  await db
    .updateTable('concierge_orders')
    .set({ ...set, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Appends a phase to the order's timeline unless it is already its latest entry (retries). */
export async function recordPhase(db: DbOrTx, id: string, phase: OrderPhase, at: string, detail?: string): Promise<void> {
  const last = await db.selectFrom('concierge_events').select(['seq', 'phase']).where('order_id', '=', id).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (last?.phase !== phase) {
    await db
      .insertInto('concierge_events')
      .values({ order_id: id, seq: (last?.seq ?? 0) + 1, phase, at, detail: detail ?? null })
      .onConflict((oc) => oc.columns(['order_id', 'seq']).doNothing())
      .execute();
  }
  await db.updateTable('concierge_orders').set({ phase, updated_at: sql<string>`now()` }).where('id', '=', id).execute();
}

export async function timelineOf(db: DbOrTx, id: string): Promise<TimelineEntry[]> {
  const rows = await db.selectFrom('concierge_events').selectAll().where('order_id', '=', id).orderBy('seq').execute();
  return rows.map((r) => ({ phase: r.phase as OrderPhase, at: r.at.toISOString(), ...(r.detail ? { detail: r.detail } : {}) }));
}

/** The order's phase and the status of its checkout row for `sessionId` (for the payment webhook). */
export async function paymentTargetOf(db: DbOrTx, orderId: string, sessionId: string): Promise<{ phase: string | null; checkoutStatus: string | null }> {
  const row = await db
    .selectFrom('concierge_orders as o')
    .leftJoin('concierge_payments as p', (j) => j.onRef('p.order_id', '=', 'o.id').on('p.kind', '=', 'checkout').on('p.provider_id', '=', sessionId))
    .select(['o.phase', 'p.status'])
    .where('o.id', '=', orderId)
    .executeTakeFirst();
  return { phase: row?.phase ?? null, checkoutStatus: row?.status ?? null };
}
