/**
 * Queries behind the sync routes (api/routes/sync.ts): interventions with the HubSpot ticket each
 * one became (its id, and the stage and owner HubSpot holds for it).
 */
import type { Intervention } from '../schema/sync.js';
import type { Queryable } from './types.js';

/** An intervention and its ticket as HubSpot has it at the last sync (null before the first). */
export interface InterventionWithTicket extends Intervention {
  ticket: { id: string; status: string | null } | null;
}

const sageIdOf = (id: number) => `INT-${id}`;

async function withTickets(db: Queryable, rows: Intervention[]): Promise<InterventionWithTicket[]> {
  if (!rows.length) return [];
  const links = await db
    .selectFrom('sync_id_map')
    .select(['sage_id', 'hubspot_id', 'synced_fields'])
    .where('entity', '=', 'intervention')
    .where('sage_id', 'in', rows.map((r) => sageIdOf(r.id)))
    .where('hubspot_id', 'is not', null)
    .where('deleted_at', 'is', null)
    .execute();
  const bySage = new Map(links.map((l) => [l.sage_id, l]));
  return rows.map((r) => {
    const l = bySage.get(sageIdOf(r.id));
    const status = l?.synced_fields?.status;
    return { ...r, ticket: l?.hubspot_id ? { id: l.hubspot_id, status: typeof status === 'string' ? status : null } : null };
  });
}

export async function interventionById(db: Queryable, id: number): Promise<InterventionWithTicket | null> {
  const row = await db.selectFrom('interventions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? ((await withTickets(db, [row]))[0] ?? null) : null;
}

/** A page of interventions, newest first (ids below `before`), `limit + 1` rows, and the total under the filter. */
export async function listInterventions(db: Queryable, q: { customerSageId?: string; before: number | null; limit: number }): Promise<{ rows: InterventionWithTicket[]; total: number }> {
  let base = db.selectFrom('interventions');
  if (q.customerSageId) base = base.where('customer_sage_id', '=', q.customerSageId);
  const [rows, count] = await Promise.all([
    (q.before !== null ? base.where('id', '<', q.before) : base).selectAll().orderBy('id', 'desc').limit(q.limit + 1).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: await withTickets(db, rows), total: Number(count.n) };
}
