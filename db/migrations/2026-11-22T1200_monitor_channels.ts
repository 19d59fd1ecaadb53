import { sql, type Kysely } from 'kysely';

/** A monitor alerts by email, by webhook or both: at least one channel, neither one required. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table monitors alter column alert_email drop not null`.execute(db);
  await sql`alter table monitors add constraint monitors_channel_check check (alert_email is not null or webhook_url is not null)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table monitors drop constraint monitors_channel_check`.execute(db);
  await sql`update monitors set alert_email = '' where alert_email is null`.execute(db);
  await sql`alter table monitors alter column alert_email set not null`.execute(db);
}
