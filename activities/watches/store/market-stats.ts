/**
 * Market statistics per postal code, in one aggregate query (the brief's JSON). Duplicates are
 * counted once (rows with `duplicate_of` are left out); price figures are over sale listings.
 * Only listings on offer (`active`) count in the figures: one under offer or sold is counted apart
 * (`under_offer_listings`, `sold_listings`) and in `total_listings`, never in prices or type counts.
 */
import type { Db } from '../../../db/client.js';
import { deleteOrphanMarketStats, upsertMarketStats } from '../../../db/queries/market-stats.js';

export interface MarketStats {
  postal_code: string;
  city: string | null;
  total_listings: number;
  active_listings: number;
  under_offer_listings: number;
  sold_listings: number;
  average_price: number | null;
  average_price_per_sqm: number | null;
  median_price: number | null;
  price_min: number | null;
  price_max: number | null;
  apartments_count: number;
  houses_count: number;
  studios_count: number;
  by_type: Record<string, number>;
  average_rent: number | null;
  listings_added_today: number;
  listings_added_week: number;
  listings_added_month: number;
}

/** Recomputes every postal code's statistics; returns how many postal codes were written. */
export async function computeMarketStats(db: Db): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const n = await upsertMarketStats(tx);
    await deleteOrphanMarketStats(tx);
    return n;
  });
}
