import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('concierge_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_name', 'text', (c) => c.notNull())
    .addColumn('contact_email', 'text', (c) => c.notNull())
    .addColumn('desired_domain', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('urgent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('fr'))
    .addColumn('site', 'jsonb', (c) => c.notNull())
    .addColumn('registrant', 'jsonb', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull().defaultTo('received'))
    .addColumn('price_cents', 'integer')
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('eur'))
    .addColumn('premium_price', 'numeric')
    .addColumn('alternatives', 'jsonb')
    .addColumn('site_dir', 'text')
    .addColumn('zone_id', 'text')
    .addColumn('nameservers', 'jsonb')
    .addColumn('registrar_order_id', 'text')
    .addColumn('cert_not_after', 'timestamptz')
    .addColumn('screenshot_path', 'text')
    .addColumn('live_url', 'text')
    .addColumn('failure', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('concierge_orders_domain_idx').on('concierge_orders').column('domain').execute();
  await db.schema.createIndex('concierge_orders_email_idx').on('concierge_orders').column('contact_email').execute();

  await db.schema
    .createTable('concierge_events')
    .addColumn('order_id', 'text', (c) => c.notNull().references('concierge_orders.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addPrimaryKeyConstraint('concierge_events_pk', ['order_id', 'seq'])
    .execute();

  await db.schema
    .createTable('concierge_payments')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('concierge_orders.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('checkout', 'refund', 'expire')`))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('provider_id', 'text')
    .addColumn('url', 'text')
    .addColumn('payment_intent', 'text')
    .addColumn('amount_cents', 'integer')
    .addColumn('currency', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('api_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('concierge_payments_order_kind_step', ['order_id', 'kind', 'step'])
    .execute();

  await db.schema
    .createTable('concierge_certificates')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('concierge_orders.id').onDelete('cascade'))
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('concierge_certificates_domain_idx').on('concierge_certificates').columns(['domain', 'not_after']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('concierge_certificates').execute();
  await db.schema.dropTable('concierge_payments').execute();
  await db.schema.dropTable('concierge_events').execute();
  await db.schema.dropTable('concierge_orders').execute();
}
