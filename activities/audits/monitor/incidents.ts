/**
 * The incidents history (`monitor_incidents`): a row when an incident opens (down, slow,
 * certificate), completed when it closes. Keyed by (monitor, kind, first check), so a retried write
 * changes nothing, and a close whose open was never written (an incident opened before this table)
 * writes the whole row.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../../db/client.js';
import { incidentCause, incidentChange } from './incident-change.js';
import type { CheckResult, Incident, IncidentKind, Thresholds, Transition } from '../../../core/contracts/monitors.js';

export interface IncidentWrite {
  monitorId: string;
  transition: Transition;
  /** The check that caused the transition. */
  seq: number;
  check: CheckResult;
  thresholds: Thresholds;
  /** The incident as the state machine has it (its first check); the transition's own check if absent. */
  incident?: Incident | null;
}

export async function writeIncident(db: DbOrTx, w: IncidentWrite): Promise<void> {
  const { kind, action } = incidentChange(w.transition);
  const start = w.incident && w.incident.kind === kind ? { seq: w.incident.sinceSeq, at: w.incident.since } : { seq: w.seq, at: w.check.checkedAt };
  // a down incident's checks all failed, from its first through the one before recovery
  const failedAtOpen = kind === 'down' ? w.seq - start.seq + 1 : 0;
  const row = {
    monitor_id: w.monitorId,
    kind,
    start_seq: start.seq,
    started_at: start.at,
    cause: incidentCause(kind, w.check, w.thresholds).slice(0, 1000),
    checks_failed: action === 'open' ? failedAtOpen : kind === 'down' ? w.seq - start.seq : 0,
  };
  if (action === 'open') {
    await db.insertInto('monitor_incidents').values(row).onConflict((oc) => oc.columns(['monitor_id', 'kind', 'start_seq']).doNothing()).execute();
    return;
  }
  await db
    .insertInto('monitor_incidents')
    .values({ ...row, cause: null, end_seq: w.seq, ended_at: w.check.checkedAt })
    .onConflict((oc) =>
      oc.columns(['monitor_id', 'kind', 'start_seq']).doUpdateSet({
        end_seq: w.seq,
        ended_at: w.check.checkedAt,
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
export async function listIncidents(db: DbOrTx, monitorId: string, limit: number, after: IncidentCursor | null) {
  let q = db.selectFrom('monitor_incidents').selectAll().where('monitor_id', '=', monitorId);
  if (after) {
    const [ms, kindIndex, seq] = after;
    const kind = KINDS[kindIndex] ?? '';
    q = q.where(sql<boolean>`(floor(extract(epoch from started_at) * 1000)::bigint, kind, start_seq) < (${ms}::bigint, ${kind}, ${seq}::bigint)`);
  }
  const [rows, total] = await Promise.all([
    q.orderBy('started_at', 'desc').orderBy('kind', 'desc').orderBy('start_seq', 'desc').limit(limit + 1).execute(),
    db.selectFrom('monitor_incidents').select((eb) => eb.fn.countAll<string>().as('n')).where('monitor_id', '=', monitorId).executeTakeFirstOrThrow(),
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
  return { items, total: Number(total.n), next };
}
