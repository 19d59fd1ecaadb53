import { sql, type Kysely } from 'kysely';

/**
 * The per-key rate counters are UNLOGGED: they only matter for the current window, so they skip
 * the WAL, and the one upsert every request makes commits without waiting for a WAL flush. A
 * PostgreSQL crash empties the table: every key starts a fresh window, nothing else is lost.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_rate_counters set unlogged`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_rate_counters set logged`.execute(db);
}
