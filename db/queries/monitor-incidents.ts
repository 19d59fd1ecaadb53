/**
 * Queries over `monitor_incidents`: a row when an incident opens (down, slow, certificate),
 * completed when it closes. Keyed by (monitor, kind, first check), so a retried write changes
 * nothing, and a close whose open was never written writes the whole row.
 */
import { sql, type Insertable } from 'kysely';
import type { IncidentKind } from '../../core/contracts/monitors.js';
import type { MonitorIncidentsTable } from '../schema/monitors.js';
import { countOf } from './keyset.js';
import type { Queryable } from './types.js';

export type IncidentRow = Pick<Insertable<MonitorIncidentsTable>, 'monitor_id' | 'kind' | 'start_seq' | 'started_at' | 'cause' | 'checks_failed'>;

/** Records an incident's opening; a retry changes nothing. */
export async function openIncident(db: Queryable, row: IncidentRow): Promise<void> {
  await db
    .insertInto('monitor_incidents')
    .values(row)
    .onConflict((oc) => oc.columns(['monitor_id', 'kind', 'start_seq']).doNothing())
    .execute();
}

/** Records an incident's close at check `endSeq` (the whole row if its open is missing); a retry changes nothing. */
export async function closeIncident(db: Queryable, row: IncidentRow, endSeq: number, endedAt: string): Promise<void> {
  await db
    .insertInto('monitor_incidents')
    .values({ ...row, cause: null, end_seq: endSeq, ended_at: endedAt })
    .onConflict((oc) =>
      oc.columns(['monitor_id', 'kind', 'start_seq']).doUpdateSet({
        end_seq: endSeq,
        ended_at: endedAt,
        checks_failed: sql<number>`greatest(monitor_incidents.checks_failed, excluded.checks_failed)`,
      }),
    )
    .execute();
}

export interface IncidentOut {
  kind: IncidentKind;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  cause: string | null;
  checksFailed: number;
  firstCheck: number;
  lastCheck: number | null;
}

const KINDS: readonly IncidentKind[] = ['certificate', 'down', 'slow'];
/** Where a page ends: started_at (epoch ms), the kind's index in KINDS, the first check. All integers. */
export type IncidentCursor = [number, number, number];

/** A page of incidents, newest first, after `after`; the total; and the cursor of the next page. */
export async function listIncidents(db: Queryable, monitorId: string, limit: number, after: IncidentCursor | null) {
  let q = db.selectFrom('monitor_incidents').selectAll().where('monitor_id', '=', monitorId);
  if (after) {
    const [ms, kindIndex, seq] = after;
    const kind = KINDS[kindIndex] ?? '';
    q = q.where(sql<boolean>`(floor(extract(epoch from started_at) * 1000)::bigint, kind, start_seq) < (${ms}::bigint, ${kind}, ${seq}::bigint)`);
  }
  const [rows, total] = await Promise.all([
    q
      .orderBy('started_at', 'desc')
      .orderBy('kind', 'desc')
      .orderBy('start_seq', 'desc')
      .limit(limit + 1)
      .execute(),
    countOf(
      db
        .selectFrom('monitor_incidents')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('monitor_id', '=', monitorId),
    ),
  ]);
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page[page.length - 1]! : null;
  const items: IncidentOut[] = page.map((r) => ({
    kind: r.kind,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
    durationSeconds: r.ended_at ? Math.round((r.ended_at.getTime() - r.started_at.getTime()) / 1000) : null,
    cause: r.cause,
    checksFailed: r.checks_failed,
    firstCheck: Number(r.start_seq),
    lastCheck: r.end_seq === null ? null : Number(r.end_seq),
  }));
  const next: IncidentCursor | null = last ? [last.started_at.getTime(), KINDS.indexOf(last.kind), Number(last.start_seq)] : null;
  return { items, total, next };
}
