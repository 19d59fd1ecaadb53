/** Restart policy of the launcher's supervisor: pure, so it is tested without processes. */

export interface BackoffPolicy {
  /** First restart delay. */
  initialMs: number;
  /** Delays double up to this cap. */
  maxMs: number;
  /** A run that stayed up this long resets the delay to `initialMs`. */
  resetAfterMs: number;
  /** `loopCrashes` exits within `loopWindowMs` are reported as a crash loop. */
  loopCrashes: number;
  loopWindowMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000, loopCrashes: 5, loopWindowMs: 60_000 };

export interface CrashRecord {
  /** Crashes since the last run that stayed up `resetAfterMs`. */
  consecutive: number;
  /** Times of recent crashes (ms), oldest first, within `loopWindowMs`. */
  recent: number[];
}

export const noCrashes = (): CrashRecord => ({ consecutive: 0, recent: [] });

/** Records an exit at `now` of a run that was up `uptimeMs`; returns the delay before the restart. */
export function recordCrash(
  rec: CrashRecord,
  now: number,
  uptimeMs: number,
  p: BackoffPolicy = DEFAULT_BACKOFF,
): { record: CrashRecord; delayMs: number; crashLoop: boolean } {
  const consecutive = (uptimeMs >= p.resetAfterMs ? 0 : rec.consecutive) + 1;
  const recent = [...rec.recent.filter((t) => t > now - p.loopWindowMs), now];
  const delayMs = Math.min(p.maxMs, p.initialMs * 2 ** (consecutive - 1));
  return { record: { consecutive, recent }, delayMs, crashLoop: recent.length >= p.loopCrashes };
}
