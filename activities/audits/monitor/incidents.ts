/**
 * The incidents history (`monitor_incidents`): a row when an incident opens (down, slow,
 * certificate), completed when it closes. Keyed by (monitor, kind, first check), so a retried write
 * changes nothing, and a close whose open was never written (an incident opened before this table)
 * writes the whole row. What the row holds is decided here; db/queries/monitor-incidents.ts writes it.
 */
import { closeIncident, openIncident } from '../../../db/queries/monitor-incidents.js';
import type { Queryable } from '../../../db/queries/types.js';
import { incidentCause, incidentChange } from './incident-change.js';
import type { CheckResult, Incident, Thresholds, Transition } from '../../../core/contracts/monitors.js';

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

export async function writeIncident(db: Queryable, w: IncidentWrite): Promise<void> {
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
  if (action === 'open') await openIncident(db, row);
  else await closeIncident(db, row, w.seq, w.check.checkedAt);
}
