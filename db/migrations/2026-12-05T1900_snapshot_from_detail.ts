import { sql, type Kysely } from 'kysely';

/**
 * A staged listing remembers whether it was read on its own page (`from_detail`) or from a list
 * card, so that on equal quality the detail page's reading wins whichever was staged last (a list
 * page re-crawled after a worker crash used to overwrite its detail pages' fields).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table watch_snapshot_items add column from_detail boolean not null default false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table watch_snapshot_items drop column from_detail`.execute(db);
}
