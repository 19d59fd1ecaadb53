import { describe, expect, it } from 'vitest';
import { appendTimeline, estimateEta, phaseDurations, PHASE_ESTIMATE_MS, renewalTime, slaWindow, DEFAULT_SLA } from '../../../activities/concierge/timeline.js';

const t0 = new Date('2026-11-21T10:00:00Z');

describe('timeline', () => {
  it('appends phases with timestamps and skips a repeated phase', () => {
    let tl = appendTimeline([], 'received', t0);
    tl = appendTimeline(tl, 'received', new Date(t0.getTime() + 5));
    tl = appendTimeline(tl, 'checking-domain', new Date(t0.getTime() + 1000), 'x.fr');
    expect(tl).toEqual([
      { phase: 'received', at: '2026-11-21T10:00:00.000Z' },
      { phase: 'checking-domain', at: '2026-11-21T10:00:01.000Z', detail: 'x.fr' },
    ]);
  });

  it('estimates the ETA from the remaining phases, pushed back when a phase overruns', () => {
    const afterPayment =
      PHASE_ESTIMATE_MS.registering +
      PHASE_ESTIMATE_MS['configuring-dns'] +
      PHASE_ESTIMATE_MS.publishing +
      PHASE_ESTIMATE_MS['issuing-certificate'] +
      PHASE_ESTIMATE_MS.verifying;
    expect(estimateEta('registering', t0)!.getTime()).toBe(t0.getTime() + afterPayment);
    const late = new Date(t0.getTime() + 2 * 3_600_000);
    expect(estimateEta('verifying', t0, undefined, late)!.getTime()).toBe(late.getTime());
    expect(estimateEta('live', t0)).toBeNull();
    expect(estimateEta('refunded', t0)).toBeNull();
    // the normal ETA after payment is within the 2–4 h promise
    expect(afterPayment).toBeGreaterThanOrEqual(3_600_000);
    expect(afterPayment).toBeLessThanOrEqual(4 * 3_600_000);
  });

  it('gives 4 h normally and 24 h to urgent orders (as the brief says), alerting at 75 %', () => {
    expect(slaWindow(t0, false)).toEqual({ startedAt: t0.toISOString(), deadline: '2026-11-21T14:00:00.000Z', alertAt: '2026-11-21T13:00:00.000Z' });
    expect(slaWindow(t0, true).deadline).toBe('2026-11-22T10:00:00.000Z');
    expect(slaWindow(t0, false, { ...DEFAULT_SLA, normalHours: 2, alertRatio: 0.5 }).alertAt).toBe('2026-11-21T11:00:00.000Z');
  });

  it('measures phase durations and order-to-live time', () => {
    const tl = [
      { phase: 'received' as const, at: '2026-11-21T10:00:00.000Z' },
      { phase: 'awaiting-payment' as const, at: '2026-11-21T10:00:02.000Z' },
      { phase: 'registering' as const, at: '2026-11-21T10:00:07.000Z' },
      { phase: 'live' as const, at: '2026-11-21T10:00:10.000Z' },
    ];
    expect(phaseDurations(tl)).toEqual({ total: 10_000, phases: { received: 2000, 'awaiting-payment': 5000, registering: 3000 } });
    expect(phaseDurations(tl.slice(0, 2)).total).toBeNull();
  });

  it('schedules renewal 30 days before expiry, or halfway (>= 1 h) when already inside the window', () => {
    const day = 86_400_000;
    expect(renewalTime(t0.getTime() + 90 * day, t0.getTime(), 30)).toBe(t0.getTime() + 60 * day);
    expect(renewalTime(t0.getTime() + 10 * day, t0.getTime(), 30)).toBe(t0.getTime() + 5 * day);
    expect(renewalTime(t0.getTime() + 60_000, t0.getTime(), 30)).toBe(t0.getTime() + 3_600_000);
  });
});
