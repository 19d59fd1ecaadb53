/**
 * The token buckets behind the sync's rate limits (activities/sync/rate-limit.ts), one row per
 * bucket in `sync_rate_buckets`, refilled from the time elapsed at each take, with a daily count.
 */
import { sql } from 'kysely';
import type { Queryable } from './types.js';

/**
 * Takes `n` tokens (creating the bucket full if new); the tokens left (negative: owed) and the day's
 * use. `requeue`: the caller gave up a slot it had taken and takes a new one for the same requests,
 * so the day's use (requests sent) does not grow again.
 */
export async function takeTokens(
  db: Queryable,
  b: { name: string; capacity: number; refillPerSec: number; n: number; requeue?: boolean },
): Promise<{ tokens: number; day_used: number }> {
  const { name, capacity, refillPerSec, n } = b;
  const counted = b.requeue ? 0 : n;
  const { rows } = await sql<{ tokens: number; day_used: number }>`
        insert into sync_rate_buckets as b (name, capacity, refill_per_sec, tokens, updated_at, day, day_used)
        values (${name}, ${capacity}, ${refillPerSec}, ${capacity - n}, clock_timestamp(), current_date, ${counted})
        on conflict (name) do update set
          capacity = excluded.capacity,
          refill_per_sec = excluded.refill_per_sec,
          tokens = least(excluded.capacity, b.tokens + extract(epoch from clock_timestamp() - b.updated_at) * excluded.refill_per_sec) - ${n},
          updated_at = clock_timestamp(),
          day = current_date,
          day_used = case when b.day = current_date then b.day_used + ${counted} else ${counted} end
        returning tokens, day_used`.execute(db);
  return rows[0]!;
}

/** The peer said "too many requests": the bucket owes `debt` tokens and counts one throttle. */
export async function chargeThrottle(db: Queryable, name: string, debt: number): Promise<void> {
  await sql`
        update sync_rate_buckets set
          tokens = least(0, least(capacity, tokens + extract(epoch from clock_timestamp() - updated_at) * refill_per_sec)) - ${debt},
          updated_at = clock_timestamp(),
          throttled = throttled + 1
        where name = ${name}`.execute(db);
}

export async function bucketUsage(db: Queryable, name: string) {
  return db.selectFrom('sync_rate_buckets').select(['day_used', 'throttled']).where('name', '=', name).executeTakeFirst();
}
