/**
 * Queries over `watch_generic` and `watch_generic_changes`: the API's CRUD and change log, and the
 * sweep's claims of due watches under a lease (`FOR UPDATE SKIP LOCKED`, so two sweeps never take
 * the same watch) and what a check saw, fenced by the lease (a sweep whose lease was taken over
 * writes nothing). activities/watches/generic/store.ts records a change with its outbox row.
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { WatchGeneric, WatchGenericChangesTable, WatchGenericTable } from '../schema/watches.js';
import type { Queryable } from './types.js';

/** What a sweep needs of a watch it claimed. */
export type ClaimedWatch = Pick<
  WatchGeneric,
  'id' | 'name' | 'url' | 'selector' | 'text_contains' | 'interval_minutes' | 'channel' | 'target' | 'seq' | 'last_text' | 'last_hash'
>;

export interface ClaimFilter {
  ids?: number[];
  tag?: string;
}

const secs = (ms: number) => sql`make_interval(secs => ${ms}::float8 / 1000)`;
const filterSql = (f: ClaimFilter) => sql`
  ${f.ids ? sql`and id = any(${f.ids}::bigint[])` : sql``}
  ${f.tag ? sql`and tags @> array[${f.tag}]::text[]` : sql``}`;

/**
 * Takes up to `limit` due watches (or those still leased to `owner`: a retried attempt finds what
 * its killed predecessor left unfinished), leasing them to `owner` for `leaseMs`.
 */
export async function claimDue(db: Queryable, owner: string, leaseMs: number, limit: number, filter: ClaimFilter = {}): Promise<ClaimedWatch[]> {
  const { rows } = await sql<ClaimedWatch>`
    update watch_generic g set lease_owner = ${owner}, lease_until = clock_timestamp() + ${secs(leaseMs)}
    from (
      select id from watch_generic
      where not paused
        and (lease_owner = ${owner}
             or (next_check_at <= clock_timestamp() and (lease_until is null or lease_until < clock_timestamp())))
        ${filterSql(filter)}
      order by next_check_at, id
      limit ${limit}
      for update skip locked
    ) d
    where g.id = d.id
    returning g.id, g.name, g.url, g.selector, g.text_contains, g.interval_minutes, g.channel, g.target, g.seq, g.last_text, g.last_hash
  `.execute(db);
  return rows;
}

