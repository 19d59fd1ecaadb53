import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_id_map')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('sage_id', 'text', (c) => c.notNull())
    .addColumn('hubspot_id', 'text')
    .addColumn('hubspot_contact_id', 'text')
    .addColumn('sage_hash', 'text')
    .addColumn('hubspot_hash', 'text')
    .addColumn('synced_fields', 'jsonb')
    .addColumn('mapping_version', 'integer', (c) => c.notNull())
    .addColumn('sage_updated_at', 'timestamptz')
    .addColumn('hubspot_updated_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('deletion', 'text', (c) => c.check(sql`deletion in ('archived', 'ignored', 'held')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('sync_id_map_sage_uq', ['entity', 'sage_id'])
    .addUniqueConstraint('sync_id_map_hubspot_uq', ['entity', 'hubspot_id'])
    .execute();
  await db.schema.createIndex('sync_id_map_contact_idx').on('sync_id_map').column('hubspot_contact_id').execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('incremental', 'full', 'records')`))
    .addColumn('dry_run', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('running')
        .check(sql`status in ('running', 'completed', 'failed')`),
    )
    .addColumn('progress', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sync_runs_started_idx').on('sync_runs').column('started_at').execute();

  // One row per page (or webhook batch) a run processed: rewritten if the page is retried, so the
  // report (their sum) never counts a page twice.
  await db.schema
    .createTable('sync_run_pages')
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('page_key', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('to_hubspot', 'to_sage')`))
    .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('conflicts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('samples', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addPrimaryKeyConstraint('sync_run_pages_pk', ['run_id', 'page_key', 'entity', 'direction'])
    .execute();

  await db.schema
    .createTable('sync_conflicts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('run_id', 'text')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('sage_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('base_value', 'jsonb')
    .addColumn('sage_value', 'jsonb')
    .addColumn('hubspot_value', 'jsonb')
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('winner', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('auto', 'held', 'resolved', 'applied')`))
    .addColumn('resolution_value', 'jsonb')
    .addColumn('resolved_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  await sql`create unique index sync_conflicts_open_uq on sync_conflicts (entity, sage_id, field) where status in ('held', 'resolved')`.execute(db);
  await db.schema.createIndex('sync_conflicts_created_idx').on('sync_conflicts').column('created_at').execute();

  await db.schema
    .createTable('sync_duplicates')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('sage_ids', 'jsonb', (c) => c.notNull())
    .addColumn('owner_sage_id', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('sync_duplicates_uq', ['entity', 'rule', 'key'])
    .execute();

  await db.schema
    .createTable('sync_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Token buckets shared by every worker process: tokens may go negative (reservations queued).
  await db.schema
    .createTable('sync_rate_buckets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('capacity', 'double precision', (c) => c.notNull())
    .addColumn('refill_per_sec', 'double precision', (c) => c.notNull())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('day_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('throttled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('interventions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('customer_sage_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('OPEN')
        .check(sql`status in ('OPEN', 'SCHEDULED', 'IN_PROGRESS', 'DONE', 'CANCELLED')`),
    )
    .addColumn('priority', 'text', (c) =>
      c
        .notNull()
        .defaultTo('MEDIUM')
        .check(sql`priority in ('LOW', 'MEDIUM', 'HIGH')`),
    )
    .addColumn('scheduled_at', 'timestamptz')
    // millisecond precision: the change feed pages on (updated_at, id) through JavaScript dates
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('interventions_updated_idx').on('interventions').columns(['updated_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['interventions', 'sync_rate_buckets', 'sync_cursors', 'sync_duplicates', 'sync_conflicts', 'sync_run_pages', 'sync_runs', 'sync_id_map']) {
    await db.schema.dropTable(t).execute();
  }
}
