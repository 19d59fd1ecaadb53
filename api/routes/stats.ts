/** Market statistics per postal code (recomputed hourly by the `marketStats` schedule). */
import { createRoute, z } from '@hono/zod-openapi';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { Json } from './watch-common.js';

const market = createRoute({
  method: 'get', path: '/market', tags: ['watches'], security: SECURITY, summary: "A postal code's market statistics",
  request: { query: z.object({ postal_code: z.string().regex(/^\d{5}$/, 'a 5-digit postal code').openapi({ example: '75015' }) }) },
  responses: { 200: { description: 'Statistics (the brief\'s JSON, plus by_type and computed_at)', content: { 'application/json': { schema: Json } } }, ...problemResponses(401, 404, 422) },
});

export function statsRoutes({ db }: ApiDeps) {
  return newRouter().openapi(market, async (c) => {
    const { postal_code } = c.req.valid('query');
    const row = await db.selectFrom('watch_market_stats').selectAll().where('postal_code', '=', postal_code).executeTakeFirst();
    if (!row) throw new ProblemError(404, 'not-found', `no statistics for ${postal_code} yet`);
    return c.json({ ...(row.stats as Record<string, unknown>), computed_at: row.computed_at.toISOString() }, 200);
  });
}
