import { sql, type Kysely } from 'kysely';

/**
 * HubSpot owns a ticket once it exists: the ticket owner comes back to our interventions row
 * (`hubspot_owner_id`, next to the status that already follows the ticket stage). A record
 * deleted in HubSpot and mirrored on our side (rule `mirror`) is marked `mirrored` in the id map.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table interventions add column if not exists hubspot_owner_id text`.execute(db);
  await sql`alter table sync_id_map drop constraint if exists sync_id_map_deletion_check`.execute(db);
  await sql`alter table sync_id_map add constraint sync_id_map_deletion_check check (deletion in ('archived', 'ignored', 'held', 'mirrored'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_id_map drop constraint if exists sync_id_map_deletion_check`.execute(db);
  await sql`update sync_id_map set deletion = 'archived' where deletion = 'mirrored'`.execute(db);
  await sql`alter table sync_id_map add constraint sync_id_map_deletion_check check (deletion in ('archived', 'ignored', 'held'))`.execute(db);
  await sql`alter table interventions drop column if exists hubspot_owner_id`.execute(db);
}
