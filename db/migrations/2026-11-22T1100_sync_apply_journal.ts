import { sql, type Kysely } from 'kysely';

/**
 * The sync applier's journal and its failures:
 *  - `sync_record_writes`: each write the applier made for one record of one page of a run
 *    (HubSpot object upserted or adopted, contact, Sage update), so a retried page skips it;
 *  - `sync_failures`: per record, why it was not synced (cause and message), for the run report;
 *  - `sync_runs.failure`: why a whole run failed (cause, entity, message).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sync_record_writes (
      run_id text not null,
      page_key text not null,
      entity text not null,
      sage_id text not null,
      step text not null,
      result jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      primary key (run_id, page_key, entity, sage_id, step)
    )`.execute(db);
  await sql`
    create table sync_failures (
      id bigserial primary key,
      run_id text not null,
      page_key text not null,
      entity text not null,
      sage_id text not null,
      direction text not null check (direction in ('to_hubspot', 'to_sage')),
      cause text not null,
      message text not null,
      created_at timestamptz not null default now(),
      unique (run_id, page_key, entity, sage_id, direction)
    )`.execute(db);
  await sql`create index sync_failures_run on sync_failures (run_id)`.execute(db);
  await sql`alter table sync_runs add column failure jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_runs drop column failure`.execute(db);
  await sql`drop table sync_failures`.execute(db);
  await sql`drop table sync_record_writes`.execute(db);
}
