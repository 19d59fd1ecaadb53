import { describe, expect, it } from 'vitest';
import { binOf, binValue, emptyStats, recordStats, windows } from '../../activities/audits/monitor/stats.js';
import type { RollingStats } from '../../core/contracts/monitors.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 21, 12, 30);

describe('monitor rolling stats', () => {
  it('computes uptime and p95 within 5 % from the histogram', () => {
    let s = emptyStats();
    for (let i = 1; i <= 100; i++) s = recordStats(s, T0 + i * 1000, true, i * 10); // 10..1000 ms
    for (let i = 0; i < 25; i++) s = recordStats(s, T0 + i * 1000, false, null);
    const w = windows(s, T0 + 200_000);
    expect(w.last24h.checks).toBe(125);
    expect(w.last24h.uptimePercent).toBe(80);
    expect(Math.abs(w.last24h.p95LatencyMs! - 950) / 950).toBeLessThan(0.05);
    expect(w.last30d).toEqual(w.last24h);
  });

  it('separates the 24 h window from the 30 d window and drops what is older', () => {
    let s: RollingStats = emptyStats();
    s = recordStats(s, T0 - 10 * DAY, false, null); // in 30 d only
    s = recordStats(s, T0 - 40 * DAY, false, null); // in neither
    s = recordStats(s, T0 - 25 * HOUR, true, 100); // in 30 d only
    s = recordStats(s, T0 - HOUR, true, 100);
    s = recordStats(s, T0, true, 200);
    const w = windows(s, T0);
    expect(w.last24h).toEqual({ checks: 2, uptimePercent: 100, p95LatencyMs: expect.any(Number) });
    expect(w.last30d.checks).toBe(4);
    expect(w.last30d.uptimePercent).toBe(75);
    expect(s.hours.length).toBeLessThanOrEqual(24);
    expect(s.days.length).toBeLessThanOrEqual(30);
  });

  it('has no figures without checks, and no p95 when every check failed', () => {
    expect(windows(emptyStats(), T0).last24h).toEqual({ checks: 0, uptimePercent: null, p95LatencyMs: null });
    const s = recordStats(emptyStats(), T0, false, null);
    expect(windows(s, T0).last24h).toEqual({ checks: 1, uptimePercent: 0, p95LatencyMs: null });
  });

  it('stays compact over a month of checks every minute', () => {
    let s = emptyStats();
    for (let m = 0; m < 30 * 24 * 60; m += 1) s = recordStats(s, T0 + m * 60_000, m % 100 !== 0, 80 + (m % 7) * 30);
    expect(JSON.stringify(s).length).toBeLessThan(20_000);
    const w = windows(s, T0 + 30 * DAY);
    expect(w.last24h.checks).toBeGreaterThan(1400);
    expect(w.last30d.uptimePercent).toBe(99);
  });

  it('maps latencies to bins whose value is within 5 %', () => {
    for (const ms of [1, 7, 95, 950, 2000, 59_000]) expect(Math.abs(binValue(binOf(ms)) - ms) / ms).toBeLessThan(0.05);
  });

  it('does not mutate earlier aggregates', () => {
    const a = recordStats(emptyStats(), T0, true, 100);
    const before = JSON.stringify(a);
    recordStats(a, T0 + 1000, true, 300);
    expect(JSON.stringify(a)).toBe(before);
  });
});
