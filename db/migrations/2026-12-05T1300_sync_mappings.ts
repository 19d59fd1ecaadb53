import { sql, type Kysely } from 'kysely';

/**
 * Field mappings edited through the API (`PUT /v1/sync/mappings`): every version kept, the newest
 * per entity in force; none for an entity means the built-in mapping.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sync_mappings (
      entity text not null,
      version integer not null check (version > 0),
      fields jsonb not null,
      created_by text,
      created_at timestamptz not null default now(),
      primary key (entity, version)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists sync_mappings`.execute(db);
}
