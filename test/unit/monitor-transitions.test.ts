import { describe, expect, it } from 'vitest';
import { applyCheck, initialMachine } from '../../activities/audits/monitor/transitions.js';
import { DEFAULT_THRESHOLDS, type CheckResult, type MachineState, type Thresholds, type Transition } from '../../core/contracts/monitors.js';

const at = (i: number) => new Date(Date.UTC(2026, 10, 21, 8, 0, i)).toISOString();
const up = (latencyMs = 100, certDaysLeft: number | null = null): Omit<CheckResult, 'checkedAt'> => ({
  ok: true,
  statusCode: 200,
  latencyMs,
  certDaysLeft,
  certValidTo: null,
  error: null,
});
const down = (error = 'HTTP 503'): Omit<CheckResult, 'checkedAt'> => ({
  ok: false,
  statusCode: 503,
  latencyMs: 20,
  certDaysLeft: null,
  certValidTo: null,
  error,
});

/** Runs a sequence of checks; returns the transitions per check and the final state. */
function run(checks: Array<Omit<CheckResult, 'checkedAt'>>, t: Thresholds = DEFAULT_THRESHOLDS, start: MachineState = initialMachine()) {
  let s = start;
  const out: Array<[number, Transition[]]> = [];
  checks.forEach((c, i) => {
    const step = applyCheck(s, { ...c, checkedAt: at(i) }, i + 1, t);
    s = step.state;
    if (step.transitions.length) out.push([i + 1, step.transitions]);
  });
  return { state: s, out };
}

describe('monitor transitions', () => {
  it('declares the site down after N consecutive failures, once, and recovered once', () => {
    const { state, out } = run([up(), down(), down(), down(), down(), down(), up(), up()]);
    expect(out).toEqual([
      [4, ['down']],
      [7, ['recovered']],
    ]);
    expect(state.availability).toBe('up');
    expect(state.openIncidents).toEqual([]);
  });

  it('starts the incident at the first failed check, not when it was confirmed (the outage length is right)', () => {
    const { state, out } = run([up(), down(), up(), down(), down(), down(), down()]);
    expect(out).toEqual([[6, ['down']]]);
    // checks 4, 5 and 6 failed: the outage began at check 4 (second 3), not at check 6
    expect(state.openIncidents).toEqual([{ kind: 'down', sinceSeq: 4, since: at(3) }]);
    // carried across continueAsNew mid-streak, from a run whose state did not know the first failure yet
    const first = run([down(), down()]);
    const { firstFailure: _, ...older } = first.state;
    const resumed = run([down()], DEFAULT_THRESHOLDS, older);
    expect(resumed.state.openIncidents[0]).toMatchObject({ kind: 'down', sinceSeq: 1 });
  });

  it('does not alert for fewer failures than the threshold, and a success resets the count', () => {
    const { out, state } = run([down(), down(), up(), down(), down(), up()]);
    expect(out).toEqual([]);
    expect(state.consecutiveFailures).toBe(0);
  });

  it('honours a per-monitor failure threshold, and a site that is down from the first check', () => {
    const { out, state } = run([down(), down()], { ...DEFAULT_THRESHOLDS, failuresBeforeDown: 1 });
    expect(out).toEqual([[1, ['down']]]);
    expect(state.openIncidents).toEqual([{ kind: 'down', sinceSeq: 1, since: at(0) }]);
  });

  it('alerts on latency over 2 s for 3 checks in a row, once, and closes it silently when fast again', () => {
    const { out } = run([up(2500), up(2500), up(100), up(2100), up(2001), up(3000), up(2500), up(2500), up(300)]);
    expect(out).toEqual([
      [6, ['slow']],
      [9, ['latency-normal']],
    ]);
  });

  it('a latency of exactly the threshold is not slow, and a failure breaks the slow streak', () => {
    expect(run([up(2000), up(2000), up(2000)]).out).toEqual([]);
    expect(run([up(2500), up(2500), down(), up(2500)]).out).toEqual([]);
  });

  it('alerts once when the certificate has fewer than 14 days left, and silently when renewed', () => {
    const { out } = run([up(100, 30), up(100, 14), up(100, 13), up(100, 12), up(100, 90), up(100, 5)]);
    expect(out).toEqual([
      [3, ['certificate-expiring']],
      [5, ['certificate-renewed']],
      [6, ['certificate-expiring']],
    ]);
  });

  it('reads the certificate of a failed check too (an expired certificate makes the site down)', () => {
    const expired = { ...down('TLS: CERT_HAS_EXPIRED'), certDaysLeft: -2 };
    const { out, state } = run([expired, expired, expired]);
    expect(out).toEqual([
      [1, ['certificate-expiring']],
      [3, ['down']],
    ]);
    expect(state.openIncidents.map((i) => i.kind).sort()).toEqual(['certificate', 'down']);
  });

  it('continues from carried state: an open incident is not re-alerted', () => {
    const first = run([down(), down(), down()]);
    const second = run([down(), down(), up()], DEFAULT_THRESHOLDS, first.state);
    expect(second.out).toEqual([[3, ['recovered']]]);
  });

  it('does not mutate the state it is given', () => {
    const s = initialMachine();
    const frozen = JSON.stringify(s);
    applyCheck(s, { ...down(), checkedAt: at(0) }, 1, { ...DEFAULT_THRESHOLDS, failuresBeforeDown: 1 });
    expect(JSON.stringify(s)).toBe(frozen);
  });
});
