import { sql, type Kysely } from 'kysely';

/**
 * Scoped API keys (issue 16, item 4): keys stored as SHA-256 digests with their scopes and rate
 * limit, one rate counter row per key (fixed window, shared by every API process), and the audit
 * log of mutating calls.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table api_keys (
      id bigint generated always as identity primary key,
      name text not null,
      prefix text not null unique,
      hash bytea not null unique,
      scopes text[] not null check (cardinality(scopes) > 0 and scopes <@ array['read', 'operate', 'admin']),
      rate_limit integer not null check (rate_limit > 0),
      rate_window_seconds integer not null check (rate_window_seconds between 1 and 86400),
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    create unique index api_keys_active_name on api_keys (name) where revoked_at is null;
    create table api_rate_counters (
      key_id bigint primary key references api_keys (id) on delete cascade,
      window_start timestamptz not null,
      count integer not null
    );
    create table api_audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      key_id bigint,
      key_name text not null,
      key_prefix text not null,
      method text not null,
      route text not null,
      target text,
      status integer not null,
      request_id text
    );
    create index api_audit_log_key on api_audit_log (key_name, id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists api_audit_log; drop table if exists api_rate_counters; drop table if exists api_keys;`.execute(db);
}
