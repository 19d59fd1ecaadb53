/**
 * The CPU split `npm run bench:scale` prints for each measured run: CPU seconds of the Temporal
 * server, the worker processes, PostgreSQL and the bench process itself (API, stand-ins,
 * fixtures), from /proc. Worker CPU is sampled every 500 ms and kept per process, so a worker
 * killed mid-run still counts up to its last sample.
 */
import { loadavg } from 'node:os';
import { cpuSeconds, treeOf } from './proc-tree.js';

export interface CpuSplit {
  temporal: number;
  workers: number;
  postgres: number;
  bench: number;
  wall: number;
}

export interface CpuRoots {
  temporal: () => number[];
  postgres: () => number[];
}

export function cpuMeter(roots: CpuRoots, workerPids: number[]) {
  const last = new Map<number, number>();
  const sampleWorkers = () => {
    for (const p of workerPids) {
      const s = cpuSeconds(treeOf([p]));
      if (s > 0) last.set(p, s);
    }
    return [...last.values()].reduce((a, b) => a + b, 0);
  };
  const w0 = sampleWorkers();
  const [s0, p0, own0, t0] = [cpuSeconds(treeOf(roots.temporal())), cpuSeconds(treeOf(roots.postgres())), process.cpuUsage(), performance.now()];
  const timer = setInterval(sampleWorkers, 500);
  return {
    stop(): CpuSplit {
      clearInterval(timer);
      const own = process.cpuUsage(own0);
      return {
        temporal: cpuSeconds(treeOf(roots.temporal())) - s0,
        workers: sampleWorkers() - w0,
        postgres: cpuSeconds(treeOf(roots.postgres())) - p0,
        bench: (own.user + own.system) / 1e6,
        wall: (performance.now() - t0) / 1000,
      };
    },
  };
}

export function formatCpu(c: CpuSplit, benchLabel = 'bench'): string {
  const total = c.temporal + c.workers + c.postgres + c.bench;
  return `CPU s: Temporal ${c.temporal.toFixed(1)}, workers ${c.workers.toFixed(1)}, PostgreSQL ${c.postgres.toFixed(1)}, ${benchLabel} ${c.bench.toFixed(1)} = ${total.toFixed(1)} in ${c.wall.toFixed(1)} s wall (${(total / c.wall).toFixed(2)} cores busy; load ${loadavg()[0]!.toFixed(1)})`;
}

/** Resolves once `ready()` holds (polled every 50 ms). */
export async function whenReady(ready: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await ready())) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Stalls of this process's event loop (over 100 ms): while it stalls, the stand-ins it hosts note
 * the requests that queued up as arriving together, a bunching the senders did not cause.
 */
export function stallWatch() {
  const ticks: number[] = [Date.now()];
  const timer = setInterval(() => ticks.push(Date.now()), 20);
  return {
    /** [when the stall ended, its length in ms] for each stall. */
    stop(): Array<[number, number]> {
      clearInterval(timer);
      const out: Array<[number, number]> = [];
      for (let i = 1; i < ticks.length; i++) if (ticks[i]! - ticks[i - 1]! > 120) out.push([ticks[i]!, ticks[i]! - ticks[i - 1]! - 20]);
      return out;
    },
  };
}
