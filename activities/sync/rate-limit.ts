/**
 * One token bucket per remote API, in PostgreSQL, shared by every worker process. A caller
 * reserves tokens in a single atomic upsert; the bucket may go negative (reservations queue up),
 * and the caller sleeps for its place in the queue. A 429 pushes the whole bucket back by the
 * server's Retry-After, so every process slows down, not just the one that was told. The bucket
 * also counts the day's requests against a daily budget.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/client.js';

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
  constructor(readonly bucket: string, readonly used: number, readonly budget: number) {
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
      const { rows } = await sql<{ tokens: number; day_used: number }>`
        insert into sync_rate_buckets as b (name, capacity, refill_per_sec, tokens, updated_at, day, day_used)
        values (${spec.name}, ${capacity}, ${refillPerSec}, ${capacity - n}, clock_timestamp(), current_date, ${n})
        on conflict (name) do update set
          capacity = excluded.capacity,
          refill_per_sec = excluded.refill_per_sec,
          tokens = least(excluded.capacity, b.tokens + extract(epoch from clock_timestamp() - b.updated_at) * excluded.refill_per_sec) - ${n},
          updated_at = clock_timestamp(),
          day = current_date,
          day_used = case when b.day = current_date then b.day_used + ${n} else ${n} end
        returning tokens, day_used`.execute(db);
      const row = rows[0]!;
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
      await sql`
        update sync_rate_buckets set
          tokens = least(0, least(capacity, tokens + extract(epoch from clock_timestamp() - updated_at) * refill_per_sec)) - ${debt},
          updated_at = clock_timestamp(),
          throttled = throttled + 1
        where name = ${spec.name}`.execute(db);
    },
    async usage() {
      const row = await db.selectFrom('sync_rate_buckets').select(['day_used', 'throttled']).where('name', '=', spec.name).executeTakeFirst();
      return { dayUsed: row?.day_used ?? 0, throttled: row?.throttled ?? 0, dailyBudget: spec.dailyBudget };
    },
  };
}
