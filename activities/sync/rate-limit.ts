/**
 * One token bucket per remote API, in PostgreSQL, shared by every worker process. A caller
 * reserves tokens in a single atomic upsert; the bucket may go negative (reservations queue up),
 * and the caller sleeps for its place in the queue. A 429 pushes the whole bucket back by the
 * server's Retry-After, so every process slows down, not just the one that was told. The bucket
 * also counts the day's requests against a daily budget.
 */
import type { DbOrTx } from '../../db/client.js';
import { bucketUsage, chargeThrottle, takeTokens } from '../../db/queries/sync-rate-limit.js';

export interface BucketSpec {
  name: string;
  /** Requests allowed per window by the remote side. */
  limit: number;
  windowMs: number;
  dailyBudget: number;
}

/**
 * Capacity and refill chosen so that no window of `windowMs` holds more than `limit` requests as
 * the remote counts them (when they arrive), whatever its window alignment: burst + refill over
 * the window = limit - headroom. A request leaves after its reserved time (timers, a starved
 * process): a sender late by a few slots bunches its requests with those other processes send on
 * time (seen at 30 per 10 s with two worker processes on a loaded machine: three requests within
 * 179 ms where slots were 345 ms apart, and a 429). The headroom (2 % of the limit, at least one
 * request) absorbs `lateMs` of lateness; a reservation missed by more is given up (see take).
 */
export function bucketShape(spec: BucketSpec): { capacity: number; refillPerSec: number; lateMs: number } {
  const capacity = Math.max(1, Math.floor(spec.limit * 0.05));
  const paced = spec.limit - capacity;
  const headroom = paced > 2 ? Math.max(1, Math.ceil(spec.limit * 0.02)) : 0;
  const refillPerSec = (paced - headroom) / (spec.windowMs / 1000);
  return { capacity, refillPerSec, lateMs: refillPerSec > 0 ? (headroom / refillPerSec) * 1000 : 0 };
}

export class DailyBudgetExhausted extends Error {
  constructor(
    readonly bucket: string,
    readonly used: number,
    readonly budget: number,
  ) {
    super(`daily budget of ${bucket} exhausted: ${used} of ${budget}`);
    this.name = 'DailyBudgetExhausted';
  }
}

export interface RateLimiter {
  /** Waits until `n` requests may be sent. */
  take(n?: number): Promise<void>;
  /** The remote answered 429: every process waits `retryAfterMs` before the next request. */
  throttled(retryAfterMs: number): Promise<void>;
  usage(): Promise<{ dayUsed: number; throttled: number; dailyBudget: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pgRateLimiter(db: DbOrTx, spec: BucketSpec, onWait?: (ms: number) => void): RateLimiter {
  const { capacity, refillPerSec, lateMs } = bucketShape(spec);
  return {
    async take(n = 1) {
      for (let tries = 1; ; tries++) {
        const row = await takeTokens(db, { name: spec.name, capacity, refillPerSec, n, requeue: tries > 1 });
        if (row.day_used > spec.dailyBudget) throw new DailyBudgetExhausted(spec.name, row.day_used, spec.dailyBudget);
        if (row.tokens >= 0) return;
        // Sleep in slices so a long wait keeps the caller's activity heartbeating (`onWait` may
        // throw to give up the wait, e.g. when the activity is cancelled).
        const due = Date.now() + Math.ceil((-row.tokens / refillPerSec) * 1000);
        for (let left = due - Date.now(); left > 0; left = due - Date.now()) {
          onWait?.(left);
          await sleep(Math.min(left, 5000));
        }
        // Woken later than the headroom absorbs (a starved process, a late timer): sent now, this
        // request would arrive together with those reserved after it, on time, from any process.
        // Its slot is given up and it queues again (counted once in the day's use: requests sent).
        if (Date.now() - due <= lateMs || tries >= 3) return;
      }
    },
    async throttled(retryAfterMs) {
      const debt = (Math.max(0, retryAfterMs) / 1000) * refillPerSec;
      await chargeThrottle(db, spec.name, debt);
    },
    async usage() {
      const row = await bucketUsage(db, spec.name);
      return { dayUsed: row?.day_used ?? 0, throttled: row?.throttled ?? 0, dailyBudget: spec.dailyBudget };
    },
  };
}
