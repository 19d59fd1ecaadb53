import { sql, type Kysely } from 'kysely';

/**
 * ACME state in PostgreSQL instead of a worker's disk, so a retry on any worker host reuses it:
 * the account key per directory URL, and each certificate order (its URL at the CA, the key its
 * CSR is made with, then the issued chain). The database is the secret store for these private
 * keys, as it is for the Sage OAuth tokens: they never enter workflow history or logs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('concierge_acme_accounts')
    .addColumn('directory_url', 'text', (c) => c.primaryKey())
    .addColumn('account_key_pem', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('concierge_acme_orders')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('directory_url', 'text', (c) => c.notNull())
    .addColumn('names', 'text', (c) => c.notNull())
    .addColumn('order_url', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'valid', 'invalid')`),
    )
    .addColumn('cert_key_pem', 'text', (c) => c.notNull())
    .addColumn('cert_pem', 'text')
    .addColumn('not_after', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('concierge_acme_orders_names_idx').on('concierge_acme_orders').columns(['directory_url', 'names', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('concierge_acme_orders').execute();
  await db.schema.dropTable('concierge_acme_accounts').execute();
}
