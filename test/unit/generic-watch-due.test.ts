/** Deterministic per-watch jitter: watches of one interval spread over it, each keeping its phase. */
import { describe, expect, it } from 'vitest';
import { nextDueAt, phaseMs } from '../../activities/watches/generic/due.js';

describe('generic watch due times', () => {
  it('spreads 1,000 watches of one interval evenly over it', () => {
    const interval = 60 * 60_000;
    const buckets = new Array(10).fill(0);
    for (let id = 1; id <= 1000; id++) buckets[Math.floor((phaseMs(id, interval) / interval) * 10)]++;
    for (const n of buckets) {
      expect(n).toBeGreaterThan(60);
      expect(n).toBeLessThan(140);
    }
    // consecutive ids do not sit next to each other
    expect(Math.abs(phaseMs(1, interval) - phaseMs(2, interval))).toBeGreaterThan(0);
  });

  it('keeps each watch on its phase, at least half an interval after the last check', () => {
    const minutes = 30;
    const interval = minutes * 60_000;
    for (const id of [1, 2, 17, 123_456, 9_007_199_254]) {
      const phase = phaseMs(id, interval);
      let now = new Date('2026-12-01T10:00:00Z');
      for (let i = 0; i < 5; i++) {
        const next = nextDueAt(id, minutes, now);
        expect((next.getTime() - phase) % interval).toBe(0);
        expect(next.getTime() - now.getTime()).toBeGreaterThanOrEqual(interval / 2);
        expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(interval * 1.5);
        now = new Date(next.getTime() + 20_000); // checked 20 s late
      }
      expect(nextDueAt(id, minutes, new Date('2026-12-01T10:00:00Z'))).toEqual(nextDueAt(id, minutes, new Date('2026-12-01T10:00:00Z')));
    }
  });
});
