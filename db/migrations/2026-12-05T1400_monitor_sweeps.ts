import { sql, type Kysely } from 'kysely';

/**
 * Site monitors checked in batches by a sweep (issue 11): per-monitor state moves from the
 * long-running workflow into the row — the last check's sequence number, the state machine
 * (consecutive failures, open incidents…), recent alerts, the next due time and the sweep's lease.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table monitors
      add column last_seq bigint not null default 0,
      add column machine jsonb,
      add column recent_alerts jsonb not null default '[]',
      add column next_check_at timestamptz not null default now(),
      add column lease_owner text,
      add column lease_until timestamptz;
    update monitors m set last_seq = coalesce((select max(c.seq) from monitor_checks c where c.monitor_id = m.id), 0);
    create index monitors_due on monitors (next_check_at, id) where deleted_at is null and not paused;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists monitors_due;
    alter table monitors
      drop column lease_until, drop column lease_owner, drop column next_check_at,
      drop column recent_alerts, drop column machine, drop column last_seq;
  `.execute(db);
}
