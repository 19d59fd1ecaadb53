/**
 * Heartbeats while long work runs, and hands that work the activity's cancellation signal. Temporal
 * delivers a cancel to an activity only through its heartbeats, and notices a dead worker only at
 * the heartbeat timeout: steps that wait (a host's turn, a browser, ACME) or run long statements
 * beat every few seconds meanwhile. Outside an activity (benchmarks, tests) nothing is reported and
 * the signal is undefined.
 */
import { activityHeartbeat } from './activity-owner.js';
import { activitySignal } from './activity-signal.js';

export interface HeartbeatOptions {
  /** How often to beat (default 5 s). */
  everyMs?: number;
  /** Progress sent with each beat (read at each beat). */
  details?: () => unknown;
}

export async function withHeartbeat<T>(fn: (signal: AbortSignal | undefined) => Promise<T>, opts: HeartbeatOptions = {}): Promise<T> {
  const beat = () => activityHeartbeat(opts.details?.());
  const tick = setInterval(beat, opts.everyMs ?? 5000);
  try {
    return await fn(activitySignal());
  } finally {
    clearInterval(tick);
  }
}
