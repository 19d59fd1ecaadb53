/** Which incident a monitor transition opens or closes, and why. Pure: the workflow imports it. */
import type { CheckResult, IncidentKind, Thresholds, Transition } from '../../../core/contracts/monitors.js';

export interface IncidentChange {
  kind: IncidentKind;
  action: 'open' | 'close';
}

/** Which incident a transition opens or closes. Pure. */
export function incidentChange(t: Transition): IncidentChange {
  switch (t) {
    case 'down':
      return { kind: 'down', action: 'open' };
    case 'recovered':
      return { kind: 'down', action: 'close' };
    case 'slow':
      return { kind: 'slow', action: 'open' };
    case 'latency-normal':
      return { kind: 'slow', action: 'close' };
    case 'certificate-expiring':
      return { kind: 'certificate', action: 'open' };
    case 'certificate-renewed':
      return { kind: 'certificate', action: 'close' };
  }
}

/** Why the incident opened, from the check that confirmed it. Pure. */
export function incidentCause(kind: IncidentKind, check: CheckResult, t: Thresholds): string {
  if (kind === 'down') return check.error ?? (check.statusCode !== null ? `HTTP ${check.statusCode}` : 'check failed');
  if (kind === 'slow') return `response time ${check.latencyMs} ms over ${t.latencyMs} ms for ${t.slowChecksBeforeAlert} checks`;
  return `certificate expires in ${check.certDaysLeft} days (threshold ${t.certificateDays})`;
}
