/**
 * Records one check of a claimed monitor with everything it caused — the check row, the state
 * machine's step, incidents and alert outbox rows — in one transaction fenced by the sweep's lease
 * and the sequence number, so a sweep whose lease was taken over (or a retry of a check already
 * recorded) writes nothing and no transition is alerted twice. The queries are in db/queries/.
 */
import type { Db } from '../../../db/client.js';
import { insertCheck } from '../../../db/queries/monitor-checks.js';
import { advanceLeasedMonitor, type ClaimedMonitor } from '../../../db/queries/monitors.js';
import { enqueue, type Notification } from '../../shared/outbox.js';
import { writeIncident } from './incidents.js';
import { incidentChange } from './incident-change.js';
import { alertKey, alertWebhookBody, renderAlertEmail } from './templates.js';
import { applyCheck, initialMachine } from './transitions.js';
import { ALERTING, type AlertRecord, type AlertTransition, type CheckResult, type MachineState } from '../../../core/contracts/monitors.js';

const MAX_RECENT_ALERTS = 20;

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
    const row = await advanceLeasedMonitor(tx, owner, m.id, seq, {
      machine: step.state,
      recentAlerts: [...m.recent_alerts, ...alerts].slice(-MAX_RECENT_ALERTS),
      dueAt: nextDue,
    });
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
        notes.push({
          key: alertKey(m.id, transition, seq, 'email'),
          channel: 'email',
          payload: { to: row.alert_email, subject: email.subject, text: email.text, html: email.html },
        });
      }
      if (row.webhook_url) {
        notes.push({ key: alertKey(m.id, transition, seq, 'webhook'), channel: 'webhook', payload: { url: row.webhook_url, body: alertWebhookBody(alert) } });
      }
    }
    await enqueue(tx, notes);
    return { seq, machine: step.state, keys: notes.map((n) => n.key), transitions: step.transitions };
  });
}
