/**
 * The monitor sweep's queries over `monitors`: claiming due monitors under a lease (`FOR UPDATE
 * SKIP LOCKED`, so two sweeps never take the same monitor), and recording one check with what it
 * caused — the check row, the state machine, incidents and alert outbox rows — in one transaction
 * fenced by the lease and the sequence number, so a sweep whose lease was taken over (or a retry of
 * a check already recorded) writes nothing and no transition is alerted twice.
 */
import { sql } from 'kysely';
import type { Db } from '../../../db/client.js';
import type { Monitor } from '../../../db/schema/monitors.js';
import { enqueue, type Notification } from '../../shared/outbox.js';
import { writeIncident } from './incidents.js';
import { incidentChange } from './incident-change.js';
import { insertCheck } from './store.js';
import { alertKey, alertWebhookBody, renderAlertEmail } from './templates.js';
import { applyCheck, initialMachine } from './transitions.js';
import { ALERTING, type AlertRecord, type AlertTransition, type CheckResult, type MachineState } from '../../../core/contracts/monitors.js';

export type ClaimedMonitor = Pick<Monitor, 'id' | 'url' | 'interval_seconds' | 'thresholds' | 'last_seq' | 'machine' | 'recent_alerts' | 'next_check_at'>;

export interface Shard {
  index: number;
  count: number;
}

const MAX_RECENT_ALERTS = 20;
/** A claimed monitor stays leased for its check's timeout plus this margin (recording, a slow database). */
const LEASE_MARGIN_MS = 30_000;

/**
 * Takes up to `limit` due monitors of the shard, leasing each to `owner` for its timeout plus a
 * margin. With `resume`, also those still leased to `owner` (a retried attempt finds what its
 * killed predecessor left unfinished).
 */
export async function claimDue(db: Db, owner: string, limit: number, shard: Shard, resume = false): Promise<ClaimedMonitor[]> {
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
export async function msUntilNextDue(db: Db, shard: Shard): Promise<number | null> {
  const { rows } = await sql<{ ms: number | null }>`
    select greatest(0, extract(epoch from (min(greatest(next_check_at, coalesce(lease_until, next_check_at))) - clock_timestamp())) * 1000)::float8 as ms
    from monitors
    where deleted_at is null and not paused
      and (${shard.count} = 1 or mod(hashtext(id)::bigint & 2147483647, ${shard.count}) = ${shard.index})
  `.execute(db);
  return rows[0]?.ms ?? null;
}

export interface RecordedCheck {
  seq: number;
  machine: MachineState;
  /** Outbox keys of the alerts this check caused (to deliver now). */
  keys: string[];
  transitions: string[];
}

/**
 * Records check `last_seq + 1` of a claimed monitor: the row, the state machine's step, the
 * incidents it opens or closes and the alerts' outbox rows, in one transaction, only while the
 * monitor is still leased to `owner` at the sequence the check started from. Null when the lease
 * was lost (another sweep owns the monitor now, or it was deleted meanwhile).
 */
export async function recordSweepCheck(db: Db, owner: string, m: ClaimedMonitor, check: CheckResult, nextDue: Date): Promise<RecordedCheck | null> {
  const seq = m.last_seq + 1;
  const before = m.machine ?? initialMachine();
  const step = applyCheck(before, check, seq, m.thresholds);
  const alerts: AlertRecord[] = step.transitions.filter((t) => ALERTING.has(t)).map((t) => ({ transition: t as AlertTransition, seq, at: check.checkedAt }));
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('monitors')
      .set({
        last_seq: seq,
        machine: JSON.stringify(step.state),
        recent_alerts: JSON.stringify([...m.recent_alerts, ...alerts].slice(-MAX_RECENT_ALERTS)),
        next_check_at: nextDue.toISOString(),
        lease_owner: null,
        lease_until: null,
      })
      .where('id', '=', m.id)
      .where('lease_owner', '=', owner)
      .where('last_seq', '=', m.last_seq)
      .where('deleted_at', 'is', null)
      .returning(['alert_email', 'webhook_url', 'language'])
      .executeTakeFirst();
    if (!row) return null;
    await insertCheck(tx, m.id, seq, check);
    const notes: Notification[] = [];
    for (const t of step.transitions) {
      const { kind, action } = incidentChange(t);
      const incident = (action === 'open' ? step.state : before).openIncidents.find((i) => i.kind === kind) ?? null;
      await writeIncident(tx, { monitorId: m.id, transition: t, seq, check, thresholds: m.thresholds, incident });
      if (!ALERTING.has(t)) continue;
      const transition = t as AlertTransition;
      const since = transition === 'recovered' ? (before.openIncidents.find((i) => i.kind === 'down')?.since ?? null) : null;
      const alert = { monitorId: m.id, url: m.url, transition, seq, check, thresholds: m.thresholds, since };
      if (row.alert_email) {
        const email = renderAlertEmail(alert, row.language);
        notes.push({ key: alertKey(m.id, transition, seq, 'email'), channel: 'email', payload: { to: row.alert_email, subject: email.subject, text: email.text, html: email.html } });
      }
      if (row.webhook_url) {
        notes.push({ key: alertKey(m.id, transition, seq, 'webhook'), channel: 'webhook', payload: { url: row.webhook_url, body: alertWebhookBody(alert) } });
      }
    }
    await enqueue(tx, notes);
    return { seq, machine: step.state, keys: notes.map((n) => n.key), transitions: step.transitions };
  });
}

