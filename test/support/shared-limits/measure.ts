/**
 * What the shared-limit checks measure from what the stand-ins recorded (pure): the most requests
 * any rolling window held, the smallest gap between two requests to one host, and how often each
 * key occurs (a duplicate side effect is a key seen twice).
 */

/** The most timestamps (ms) within any rolling window of `windowMs` (less than `windowMs` apart: HubSpot's window, as the stand-in counts it). */
export function maxPerWindow(times: readonly number[], windowMs: number): number {
  const ts = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < ts.length; hi++) {
    while (ts[hi]! - ts[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** The smallest gap (ms) between consecutive timestamps; Infinity with fewer than two. */
export function minGap(times: readonly number[]): number {
  const ts = [...times].sort((a, b) => a - b);
  let min = Infinity;
  for (let i = 1; i < ts.length; i++) min = Math.min(min, ts[i]! - ts[i - 1]!);
  return min;
}

/** Keys seen more than once, with their count. */
export function repeated<T>(keys: readonly T[]): Array<[T, number]> {
  const n = new Map<T, number>();
  for (const k of keys) n.set(k, (n.get(k) ?? 0) + 1);
  return [...n].filter(([, c]) => c > 1);
}

/** `a` → the set of `b` values seen with it (e.g. host → worker identities that crawled it). */
export function spread<A, B>(pairs: ReadonlyArray<readonly [A, B]>): Map<A, Set<B>> {
  const out = new Map<A, Set<B>>();
  for (const [a, b] of pairs) out.set(a, (out.get(a) ?? new Set<B>()).add(b));
  return out;
}
