import { sql, type Kysely } from 'kysely';

/**
 * Generic watches checked in batches by a sweep: per-watch state for the sweep (due time, lease,
 * pause, tags) and change events keyed by a per-watch sequence instead of the text's hash, so a
 * return to an earlier value is a change event of its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table watch_generic
      add column tags text[] not null default '{}',
      add column paused boolean not null default false,
      add column seq integer not null default 0,
      add column last_hash text,
      add column next_check_at timestamptz not null default now(),
      add column lease_owner text,
      add column lease_until timestamptz;

    alter table watch_generic_changes
      add column seq integer,
      add column prev_hash text,
      add column sweep text;
    update watch_generic_changes c set seq = r.n
      from (select id, row_number() over (partition by watch_id order by id) as n from watch_generic_changes) r
      where r.id = c.id;
    alter table watch_generic_changes
      alter column seq set not null,
      drop constraint if exists watch_generic_changes_watch_id_text_hash_key,
      add constraint watch_generic_changes_watch_seq unique (watch_id, seq);
    update watch_generic g set
      seq = coalesce((select max(c.seq) from watch_generic_changes c where c.watch_id = g.id), 0),
      last_hash = case when last_text is null then null else left(encode(sha256(convert_to(last_text, 'UTF8')), 'hex'), 32) end;

    create index watch_generic_due on watch_generic (next_check_at, id) where not paused;
    create index watch_generic_tags on watch_generic using gin (tags);
    create index watch_generic_changes_sweep on watch_generic_changes (sweep) where sweep is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists watch_generic_changes_sweep;
    drop index if exists watch_generic_tags;
    drop index if exists watch_generic_due;
    delete from watch_generic_changes c using watch_generic_changes d
      where d.watch_id = c.watch_id and d.text_hash = c.text_hash and d.id < c.id;
    alter table watch_generic_changes
      drop constraint if exists watch_generic_changes_watch_seq,
      add constraint watch_generic_changes_watch_id_text_hash_key unique (watch_id, text_hash),
      drop column sweep, drop column prev_hash, drop column seq;
    alter table watch_generic
      drop column lease_until, drop column lease_owner, drop column next_check_at, drop column last_hash,
      drop column seq, drop column paused, drop column tags;
  `.execute(db);
}
