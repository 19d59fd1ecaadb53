/** Queries over the concierge orders, their timeline (`concierge_events`) and certificates. */
import { sql, type Updateable } from 'kysely';
import type { OrderPhase, TimelineEntry } from '../../core/contracts/concierge.js';
import type { ConciergeOrder, ConciergeOrdersTable } from '../schema/concierge.js';
import type { Queryable } from './types.js';

/** What a new order holds (activities/concierge/order-validation.ts validates it). */
export interface NewOrderFields {
  businessName: string;
  contactEmail: string;
  desiredDomain: string;
  plan: string;
  urgent: boolean;
  locale: string;
  site: unknown;
  registrant: unknown;
}

export async function insertOrder(db: Queryable, id: string, input: NewOrderFields, currency: string): Promise<void> {
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

/** Removes an order whose workflow never started. */
export async function deleteOrder(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('concierge_orders').where('id', '=', id).execute();
}

export async function getOrder(db: Queryable, id: string): Promise<ConciergeOrder | undefined> {
  return db.selectFrom('concierge_orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function mustGetOrder(db: Queryable, id: string): Promise<ConciergeOrder> {
  const o = await getOrder(db, id);
  if (!o) throw new Error(`concierge order ${id} not found`);
  return o;
}

export async function updateOrder(db: Queryable, id: string, set: Updateable<ConciergeOrdersTable>): Promise<void> {
  await db
    .updateTable('concierge_orders')
    .set({ ...set, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Appends a phase to the order's timeline unless it is already its latest entry (retries). */
export async function recordPhase(db: Queryable, id: string, phase: OrderPhase, at: string, detail?: string): Promise<void> {
  const last = await db.selectFrom('concierge_events').select(['seq', 'phase']).where('order_id', '=', id).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (last?.phase !== phase) {
    await db
      .insertInto('concierge_events')
      .values({ order_id: id, seq: (last?.seq ?? 0) + 1, phase, at, detail: detail ?? null })
      .onConflict((oc) => oc.columns(['order_id', 'seq']).doNothing())
      .execute();
  }
  await db
    .updateTable('concierge_orders')
    .set({ phase, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function timelineOf(db: Queryable, id: string): Promise<TimelineEntry[]> {
  const rows = await db.selectFrom('concierge_events').selectAll().where('order_id', '=', id).orderBy('seq').execute();
  return rows.map((r) => ({ phase: r.phase as OrderPhase, at: r.at.toISOString(), ...(r.detail ? { detail: r.detail } : {}) }));
}

/** The order's phase and the status of its checkout row for `sessionId` (for the payment webhook). */
export async function paymentTargetOf(db: Queryable, orderId: string, sessionId: string): Promise<{ phase: string | null; checkoutStatus: string | null }> {
  const row = await db
    .selectFrom('concierge_orders as o')
    .leftJoin('concierge_payments as p', (j) => j.onRef('p.order_id', '=', 'o.id').on('p.kind', '=', 'checkout').on('p.provider_id', '=', sessionId))
    .select(['o.phase', 'p.status'])
    .where('o.id', '=', orderId)
    .executeTakeFirst();
  return { phase: row?.phase ?? null, checkoutStatus: row?.status ?? null };
}

/** When the newest certificate recorded for the domain expires; null with none. */
export async function latestCertificateExpiry(db: Queryable, domain: string): Promise<Date | null> {
  const row = await db
    .selectFrom('concierge_certificates')
    .select('not_after')
    .where('domain', '=', domain)
    .orderBy('not_after', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.not_after ?? null;
}

export async function insertCertificate(db: Queryable, c: { orderId: string; domain: string; notAfter: string; fingerprint: string }): Promise<void> {
  await db.insertInto('concierge_certificates').values({ order_id: c.orderId, domain: c.domain, not_after: c.notAfter, fingerprint: c.fingerprint }).execute();
}
