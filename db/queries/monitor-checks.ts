/** Queries over `monitor_checks`: every check of every monitor, keyed by (monitor, sequence number). */
import { sql } from 'kysely';
import type { CheckResult } from '../../core/contracts/monitors.js';
import type { Queryable } from './types.js';

/** Records one check; a retry of the same (monitor, sequence) changes nothing. Returns whether it was new. */
export async function insertCheck(db: Queryable, monitorId: string, seq: number, c: CheckResult): Promise<boolean> {
  const rows = await db
    .insertInto('monitor_checks')
    .values({
      monitor_id: monitorId,
      seq,
      checked_at: c.checkedAt,
      ok: c.ok,
      status_code: c.statusCode,
      latency_ms: c.latencyMs,
      cert_days_left: c.certDaysLeft,
      error: c.error?.slice(0, 1000) ?? null,
    })
    .onConflict((oc) => oc.columns(['monitor_id', 'seq']).doNothing())
    .returning('seq')
    .execute();
  return rows.length === 1;
}

/** The next free sequence number for a monitor (checks of an earlier, deleted monitor of the site are kept). */
export async function nextSeq(db: Queryable, monitorId: string): Promise<number> {
  const row = await db
    .selectFrom('monitor_checks')
    .select((eb) => eb.fn.max<number | null>('seq').as('max'))
    .where('monitor_id', '=', monitorId)
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/** The check recorded under a sequence number, as the checker returned it; undefined if none. */
export async function checkAt(db: Queryable, monitorId: string, seq: number): Promise<CheckResult | undefined> {
  const r = await db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', monitorId).where('seq', '=', seq).executeTakeFirst();
  if (!r) return undefined;
  return {
    ok: r.ok,
    statusCode: r.status_code,
    latencyMs: r.latency_ms,
    certDaysLeft: r.cert_days_left,
    certValidTo: null,
    error: r.error,
    checkedAt: r.checked_at.toISOString(),
  };
}

/** Every check taken in [from, to), of any monitor (what `npm run bench:monitors` measures). */
export async function checksBetween(db: Queryable, from: Date, to: Date) {
  return db
    .selectFrom('monitor_checks')
    .select(['monitor_id', 'seq', 'checked_at', 'ok'])
    .where('checked_at', '>=', from)
    .where('checked_at', '<', to)
    .execute();
}

/** A monitor's latest checks, newest first. */
export async function recentChecks(db: Queryable, monitorId: string, limit: number) {
  return db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', monitorId).orderBy('seq', 'desc').limit(limit).execute();
}

/** A monitor's latest check row; undefined before its first. */
export async function lastCheck(db: Queryable, monitorId: string) {
  return db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', monitorId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** The latest check row of each of these monitors (those without a check are absent). */
export async function lastChecksOf(db: Queryable, monitorIds: string[]) {
  if (monitorIds.length === 0) return [];
  return db
    .selectFrom('monitor_checks')
    .selectAll()
    .distinctOn('monitor_id')
    .where('monitor_id', 'in', monitorIds)
    .orderBy('monitor_id')
    .orderBy('seq', 'desc')
    .execute();
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
export async function checkStats(db: Queryable, id: string, upToSeq: number): Promise<{ last24h: WindowStatsRow; last30d: WindowStatsRow }> {
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
