/**
 * Order phases, the timeline, the ETA and the SLA. Pure and deterministic (no I/O, no clock of its
 * own): the workflow imports it and passes `workflow` time in; the API uses it for orders whose
 * workflow has closed.
 */

import { FLOW_PHASES, TERMINAL_PHASES, type FlowPhase, type OrderPhase, type SlaPolicy, type TimelineEntry } from '../../core/contracts/concierge.js';

export function isTerminal(phase: OrderPhase): boolean {
  return (TERMINAL_PHASES as readonly string[]).includes(phase);
}

/**
 * What each phase nominally takes against real providers (ms), for the ETA. The waits on the
 * customer (domain choice, upload, payment) count 0: the ETA is given from the moment they act.
 */
export const PHASE_ESTIMATE_MS: Record<FlowPhase, number> = {
  received: 0,
  'checking-domain': 60_000,
  'awaiting-domain-choice': 0,
  'awaiting-site': 0,
  'awaiting-payment': 0,
  registering: 15 * 60_000,
  'configuring-dns': 15 * 60_000,
  publishing: 10 * 60_000,
  'issuing-certificate': 45 * 60_000,
  verifying: 10 * 60_000,
  live: 0,
};

/** Appends `phase` unless it is already the last entry (a replayed or repeated step). */
export function appendTimeline(timeline: TimelineEntry[], phase: OrderPhase, at: Date, detail?: string): TimelineEntry[] {
  const last = timeline[timeline.length - 1];
  if (last && last.phase === phase) return timeline;
  return [...timeline, { phase, at: at.toISOString(), ...(detail ? { detail } : {}) }];
}

/** When the order should be live, from the current phase and when it was entered; null once terminal. */
export function estimateEta(phase: OrderPhase, enteredAt: Date, estimates: Record<FlowPhase, number> = PHASE_ESTIMATE_MS, now: Date = enteredAt): Date | null {
  if (isTerminal(phase)) return null;
  const i = FLOW_PHASES.indexOf(phase as FlowPhase);
  let after = 0;
  for (const p of FLOW_PHASES.slice(i + 1)) after += estimates[p];
  // a phase that overruns its estimate pushes the ETA: it ends no earlier than now
  const currentEnds = Math.max(enteredAt.getTime() + estimates[phase as FlowPhase], now.getTime());
  return new Date(currentEnds + after);
}

export const DEFAULT_SLA: SlaPolicy = { normalHours: 4, urgentHours: 24, alertRatio: 0.75 };

export interface SlaWindow {
  startedAt: string;
  deadline: string;
  alertAt: string;
}

/** The SLA clock starts when the payment is received. */
export function slaWindow(paidAt: Date, urgent: boolean, policy: SlaPolicy = DEFAULT_SLA): SlaWindow {
  const hours = urgent ? policy.urgentHours : policy.normalHours;
  const ms = hours * 3_600_000;
  return {
    startedAt: paidAt.toISOString(),
    deadline: new Date(paidAt.getTime() + ms).toISOString(),
    alertAt: new Date(paidAt.getTime() + Math.round(ms * policy.alertRatio)).toISOString(),
  };
}

/** Time from the first entry to `live`, and how long each phase lasted (for reports and benchmarks). */
export function phaseDurations(timeline: TimelineEntry[]): { total: number | null; phases: Partial<Record<OrderPhase, number>> } {
  const phases: Partial<Record<OrderPhase, number>> = {};
  for (let i = 0; i + 1 < timeline.length; i++) {
    const a = timeline[i]!;
    const b = timeline[i + 1]!;
    phases[a.phase] = (phases[a.phase] ?? 0) + (Date.parse(b.at) - Date.parse(a.at));
  }
  const live = timeline.find((t) => t.phase === 'live');
  return { total: live && timeline[0] ? Date.parse(live.at) - Date.parse(timeline[0].at) : null, phases };
}

/**
 * When to renew a certificate: `renewBeforeDays` ahead of expiry; one already inside that window
 * renews halfway to expiry, at least an hour ahead (a CA issuing short certificates cannot make
 * the renewal loop spin).
 */
export function renewalTime(notAfterMs: number, nowMs: number, renewBeforeDays: number): number {
  const HOUR = 3_600_000;
  const planned = notAfterMs - renewBeforeDays * 24 * HOUR;
  if (planned > nowMs) return planned;
  return nowMs + Math.max(HOUR, Math.floor((notAfterMs - nowMs) / 2));
}
