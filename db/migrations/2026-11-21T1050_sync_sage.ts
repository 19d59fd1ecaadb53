import { sql, type Kysely } from 'kysely';

/**
 * Sage Business Cloud OAuth2 credentials, one row per business. Sage rotates the refresh token on
 * every refresh (the previous one stops working), so the latest must survive a restart; the row is
 * locked (SELECT ... FOR UPDATE) while refreshing so two workers never spend the same token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_sage_credentials')
    .addColumn('business_id', 'text', (c) => c.primaryKey())
    .addColumn('refresh_token', 'text', (c) => c.notNull())
    .addColumn('refresh_expires_at', 'timestamptz')
    .addColumn('access_token', 'text')
    .addColumn('access_expires_at', 'timestamptz')
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refreshed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_sage_credentials').execute();
}
