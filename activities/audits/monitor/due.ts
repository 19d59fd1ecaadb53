/**
 * When a monitor is due. Each monitor has a fixed phase within its interval, derived from its id
 * (deterministic jitter): monitors with the same interval are spread over it instead of all being
 * checked at the same instant, and a monitor keeps its phase from one check to the next, so
 * lateness never accumulates. Pure.
 */

import { phaseOf, slotAfter } from '../../shared/due-grid.js';

/** FNV-1a over the id's UTF-16 code units, then a splitmix-style finaliser: 32 well-mixed bits. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The monitor's offset within its interval, in ms: [0, intervalMs). */
export function phaseMs(monitorId: string, intervalMs: number): number {
  return phaseOf(idHash(monitorId), intervalMs);
}

/** The first instant of the monitor's grid (phase + k × interval) strictly after `t` (epoch ms). */
export function gridAfter(monitorId: string, intervalSeconds: number, t: number): number {
  return slotAfter(idHash(monitorId), intervalSeconds * 1000, t);
}

/**
 * When the check after the one scheduled at `scheduledAt` is due: the next slot of the monitor's
 * grid, at least half an interval after the scheduled time (a first check taken at creation is not
 * followed by another moments later); slots already past `now` (a worker outage) are skipped
 * rather than bunched.
 */
export function nextDueAt(monitorId: string, intervalSeconds: number, scheduledAt: number, now: number): number {
  let next = gridAfter(monitorId, intervalSeconds, scheduledAt);
  if (next - scheduledAt < (intervalSeconds * 1000) / 2) next += intervalSeconds * 1000;
  if (next <= now) next = gridAfter(monitorId, intervalSeconds, now);
  return next;
}

/** How late a check at `checkedAt` is against its grid slot (ms; the nearest slot at or before it). */
export function latenessMs(monitorId: string, intervalSeconds: number, checkedAt: number): number {
  const interval = intervalSeconds * 1000;
  const phase = phaseMs(monitorId, interval);
  return (((checkedAt - phase) % interval) + interval) % interval;
}
