/** PostgreSQL access for monitors: the raw checks and the monitor rows (plain functions over Kysely). */
import type { DbOrTx } from '../../../db/client.js';
import type { CheckResult } from '../../../core/contracts/monitors.js';

/** Records one check; a retry of the same (monitor, sequence) changes nothing. Returns whether it was new. */
export async function insertCheck(db: DbOrTx, monitorId: string, seq: number, c: CheckResult): Promise<boolean> {
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
export async function nextSeq(db: DbOrTx, monitorId: string): Promise<number> {
  const row = await db
    .selectFrom('monitor_checks')
    .select((eb) => eb.fn.max<number | null>('seq').as('max'))
    .where('monitor_id', '=', monitorId)
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/** The check recorded under a sequence number, as the checker returned it; undefined if none. */
export async function checkAt(db: DbOrTx, monitorId: string, seq: number): Promise<CheckResult | undefined> {
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

export async function recentChecks(db: DbOrTx, monitorId: string, limit: number) {
  return db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', monitorId).orderBy('seq', 'desc').limit(limit).execute();
}

export async function monitorRow(db: DbOrTx, id: string) {
  return db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst();
}
