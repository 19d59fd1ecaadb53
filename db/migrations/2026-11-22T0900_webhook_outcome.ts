import { type Kysely } from 'kysely';

/**
 * What became of each received webhook event: `signalled` (a workflow was told), `ignored` (valid
 * but routed nowhere: unknown order, an order not awaiting that payment, missing metadata; `detail`
 * says why) or `received` (rows from before this migration, and providers that route in bulk).
 * `target` is the workflow (order) id the event named, when it named one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('webhook_events')
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo('received'))
    .addColumn('target', 'text')
    .addColumn('detail', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_events').dropColumn('outcome').dropColumn('target').dropColumn('detail').execute();
}
