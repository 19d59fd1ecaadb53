import { sql, type Kysely } from 'kysely';

/**
 * Duplicate blocking for listings without a postal code (issue 13): their candidates are found by
 * rooms, type and a surface range instead of a postal code, so that search gets its own index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index watch_listings_dup_surface on watch_listings ((coalesce(rooms, -1)), (coalesce(property_type, '')), surface) where status = 'active'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists watch_listings_dup_surface`.execute(db);
}
