/** Queries over `watch_market_stats` (one row per postal code, written by activities/watches/store/market-stats.ts). */
import type { Queryable } from './types.js';

export async function marketStatsOf(db: Queryable, postalCode: string) {
  return db.selectFrom('watch_market_stats').selectAll().where('postal_code', '=', postalCode).executeTakeFirst();
}
