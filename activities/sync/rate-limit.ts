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
 * Capacity and refill chosen so that no window of `windowMs` can ever hold more than `limit`
 * requests (burst + refill over the window = limit), whatever the remote's window alignment.
 */
export function bucketShape(spec: BucketSpec): { capacity: number; refillPerSec: number } {
  const capacity = Math.max(1, Math.floor(spec.limit * 0.05));
  return { capacity, refillPerSec: (spec.limit - capacity) / (spec.windowMs / 1000) };
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
  const { capacity, refillPerSec } = bucketShape(spec);
  return {
    async take(n = 1) {
      const row = await takeTokens(db, { name: spec.name, capacity, refillPerSec, n });
      if (row.day_used > spec.dailyBudget) throw new DailyBudgetExhausted(spec.name, row.day_used, spec.dailyBudget);
      if (row.tokens < 0) {
        // Sleep in slices so a long wait keeps the caller's activity heartbeating (`onWait` may
        // throw to give up the wait, e.g. when the activity is cancelled).
        let left = Math.ceil((-row.tokens / refillPerSec) * 1000);
        while (left > 0) {
          onWait?.(left);
          const slice = Math.min(left, 5000);
          await sleep(slice);
          left -= slice;
        }
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
