/** Monitor due times: a fixed phase per monitor (deterministic jitter), a grid that does not drift. */
import { describe, expect, it } from 'vitest';
import { gridAfter, latenessMs, nextDueAt, phaseMs } from '../../activities/audits/monitor/due.js';

describe('monitor due times', () => {
  it('spreads 2,000 monitors of one interval over the interval (jitter)', () => {
    const perSecond = new Array<number>(60).fill(0);
    for (let i = 0; i < 2000; i++) perSecond[Math.floor(phaseMs(`monitor-site-${i}.example`, 60_000) / 1000)]! += 1;
    // 33.3 expected per second; nothing bunched, no empty second
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(60);
    expect(Math.min(...perSecond)).toBeGreaterThanOrEqual(12);
    expect(phaseMs('monitor-a', 60_000)).toBe(phaseMs('monitor-a', 60_000));
  });

  it('keeps each monitor on its grid: the next check one interval after the scheduled one, late or not', () => {
    const id = 'monitor-www.exemple.fr';
    const slot = gridAfter(id, 60, Date.UTC(2026, 11, 5, 12));
    expect(latenessMs(id, 60, slot)).toBe(0);
    expect(nextDueAt(id, 60, slot, slot + 1500)).toBe(slot + 60_000);
    // a check that ran 59 s late still keeps the grid; one that missed whole slots skips them
    expect(nextDueAt(id, 60, slot, slot + 59_000)).toBe(slot + 60_000);
    expect(nextDueAt(id, 60, slot, slot + 150_000)).toBe(slot + 180_000);
    expect(latenessMs(id, 60, slot + 60_000 + 1234)).toBe(1234);
  });

  it('puts a new monitor on its grid at least half an interval after its first check', () => {
    const id = 'monitor-127.0.0.1-8080';
    const created = Date.UTC(2026, 11, 5, 12, 0, 7);
    const next = nextDueAt(id, 60, created, created + 30);
    expect(next - created).toBeGreaterThanOrEqual(30_000);
    expect(next - created).toBeLessThanOrEqual(90_000);
    expect(latenessMs(id, 60, next)).toBe(0);
  });
});
