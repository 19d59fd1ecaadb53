import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull().check(sql`interval_seconds > 0`))
    .addColumn('alert_email', 'text', (c) => c.notNull())
    .addColumn('webhook_url', 'text')
    .addColumn('language', 'text', (c) =>
      c
        .notNull()
        .defaultTo('fr')
        .check(sql`language in ('fr', 'en')`),
    )
    .addColumn('thresholds', 'jsonb', (c) => c.notNull())
    .addColumn('paused', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('monitor_checks')
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ok', 'boolean', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer')
    .addColumn('cert_days_left', 'integer')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('monitor_checks_pk', ['monitor_id', 'seq'])
    .execute();
  await db.schema.createIndex('monitor_checks_time_idx').on('monitor_checks').columns(['monitor_id', 'checked_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('monitor_checks').execute();
  await db.schema.dropTable('monitors').execute();
}
