/**
 * Queries over `monitors`: the rows the API writes (create or revive, change, delete, list), and
 * the monitor sweep's lease on them — claiming due monitors with `FOR UPDATE SKIP LOCKED` so two
 * sweeps never take the same one, and writing a check's outcome only while the lease still holds.
 */
import { sql } from 'kysely';
import type { AlertRecord, MachineState } from '../../core/contracts/monitors.js';
import type { Monitor } from '../schema/monitors.js';
import { countOf } from './keyset.js';
import type { Queryable } from './types.js';

/** What the API (or a concierge order) writes for a monitor, besides its id. */
export interface MonitorValues {
  url: string;
  host: string;
  interval_seconds: number;
  alert_email: string | null;
  webhook_url: string | null;
  language: Monitor['language'];
  thresholds: string;
  paused: boolean;
}

export type ClaimedMonitor = Pick<Monitor, 'id' | 'url' | 'interval_seconds' | 'thresholds' | 'last_seq' | 'machine' | 'recent_alerts' | 'next_check_at'>;

export interface Shard {
  index: number;
  count: number;
}

/** A claimed monitor stays leased for its check's timeout plus this margin (recording, a slow database). */
const LEASE_MARGIN_MS = 30_000;

/** The monitor's row, deleted or not. */
export async function getMonitor(db: Queryable, id: string): Promise<Monitor | undefined> {
  return db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The monitor's row unless it is deleted. */
export async function getActiveMonitor(db: Queryable, id: string): Promise<Monitor | undefined> {
  return db.selectFrom('monitors').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

/** Active monitors (of `host` when given) by id after `after`, `limit + 1` rows; and their total. */
export async function listMonitors(db: Queryable, q: { host?: string; after: string | null; limit: number }) {
  let base = db.selectFrom('monitors').where('deleted_at', 'is', null);
  if (q.host) base = base.where('host', '=', q.host);
  const [rows, total] = await Promise.all([
    (q.after ? base.where('id', '>', q.after) : base)
      .selectAll()
      .orderBy('id')
      .limit(q.limit + 1)
      .execute(),
    countOf(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total };
}

/**
 * Creates the monitor's row, or revives a deleted one (fresh state machine and alerts; its check
 * numbers continue after the old ones), due at once so the first check is taken now. Null when an
 * active monitor already holds the id.
 */
export async function createMonitorRow(db: Queryable, id: string, values: MonitorValues): Promise<Monitor | null> {
  const fresh = { machine: null, recent_alerts: '[]', next_check_at: sql<string>`now()`, lease_owner: null, lease_until: null } as const;
  const row = await db
    .insertInto('monitors')
    .values({ id, ...values, ...fresh })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ ...values, ...fresh, created_at: sql`now()`, updated_at: sql`now()`, deleted_at: null })
        .where('monitors.deleted_at', 'is not', null),
    )
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** Applies an API change to an active monitor's row; with `rescheduleAt`, its next check moves there. Undefined when none is active. */
export async function updateMonitorRow(
  db: Queryable,
  id: string,
  set: Partial<Omit<MonitorValues, 'url' | 'host'>>,
  rescheduleAt?: Date,
): Promise<Monitor | undefined> {
  return db
    .updateTable('monitors')
    .set({ ...set, updated_at: sql`now()`, ...(rescheduleAt ? { next_check_at: rescheduleAt.toISOString() } : {}) })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Stops a monitor: the row is marked deleted (its checks and incidents are kept); a sweep's lease on it no longer records. */
export async function deleteMonitorRow(db: Queryable, id: string): Promise<boolean> {
  const r = await db
    .updateTable('monitors')
    .set({ deleted_at: sql`now()`, updated_at: sql`now()`, lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Takes up to `limit` due monitors of the shard, leasing each to `owner` for its timeout plus a
 * margin. With `resume`, also those still leased to `owner` (a retried attempt finds what its
 * killed predecessor left unfinished).
 */
export async function claimDue(db: Queryable, owner: string, limit: number, shard: Shard, resume = false): Promise<ClaimedMonitor[]> {
  const { rows } = await sql<ClaimedMonitor>`
    update monitors m set lease_owner = ${owner},
      lease_until = clock_timestamp() + make_interval(secs => (coalesce((m.thresholds->>'timeoutMs')::int, 10000) + ${LEASE_MARGIN_MS}) / 1000.0)
    from (
      select id from monitors
      where deleted_at is null and not paused
        and (${resume ? sql`lease_owner = ${owner} or ` : sql``}
             (next_check_at <= clock_timestamp() and (lease_until is null or lease_until < clock_timestamp())))
        and (${shard.count} = 1 or mod(hashtext(id)::bigint & 2147483647, ${shard.count}) = ${shard.index})
      order by next_check_at, id
      limit ${limit}
      for update skip locked
    ) d
    where m.id = d.id
    returning m.id, m.url, m.interval_seconds, m.thresholds, m.last_seq, m.machine, m.recent_alerts, m.next_check_at
  `.execute(db);
  return rows.map((r) => ({ ...r, last_seq: Number(r.last_seq) }));
}

/** Milliseconds until the shard's next monitor is due (0 if one is due now), or null with none. */
export async function msUntilNextDue(db: Queryable, shard: Shard): Promise<number | null> {
  const { rows } = await sql<{ ms: number | null }>`
    select greatest(0, extract(epoch from (min(greatest(next_check_at, coalesce(lease_until, next_check_at))) - clock_timestamp())) * 1000)::float8 as ms
    from monitors
    where deleted_at is null and not paused
      and (${shard.count} = 1 or mod(hashtext(id)::bigint & 2147483647, ${shard.count}) = ${shard.index})
  `.execute(db);
  return rows[0]?.ms ?? null;
}

/**
 * Moves a claimed monitor past check `seq` (its state machine, alerts, next due time) and releases
 * its lease, only while it is still leased to `owner` at `seq - 1` and not deleted. Returns the
 * alert channels, or undefined when the lease was lost.
 */
export async function advanceLeasedMonitor(
  db: Queryable,
  owner: string,
  id: string,
  seq: number,
  next: { machine: MachineState; recentAlerts: AlertRecord[]; dueAt: Date },
) {
  return db
    .updateTable('monitors')
    .set({
      last_seq: seq,
      machine: JSON.stringify(next.machine),
      recent_alerts: JSON.stringify(next.recentAlerts),
      next_check_at: next.dueAt.toISOString(),
      lease_owner: null,
      lease_until: null,
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('last_seq', '=', seq - 1)
    .where('deleted_at', 'is', null)
    .returning(['alert_email', 'webhook_url', 'language'])
    .executeTakeFirst();
}

/** Moves a claimed monitor's next check to `next` without a check (the checker could not run) and releases it. */
export async function rescheduleLeased(db: Queryable, owner: string, id: string, next: Date): Promise<void> {
  await db
    .updateTable('monitors')
    .set({ next_check_at: next.toISOString(), lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Hands monitors back unchecked (the sweep is stopping): due again at once for whoever sweeps next. */
export async function releaseLeases(db: Queryable, owner: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('monitors').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner).where('id', 'in', ids).execute();
}

/** Monitor alerts recorded in the outbox but not sent yet (a killed sweep's, or a receiver that failed), oldest first. */
export async function pendingAlertKeys(db: Queryable, limit = 200, maxAttempts = 8): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('dedupe_key')
    .where('status', '=', 'pending')
    .where('dedupe_key', 'like', 'monitor:%')
    .where('attempts', '<', maxAttempts)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.dedupe_key);
}

/** Alerts of the monitor recorded in the outbox and not sent yet. */
export async function pendingAlertCount(db: Queryable, id: string): Promise<number> {
  return countOf(
    db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'pending')
      .where('dedupe_key', 'like', `monitor:${id}:%`),
  );
}

/** Inserts monitors in one statement, due as the table's defaults say (a load for `npm run bench:monitors`). */
export async function insertMonitors(db: Queryable, rows: Array<{ id: string } & MonitorValues>): Promise<void> {
  if (rows.length) await db.insertInto('monitors').values(rows).execute();
}
