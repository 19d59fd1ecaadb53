/**
 * Rolling uptime and latency aggregates small enough to live in workflow state (and travel through
 * continueAsNew): hourly buckets for the last 24 hours, daily buckets for the last 30 days, each
 * with a sparse log-scale latency histogram (bins 5 % wide), so p95 needs neither the raw checks
 * nor any I/O. Pure and deterministic.
 */
import type { Bucket, RollingStats, WindowStats } from '../../../core/contracts/monitors.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Bin i holds latencies in [GAMMA^i, GAMMA^(i+1)) ms: any percentile is within 5 % of the truth. */
const GAMMA = 1.05;
const LOG_GAMMA = Math.log(GAMMA);

export function emptyStats(): RollingStats {
  return { hours: [], days: [] };
}

export function binOf(ms: number): number {
  return ms < 1 ? 0 : Math.floor(Math.log(ms) / LOG_GAMMA);
}

/** A representative latency for a bin: the geometric middle of its bounds. */
export function binValue(bin: number): number {
  return Math.round(Math.pow(GAMMA, bin + 0.5));
}

function addTo(list: Bucket[], start: number, up: boolean, latencyMs: number | null, keep: number, size: number): Bucket[] {
  const prev = list.find((b) => b.start === start) ?? { start, checks: 0, up: 0, hist: {} };
  const bucket: Bucket = { start, checks: prev.checks + 1, up: prev.up + (up ? 1 : 0), hist: { ...prev.hist } };
  if (up && latencyMs !== null) {
    const k = String(binOf(latencyMs));
    bucket.hist[k] = (bucket.hist[k] ?? 0) + 1;
  }
  const oldest = start - (keep - 1) * size;
  return [...list.filter((b) => b.start !== start && b.start >= oldest), bucket].sort((a, b) => a.start - b.start);
}

/** Adds one check (at `atMs`) to the aggregates; buckets older than the windows are dropped. */
export function recordStats(stats: RollingStats, atMs: number, up: boolean, latencyMs: number | null): RollingStats {
  return {
    hours: addTo(stats.hours, Math.floor(atMs / HOUR) * HOUR, up, latencyMs, 24, HOUR),
    days: addTo(stats.days, Math.floor(atMs / DAY) * DAY, up, latencyMs, 30, DAY),
  };
}

function summarize(buckets: Bucket[]): WindowStats {
  let checks = 0;
  let up = 0;
  const hist = new Map<number, number>();
  for (const b of buckets) {
    checks += b.checks;
    up += b.up;
    for (const [k, n] of Object.entries(b.hist)) hist.set(Number(k), (hist.get(Number(k)) ?? 0) + n);
  }
  const samples = [...hist.values()].reduce((a, n) => a + n, 0);
  let p95: number | null = null;
  if (samples > 0) {
    const rank = Math.ceil(0.95 * samples);
    let seen = 0;
    for (const bin of [...hist.keys()].sort((a, b) => a - b)) {
      seen += hist.get(bin)!;
      if (seen >= rank) {
        p95 = binValue(bin);
        break;
      }
    }
  }
  return { checks, uptimePercent: checks ? Math.round((up / checks) * 10_000) / 100 : null, p95LatencyMs: p95 };
}

/** Uptime and p95 over the last 24 hours (hourly buckets) and the last 30 days (daily buckets) as of `nowMs`. */
export function windows(stats: RollingStats, nowMs: number): { last24h: WindowStats; last30d: WindowStats } {
  const hourStart = Math.floor(nowMs / HOUR) * HOUR;
  const dayStart = Math.floor(nowMs / DAY) * DAY;
  return {
    last24h: summarize(stats.hours.filter((b) => b.start > hourStart - 24 * HOUR)),
    last30d: summarize(stats.days.filter((b) => b.start > dayStart - 30 * DAY)),
  };
}
