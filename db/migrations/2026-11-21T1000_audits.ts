import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'completed', 'failed')`))
    .addColumn('verdict', 'text')
    .addColumn('score', 'integer')
    .addColumn('report', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('audit_reports_domain_idx').on('audit_reports').columns(['domain', 'created_at']).execute();

  await db.schema
    .createTable('audit_screenshots')
    .addColumn('audit_id', 'text', (c) => c.primaryKey().references('audit_reports.id').onDelete('cascade'))
    .addColumn('png', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_screenshots').execute();
  await db.schema.dropTable('audit_reports').execute();
}
