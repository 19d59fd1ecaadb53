/**
 * The monitor's state machine over check results. Pure and deterministic (the workflow runs it):
 * each check moves the state and yields the transitions it caused, and each transition happens
 * once — a site that stays down yields one `down`, however many checks fail after it.
 *
 *  - `down`: `failuresBeforeDown` consecutive failed checks while not already down; the incident
 *    starts at the first of them (the outage began then, not when it was confirmed);
 *  - `recovered`: the first successful check after `down`;
 *  - `slow`: `slowChecksBeforeAlert` consecutive successful checks slower than `latencyMs`;
 *    `latency-normal` (silent) closes it at the first fast check;
 *  - `certificate-expiring`: the certificate has fewer than `certificateDays` days left;
 *    `certificate-renewed` (silent) closes it when a check sees a later expiry.
 */
import type { CheckResult, IncidentKind, MachineState, Thresholds, Transition } from '../../../core/contracts/monitors.js';

export function initialMachine(): MachineState {
  return { availability: 'unknown', consecutiveFailures: 0, consecutiveSlow: 0, slow: false, certificateExpiring: false, openIncidents: [] };
}

export interface Step {
  state: MachineState;
  transitions: Transition[];
}

export function applyCheck(prev: MachineState, check: CheckResult, seq: number, t: Thresholds): Step {
  const s: MachineState = { ...prev, openIncidents: [...prev.openIncidents] };
  const transitions: Transition[] = [];
  const open = (kind: IncidentKind, from = { seq, at: check.checkedAt }) => {
    if (!s.openIncidents.some((i) => i.kind === kind)) s.openIncidents.push({ kind, sinceSeq: from.seq, since: from.at });
  };
  const close = (kind: IncidentKind) => {
    s.openIncidents = s.openIncidents.filter((i) => i.kind !== kind);
  };

  if (!check.ok) {
    s.consecutiveFailures += 1;
    s.consecutiveSlow = 0;
    if (s.consecutiveFailures === 1 || !s.firstFailure) s.firstFailure = { seq, at: check.checkedAt };
    if (s.availability !== 'down' && s.consecutiveFailures >= t.failuresBeforeDown) {
      s.availability = 'down';
      transitions.push('down');
      open('down', s.firstFailure);
    }
  } else {
    s.consecutiveFailures = 0;
    s.firstFailure = null;
    if (s.availability === 'down') {
      transitions.push('recovered');
      close('down');
    }
    s.availability = 'up';
    if (check.latencyMs !== null && check.latencyMs > t.latencyMs) {
      s.consecutiveSlow += 1;
      if (!s.slow && s.consecutiveSlow >= t.slowChecksBeforeAlert) {
        s.slow = true;
        transitions.push('slow');
        open('slow');
      }
    } else {
      s.consecutiveSlow = 0;
      if (s.slow) {
        s.slow = false;
        transitions.push('latency-normal');
        close('slow');
      }
    }
  }

  if (check.certDaysLeft !== null) {
    if (check.certDaysLeft < t.certificateDays) {
      if (!s.certificateExpiring) {
        s.certificateExpiring = true;
        transitions.push('certificate-expiring');
        open('certificate');
      }
    } else if (s.certificateExpiring) {
      s.certificateExpiring = false;
      transitions.push('certificate-renewed');
      close('certificate');
    }
  }
  return { state: s, transitions };
}
