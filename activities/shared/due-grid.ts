/**
 * The due-time grid shared by the recurring sweeps (generic watches, site monitors): each target
 * has a fixed phase within its interval, taken from a 32-bit hash of its id (deterministic jitter),
 * so targets with the same interval are spread over it and keep their phase from one check to the
 * next. Pure.
 */

/** The offset within the interval for a 32-bit `hash`, in ms: [0, intervalMs). */
export function phaseOf(hash: number, intervalMs: number): number {
  return Math.floor((hash / 0x1_0000_0000) * intervalMs);
}

/** The first instant of the grid (phase + k × interval) strictly after `t` (epoch ms). */
export function slotAfter(hash: number, intervalMs: number, t: number): number {
  const phase = phaseOf(hash, intervalMs);
  return phase + (Math.floor((t - phase) / intervalMs) + 1) * intervalMs;
}
