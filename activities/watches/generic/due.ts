/**
 * When a generic watch is due. Each watch has a fixed phase within its interval, derived from its
 * id (deterministic jitter): watches with the same interval are spread over it instead of all
 * firing at the same instant, and a watch keeps its phase from one check to the next. Pure.
 */

import { phaseOf, slotAfter } from '../../shared/due-grid.js';

/** A well-mixed 32-bit hash of an id (splitmix-style finaliser). */
function mix(id: number): number {
  let h = (Math.imul(id ^ (id >>> 16), 0x7feb352d) >>> 0) ^ Math.floor(id / 0x1_0000_0000);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The watch's offset within its interval, in ms: [0, intervalMs). */
export function phaseMs(watchId: number, intervalMs: number): number {
  return phaseOf(mix(watchId), intervalMs);
}

/**
 * The next time the watch is due after `now`: the next instant at its phase, at least half an
 * interval away (a check that ran late, or the baseline taken at creation, is not followed by
 * another one moments later).
 */
export function nextDueAt(watchId: number, intervalMinutes: number, now: Date): Date {
  const interval = intervalMinutes * 60_000;
  const t = now.getTime();
  let next = slotAfter(mix(watchId), interval, t);
  if (next - t < interval / 2) next += interval;
  return new Date(next);
}
