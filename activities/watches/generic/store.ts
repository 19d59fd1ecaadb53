/**
 * The sweep's queries over `watch_generic`: claiming due watches under a lease (`FOR UPDATE SKIP
 * LOCKED`, so two sweeps never take the same watch), recording what a check saw (fenced by the
 * lease: a sweep whose lease was taken over writes nothing), and change events numbered by a
 * per-watch sequence, each with its outbox row in the same transaction.
 */
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../../db/client.js';
import type { WatchGeneric } from '../../../db/schema/watches.js';
import { enqueue, type Notification } from '../../shared/outbox.js';

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
export async function claimDue(db: Db, owner: string, leaseMs: number, limit: number, filter: ClaimFilter = {}): Promise<ClaimedWatch[]> {
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
export async function markDue(db: DbOrTx, filter: ClaimFilter): Promise<number> {
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
export async function recordQuiet(db: Db, owner: string, outcomes: QuietOutcome[]): Promise<number[]> {
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

export interface ChangeEvent {
  watch: ClaimedWatch;
  next: Date;
  text: string;
  hash: string;
  summary: string;
  added: string[];
  removed: string[];
  note: (seq: number) => Notification;
}

export const changeKey = (watchId: number, seq: number) => `watch:generic:${watchId}:seq:${seq}`;

/**
 * Records change event `seq + 1` of a watch with its outbox row, in one transaction, only while
 * the watch is still leased to `owner` at the sequence the check started from. Answers the outbox
 * key, or null when the lease was lost (another sweep owns the watch now).
 */
export async function recordChange(db: Db, owner: string, ev: ChangeEvent): Promise<string | null> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('watch_generic')
      .set({
        seq: sql<number>`seq + 1`, last_text: ev.text, last_hash: ev.hash, last_checked_at: sql<Date>`clock_timestamp()`,
        last_changed_at: sql<Date>`clock_timestamp()`, last_error: null, next_check_at: ev.next, lease_owner: null, lease_until: null,
      })
      .where('id', '=', ev.watch.id)
      .where('lease_owner', '=', owner)
      .where('seq', '=', ev.watch.seq)
      .returning('seq')
      .executeTakeFirst();
    if (!row) return null;
    await tx
      .insertInto('watch_generic_changes')
      .values({
        watch_id: ev.watch.id, seq: row.seq, summary: ev.summary, added: JSON.stringify(ev.added), removed: JSON.stringify(ev.removed),
        text_hash: ev.hash, prev_hash: ev.watch.last_hash, sweep: owner,
      })
      .execute();
    const note = ev.note(row.seq);
    await enqueue(tx, [note]);
    return note.key;
  });
}

/**
 * Outbox keys still pending for change events recorded by `owner` (a retried attempt delivers what
 * its killed predecessor recorded but did not send).
 */
export async function pendingChangeKeys(db: Db, owner: string): Promise<string[]> {
  const rows = await db
    .selectFrom('watch_generic_changes as c')
    .innerJoin('outbox as o', (j) => j.on(sql`o.dedupe_key`, '=', sql`'watch:generic:' || c.watch_id || ':seq:' || c.seq`))
    .select('o.dedupe_key')
    .where('c.sweep', '=', owner)
    .where('o.status', '=', 'pending')
    .execute();
  return rows.map((r) => r.dedupe_key);
}
