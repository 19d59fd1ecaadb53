/**
 * The HubSpot / Sage limiter is one token bucket in PostgreSQL: two "processes" (two pools) share
 * it, and a 429 told to one slows the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../db/client.js';
import { DailyBudgetExhausted, pgRateLimiter } from '../../activities/sync/rate-limit.js';
import { takeTokens } from '../../db/queries/sync-rate-limit.js';
import { freshDb, type TestDb } from '../support/db.js';

let t: TestDb;
let other: Db;
beforeAll(async () => {
  t = await freshDb();
  other = createDb({ DATABASE_URL: t.url, DATABASE_POOL_MAX: 5 });
});
afterAll(async () => {
  await other.destroy();
  await t.drop();
});

describe('shared rate limiter', () => {
  it('two processes together never exceed the limit', async () => {
    const spec = { name: 'shared-a', limit: 50, windowMs: 1000, dailyBudget: 10_000 };
    const a = pgRateLimiter(t.db, spec);
    const b = pgRateLimiter(other, spec);
    const stamps: number[] = [];
    const started = Date.now();
    const worker = async (l: typeof a) => {
      for (let i = 0; i < 50; i++) {
        await l.take();
        stamps.push(Date.now());
      }
    };
    await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
    const elapsed = Date.now() - started;
    // 200 requests at 50 / s: about 4 s, whichever process sent them
    expect(elapsed).toBeGreaterThan(3500);
    stamps.sort((x, y) => x - y);
    for (let i = 0; i + 55 < stamps.length; i++) expect(stamps[i + 55]! - stamps[i]!).toBeGreaterThanOrEqual(950);
    expect((await a.usage()).dayUsed).toBe(200);
  }, 30_000);

  it('a 429 seen by one process makes the other wait for Retry-After', async () => {
    const spec = { name: 'shared-b', limit: 100, windowMs: 1000, dailyBudget: 10_000 };
    const a = pgRateLimiter(t.db, spec);
    const b = pgRateLimiter(other, spec);
    await a.take();
    await a.throttled(1500);
    const started = Date.now();
    await b.take();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect((await b.usage()).throttled).toBe(1);
  });

  it('the daily budget is counted and enforced', async () => {
    const l = pgRateLimiter(t.db, { name: 'shared-c', limit: 1000, windowMs: 1000, dailyBudget: 3 });
    await l.take();
    await l.take();
    await l.take();
    await expect(l.take()).rejects.toBeInstanceOf(DailyBudgetExhausted);
  });

  it('a slot given up and taken again (a late sender re-queuing) is one request in the day', async () => {
    const b = { name: 'shared-d', capacity: 2, refillPerSec: 1, n: 1 };
    expect((await takeTokens(t.db, b)).day_used).toBe(1);
    const again = await takeTokens(t.db, { ...b, requeue: true });
    expect(again.day_used).toBe(1);
    // the re-queued take still takes a token: the bucket is not refunded
    expect(again.tokens).toBeLessThan(1);
    expect((await takeTokens(t.db, b)).day_used).toBe(2);
  });
});