/** Hands a monitor back unchecked (the sweep is stopping): due again at once for whoever sweeps next. */
export async function releaseLeases(db: Db, owner: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('monitors').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner).where('id', 'in', ids).execute();
}

/** Monitor alerts recorded but not sent yet (a killed sweep's, or a receiver that failed), oldest first. */
export async function pendingAlertKeys(db: Db, limit = 200, maxAttempts = 8): Promise<string[]> {
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

/** What the API writes for a monitor (POST), besides its id. */
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

/**
 * Creates the monitor's row, or revives a deleted one (fresh state machine and alerts; its check
 * numbers continue after the old ones), due at once so the first check is taken now. Null when an
 * active monitor already holds the id (the API answers 409).
 */
export async function createMonitorRow(db: Db, id: string, values: MonitorValues): Promise<Monitor | null> {
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

/** Stops a monitor: the row is marked deleted (its checks and incidents are kept); a sweep's lease on it no longer records. */
export async function deleteMonitorRow(db: Db, id: string): Promise<boolean> {
  const r = await db
    .updateTable('monitors')
    .set({ deleted_at: sql`now()`, updated_at: sql`now()`, lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export interface WindowStatsRow {
  checks: number;
  up: number;
  p95LatencyMs: number | null;
}

/**
 * Uptime counts and p95 latency (of successful checks) over the last 24 hours and 30 days, from
 * the raw checks up to sequence `upToSeq` (so they match the state read with them).
 */
export async function checkStats(db: Db, id: string, upToSeq: number): Promise<{ last24h: WindowStatsRow; last30d: WindowStatsRow }> {
  const { rows } = await sql<{ c24: string; u24: string; p24: number | null; c30: string; u30: string; p30: number | null }>`
    select
      count(*) filter (where checked_at > now() - interval '24 hours') as c24,
      count(*) filter (where ok and checked_at > now() - interval '24 hours') as u24,
      percentile_disc(0.95) within group (order by latency_ms) filter (where ok and latency_ms is not null and checked_at > now() - interval '24 hours') as p24,
      count(*) as c30,
      count(*) filter (where ok) as u30,
      percentile_disc(0.95) within group (order by latency_ms) filter (where ok and latency_ms is not null) as p30
    from monitor_checks
    where monitor_id = ${id} and seq <= ${upToSeq} and checked_at > now() - interval '30 days'
  `.execute(db);
  const r = rows[0]!;
  return {
    last24h: { checks: Number(r.c24), up: Number(r.u24), p95LatencyMs: r.p24 === null ? null : Number(r.p24) },
    last30d: { checks: Number(r.c30), up: Number(r.u30), p95LatencyMs: r.p30 === null ? null : Number(r.p30) },
  };
}

/** Alerts of the monitor recorded in the outbox and not sent yet. */
export async function pendingAlertCount(db: Db, id: string): Promise<number> {
  const r = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    .where('dedupe_key', 'like', `monitor:${id}:%`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Applies an API change to an active monitor's row; with `rescheduleAt`, its next check moves there. Undefined when none is active. */
export async function updateMonitorRow(
  db: Db,
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
