/**
 * The shared HubSpot / Sage bucket's shape leaves headroom for send-time jitter: requests paced by
 * the bucket, each sent up to `lateMs` after its reserved time (later than that, take() gives the
 * slot up and queues again), never put more than `limit` requests in one of the remote's rolling
 * windows.
 */
import { describe, expect, it } from 'vitest';
import { bucketShape } from '../../../activities/sync/rate-limit.js';
import { maxPerWindow } from '../../support/shared-limits/measure.js';

const WINDOW = 10_000;

/** Reserved times: the burst at 0, then one per refill interval, over three windows. */
function slots(capacity: number, refillPerSec: number): number[] {
  const out = Array.from({ length: capacity }, () => 0);
  for (let k = 1; k / refillPerSec <= 3 * (WINDOW / 1000); k++) out.push((k / refillPerSec) * 1000);
  return out;
}

describe('rate limit shape', () => {
  it('keeps at least one request of headroom below the limit, and most of the rate', () => {
    for (const limit of [10, 30, 50, 100, 190, 1000]) {
      const { capacity, refillPerSec, lateMs } = bucketShape({ name: 'x', limit, windowMs: WINDOW, dailyBudget: 1 });
      expect(capacity + (refillPerSec * WINDOW) / 1000).toBeLessThanOrEqual(limit - 1);
      expect(refillPerSec).toBeGreaterThan((limit / 10) * (limit >= 50 ? 0.9 : 0.75));
      expect(lateMs).toBeGreaterThan(0);
    }
  });

  it('requests late by up to lateMs (the earlier ones late, the later on time) never exceed the limit in a window', () => {
    for (const limit of [10, 30, 50, 100, 190]) {
      const { capacity, refillPerSec, lateMs } = bucketShape({ name: 'x', limit, windowMs: WINDOW, dailyBudget: 1 });
      const reserved = slots(capacity, refillPerSec);
      for (let split = 0; split < reserved.length; split += Math.max(1, Math.floor(reserved.length / 60))) {
        const sent = reserved.map((t, i) => (i < split ? t + lateMs : t));
        expect(maxPerWindow(sent, WINDOW), `limit ${limit}, the first ${split} late`).toBeLessThanOrEqual(limit);
      }
    }
  });
});
