/**
 * CPU time and memory of process trees, read from /proc (Linux): what the side-by-side
 * benchmarks charge to each tool's whole stack.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

function children(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(ppid, [...(out.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone
    }
  }
  return out;
}

/** The roots and every process below them, as they are now. */
export function treeOf(roots: number[]): number[] {
  const kids = children();
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return [...seen];
}

/**
 * CPU seconds (user + system) used so far by the processes, including their children already
 * waited for (cutime / cstime).
 */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 here (state is field 3)
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // gone
    }
  }
  return ticks / TICKS;
}

/** Resident memory of the processes, summed, in MB. */
export function rssMb(pids: number[]): number {
  let kb = 0;
  for (const p of pids) {
    try {
      kb += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** Samples the trees' summed RSS every `everyMs` until stopped; answers the peak in MB. */
export function peakSampler(roots: () => number[], everyMs = 200) {
  let peak = 0;
  const tick = () => (peak = Math.max(peak, rssMb(treeOf(roots()))));
  const timer = setInterval(tick, everyMs);
  tick();
  return {
    get peak() {
      return peak;
    },
    reset() {
      peak = 0;
    },
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}
