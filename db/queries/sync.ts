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
    .where(
      'sage_id',
      'in',
      rows.map((r) => sageIdOf(r.id)),
    )
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

/** Records a new intervention (its ticket comes with the next sync run). */
export async function insertIntervention(
  db: Queryable,
  v: { customerSageId: string; subject: string; description: string | null; status: string; priority: string; scheduledAt: string | null },
): Promise<Intervention> {
  return db
    .insertInto('interventions')
    .values({
      customer_sage_id: v.customerSageId,
      subject: v.subject,
      description: v.description,
      status: v.status,
      priority: v.priority,
      scheduled_at: v.scheduledAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A page of interventions, newest first (ids below `before`), `limit + 1` rows, and the total under the filter. */
export async function listInterventions(
  db: Queryable,
  q: { customerSageId?: string; before: number | null; limit: number },
): Promise<{ rows: InterventionWithTicket[]; total: number }> {
  let base = db.selectFrom('interventions');
  if (q.customerSageId) base = base.where('customer_sage_id', '=', q.customerSageId);
  const [rows, count] = await Promise.all([
    (q.before !== null ? base.where('id', '<', q.before) : base)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: await withTickets(db, rows), total: Number(count.n) };
}

// ---- contact persons (id map entity `contact_person`: HubSpot contact, customer, hash) ------------

export interface PersonMapRow {
  sageId: string;
  hubspotId: string | null;
  customer: string | null;
  hash: string | null;
}

/** Live id map rows of these persons, and of every person synced under these customers. */
export async function personRows(db: Queryable, personIds: string[], customerIds: string[]): Promise<Map<string, PersonMapRow>> {
  if (!personIds.length && !customerIds.length) return new Map();
  const rows = await db
    .selectFrom('sync_id_map')
    .select(['sage_id', 'hubspot_id', 'sage_hash', 'synced_fields'])
    .where('entity', '=', 'contact_person')
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(personIds.length ? [eb('sage_id', 'in', personIds)] : []),
        ...(customerIds.length ? [eb(eb.ref('synced_fields', '->>').key('customer' as never), 'in', customerIds)] : []),
      ]),
    )
    .execute();
  return new Map(
    rows.map((r) => {
      const customer = r.synced_fields?.customer;
      return [r.sage_id, { sageId: r.sage_id, hubspotId: r.hubspot_id, customer: typeof customer === 'string' ? customer : null, hash: r.sage_hash }];
    }),
  );
}

/** Records what HubSpot holds for these persons (insert or update by Sage id). */
export async function savePersonRows(db: Queryable, rows: PersonMapRow[]): Promise<void> {
  if (!rows.length) return;
  const values = rows.map((r) => ({
    entity: 'contact_person',
    sage_id: r.sageId,
    hubspot_id: r.hubspotId,
    hubspot_contact_id: null,
    sage_hash: r.hash,
    hubspot_hash: r.hash,
    synced_fields: JSON.stringify({ customer: r.customer }),
    mapping_version: 1,
    synced_at: new Date(),
    deleted_at: null,
    deletion: null,
  }));
  await db
    .insertInto('sync_id_map')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['entity', 'sage_id']).doUpdateSet((eb) => ({
        hubspot_id: eb.ref('excluded.hubspot_id'),
        sage_hash: eb.ref('excluded.sage_hash'),
        hubspot_hash: eb.ref('excluded.hubspot_hash'),
        synced_fields: eb.ref('excluded.synced_fields'),
        synced_at: eb.ref('excluded.synced_at'),
        deleted_at: null,
        deletion: null,
      })),
    )
    .execute();
}

/** Persons deleted in Sage: their HubSpot contact archived or left alone, by rule. */
export async function markPersonsDeleted(db: Queryable, sageIds: string[], deletion: 'archived' | 'ignored'): Promise<void> {
  if (!sageIds.length) return;
  await db
    .updateTable('sync_id_map')
    .set({ deleted_at: new Date(), deletion })
    .where('entity', '=', 'contact_person')
    .where('sage_id', 'in', sageIds)
    .execute();
}

// ---- interventions read and written as a sync source (activities/sync/interventions-source.ts) ---

/** Interventions changed since `since`, ordered by (updated_at, id), after the keyset `after`; `limit` rows. */
export async function interventionsChanged(
  db: Queryable,
  q: { since: Date | null; after: { at: Date; id: number } | null; limit: number },
): Promise<Intervention[]> {
  let sel = db.selectFrom('interventions').selectAll().orderBy('updated_at').orderBy('id').limit(q.limit);
  if (q.since) sel = sel.where('updated_at', '>=', q.since);
  const after = q.after;
  if (after) sel = sel.where((eb) => eb.or([eb('updated_at', '>', after.at), eb.and([eb('updated_at', '=', after.at), eb('id', '>', after.id)])]));
  return sel.execute();
}

export async function interventionRow(db: Queryable, id: number): Promise<Intervention | undefined> {
  return db.selectFrom('interventions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What HubSpot owns of an intervention (its stage, its owner) written back; `updated_at` moves. */
export async function updateInterventionFromHubSpot(db: Queryable, id: number, set: { status?: string; hubspot_owner_id?: string | null }): Promise<void> {
  await db
    .updateTable('interventions')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function cancelIntervention(db: Queryable, id: number): Promise<void> {
  await db.updateTable('interventions').set({ status: 'CANCELLED', updated_at: new Date() }).where('id', '=', id).execute();
}

/** Forgets what the sync knows of the other side (ids, cursors, conflicts, duplicates, writes, Sage credentials): a sandbox that starts afresh. */
export async function forgetSyncCounterparts(db: Queryable): Promise<void> {
  for (const table of ['sync_id_map', 'sync_cursors', 'sync_conflicts', 'sync_duplicates', 'sync_record_writes', 'sync_sage_credentials'] as const) {
    await db.deleteFrom(table).execute();
  }
}
