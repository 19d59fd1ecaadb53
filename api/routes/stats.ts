/**
 * Market statistics per postal code: recomputed hourly by the `marketStats` schedule, computed at
 * first read when a postal code has none yet, or on demand (POST /v1/stats/market/refresh).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { Json } from './watch-common.js';
import { computeMarketStats } from '../../activities/watches/store/market-stats.js';
import { marketStatsOf } from '../../db/queries/market-stats.js';

const market = createRoute({
  method: 'get',
  path: '/market',
  tags: ['watches'],
  security: SECURITY,
  summary: "A postal code's market statistics",
  request: {
    query: z.object({
      postal_code: z
        .string()
        .regex(/^\d{5}$/, 'a 5-digit postal code')
        .openapi({ example: '75015' }),
    }),
  },
  responses: {
    200: { description: "Statistics (the brief's JSON, plus by_type and computed_at)", content: { 'application/json': { schema: Json } } },
    ...problemResponses(401, 404, 422),
  },
});

const refresh = createRoute({
  method: 'post',
  path: '/market/refresh',
  tags: ['watches'],
  security: SECURITY,
  summary: "Recompute every postal code's market statistics now (the hourly schedule does the same)",
  responses: {
    200: {
      description: 'Recomputed',
      content: { 'application/json': { schema: z.object({ postalCodes: z.number().int(), computedAt: z.string() }).openapi('MarketStatsRefreshed') } },
    },
    ...problemResponses(401, 503),
  },
});

export function statsRoutes({ db }: ApiDeps) {
  const read = (postalCode: string) => marketStatsOf(db, postalCode);
  return newRouter()
    .openapi(market, async (c) => {
      const { postal_code } = c.req.valid('query');
      // none yet (the schedule has not run since listings arrived): computed now rather than a 404
      const row = (await read(postal_code)) ?? ((await computeMarketStats(db)) ? await read(postal_code) : undefined);
      if (!row) throw new ProblemError(404, 'not-found', `no listings in ${postal_code}: statistics need at least one listing there`);
      return c.json({ ...(row.stats as Record<string, unknown>), computed_at: row.computed_at.toISOString() }, 200);
    })
    .openapi(refresh, async (c) => {
      const postalCodes = await computeMarketStats(db);
      return c.json({ postalCodes, computedAt: new Date().toISOString() }, 200);
    });
}
