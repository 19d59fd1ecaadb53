import { sql, type Kysely } from 'kysely';

/**
 * One row per monitor incident (down, slow, certificate), keyed by the check that started it: written
 * when it opens and completed when it closes, so a retried write changes nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table monitor_incidents (
      monitor_id text not null,
      kind text not null check (kind in ('down', 'slow', 'certificate')),
      start_seq bigint not null,
      started_at timestamptz not null,
      end_seq bigint,
      ended_at timestamptz,
      cause text,
      checks_failed integer not null default 0,
      primary key (monitor_id, kind, start_seq)
    )`.execute(db);
  await sql`create index monitor_incidents_started on monitor_incidents (monitor_id, started_at desc, kind)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table monitor_incidents`.execute(db);
}