/** Makes watches due now (check now / check all / by tag). Answers how many. */
export async function markDue(db: Queryable, filter: ClaimFilter): Promise<number> {
  const r = await sql`update watch_generic set next_check_at = clock_timestamp() where not paused ${filterSql(filter)}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** What a check saw when nothing is to be notified: the same text, a baseline, or an error. */
export interface QuietOutcome {
  id: number;
  next: Date;
  error: string | null;
  /** Set for a baseline (the first text seen), else the stored text stays. */
  text: string | null;
  hash: string | null;
}

/** Records quiet outcomes in one statement and releases their leases; answers the ids written. */
export async function recordQuiet(db: Queryable, owner: string, outcomes: QuietOutcome[]): Promise<number[]> {
  if (outcomes.length === 0) return [];
  const { rows } = await sql<{ id: number }>`
    update watch_generic g set
      last_checked_at = clock_timestamp(), last_error = v.err, next_check_at = v.next,
      last_text = coalesce(v.txt, g.last_text), last_hash = coalesce(v.hash, g.last_hash),
      lease_owner = null, lease_until = null
    from unnest(${outcomes.map((o) => o.id)}::bigint[], ${outcomes.map((o) => o.next.toISOString())}::timestamptz[],
                ${outcomes.map((o) => o.error)}::text[], ${outcomes.map((o) => o.text)}::text[], ${outcomes.map((o) => o.hash)}::text[])
      as v(id, next, err, txt, hash)
    where g.id = v.id and g.lease_owner = ${owner}
    returning g.id
  `.execute(db);
  return rows.map((r) => r.id);
}

/**
 * Advances a watch to change `seq + 1` with what the check saw and releases its lease, only while
 * it is still leased to `owner` at sequence `seq`; the new sequence, or undefined when the lease was lost.
 */
export async function advanceChangeSeq(
  db: Queryable,
  owner: string,
  ev: { id: number; seq: number; text: string; hash: string; next: Date },
): Promise<number | undefined> {
  const row = await db
    .updateTable('watch_generic')
    .set({
      seq: sql<number>`seq + 1`,
      last_text: ev.text,
      last_hash: ev.hash,
      last_checked_at: sql<Date>`clock_timestamp()`,
      last_changed_at: sql<Date>`clock_timestamp()`,
      last_error: null,
      next_check_at: ev.next,
      lease_owner: null,
      lease_until: null,
    })
    .where('id', '=', ev.id)
    .where('lease_owner', '=', owner)
    .where('seq', '=', ev.seq)
    .returning('seq')
    .executeTakeFirst();
  return row?.seq;
}

export async function insertGenericChange(db: Queryable, values: Insertable<WatchGenericChangesTable>): Promise<void> {
  await db.insertInto('watch_generic_changes').values(values).execute();
}

/**
 * Outbox keys still pending for change events recorded by `owner` (a retried attempt delivers what
 * its killed predecessor recorded but did not send).
 */
export async function pendingChangeKeys(db: Queryable, owner: string): Promise<string[]> {
  const rows = await db
    .selectFrom('watch_generic_changes as c')
    .innerJoin('outbox as o', (j) => j.on(sql`o.dedupe_key`, '=', sql`'watch:generic:' || c.watch_id || ':seq:' || c.seq`))
    .select('o.dedupe_key')
    .where('c.sweep', '=', owner)
    .where('o.status', '=', 'pending')
    .execute();
  return rows.map((r) => r.dedupe_key);
}

export async function getGenericWatch(db: Queryable, id: number): Promise<WatchGeneric | undefined> {
  return db.selectFrom('watch_generic').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertGenericWatch(db: Queryable, values: Insertable<WatchGenericTable>): Promise<WatchGeneric> {
  return db.insertInto('watch_generic').values(values).returningAll().executeTakeFirstOrThrow();
}

/**
 * Changes a watch; undefined when there is none. `newBaseline`: forget the text seen and make the
 * watch due now, so the next sweep takes a new baseline.
 */
export async function updateGenericWatch(
  db: Queryable,
  id: number,
  set: Updateable<WatchGenericTable>,
  opts: { newBaseline: boolean } = { newBaseline: false },
): Promise<WatchGeneric | undefined> {
  return db
    .updateTable('watch_generic')
    .set({ ...set, ...(opts.newBaseline ? { last_text: null, last_hash: null, next_check_at: sql<Date>`now()` } : {}) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteGenericWatch(db: Queryable, id: number): Promise<void> {
  await db.deleteFrom('watch_generic').where('id', '=', id).execute();
}

/** Watches (with tag `f.tag`, paused or not) by id after `after`, `limit + 1` rows; and their total. */
export async function listGenericWatches(db: Queryable, f: { tag?: string; paused?: boolean }, after: number | null, limit: number) {
  let base = db.selectFrom('watch_generic');
  if (f.tag) base = base.where(sql<boolean>`tags @> array[${f.tag}]::text[]`);
  if (f.paused !== undefined) base = base.where('paused', '=', f.paused);
  const [rows, count] = await Promise.all([
    (after ? base.where('id', '>', after) : base)
      .selectAll()
      .orderBy('id')
      .limit(limit + 1)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** A watch's change events, newest first, before sequence `before`, `limit + 1` rows; and their total. */
export async function listGenericChanges(db: Queryable, watchId: number, before: number | null, limit: number) {
  let rowsQ = db.selectFrom('watch_generic_changes').selectAll().where('watch_id', '=', watchId);
  if (before) rowsQ = rowsQ.where('seq', '<', before);
  const [rows, count] = await Promise.all([
    rowsQ
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute(),
    db
      .selectFrom('watch_generic_changes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('watch_id', '=', watchId)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** A watch's `n` latest change events, newest first. */
export async function recentGenericChanges(db: Queryable, watchId: number, n: number) {
  return db.selectFrom('watch_generic_changes').selectAll().where('watch_id', '=', watchId).orderBy('seq', 'desc').limit(n).execute();
}
