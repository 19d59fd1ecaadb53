import { sql, type Kysely } from 'kysely';

/**
 * A watches crawl run or a sync run that an operator cancels ends `cancelled` (its workflow records
 * that outcome in a non-cancellable finish step before the run ends CANCELLED in Temporal).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table watch_crawl_runs drop constraint watch_crawl_runs_status_check`.execute(db);
  await sql`alter table watch_crawl_runs add constraint watch_crawl_runs_status_check check (status in ('running', 'ok', 'partial', 'failed', 'cancelled'))`.execute(
    db,
  );
  await sql`alter table sync_runs drop constraint sync_runs_status_check`.execute(db);
  await sql`alter table sync_runs add constraint sync_runs_status_check check (status in ('running', 'completed', 'failed', 'cancelled'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table watch_crawl_runs drop constraint watch_crawl_runs_status_check`.execute(db);
  await sql`alter table watch_crawl_runs add constraint watch_crawl_runs_status_check check (status in ('running', 'ok', 'partial', 'failed'))`.execute(db);
  await sql`alter table sync_runs drop constraint sync_runs_status_check`.execute(db);
  await sql`alter table sync_runs add constraint sync_runs_status_check check (status in ('running', 'completed', 'failed'))`.execute(db);
}
