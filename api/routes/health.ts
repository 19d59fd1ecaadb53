import { createRoute, z } from '@hono/zod-openapi';
import { withTimeout } from '../../core/timeout.js';
import { pingDb } from '../../db/client.js';
import { newRouter, type ApiDeps } from '../router.js';

const Check = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
const Health = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.object({ postgresql: Check, temporal: Check }) }).openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['platform'],
  summary: 'Liveness of the API and its dependencies (PostgreSQL, Temporal)',
  responses: {
    200: { description: 'Every dependency answers', content: { 'application/json': { schema: Health } } },
    503: { description: 'A dependency is down', content: { 'application/json': { schema: Health } } },
  },
});

/** PostgreSQL's ping has no deadline of its own (a pool connect can hang): it is waited for at most `timeoutMs`. */
async function timed(fn: () => Promise<unknown>, timeoutMs: number): Promise<z.infer<typeof Check>> {
  const started = performance.now();
  try {
    const waited = await withTimeout(fn(), timeoutMs);
    const ms = Math.round(performance.now() - started);
    return waited.done ? { ok: true, ms } : { ok: false, ms, error: `no answer within ${timeoutMs} ms` };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message };
  }
}

export function healthRoutes({ db, temporal }: ApiDeps, timeoutMs = 2000) {
  return newRouter().openapi(route, async (c) => {
    const [postgresql, temporalCheck] = await Promise.all([
      timed(() => pingDb(db), timeoutMs),
      // a gRPC deadline cancels the call itself; the timer is only the backstop
      timed(() => temporal.connection.withDeadline(Date.now() + timeoutMs, () => temporal.workflowService.getSystemInfo({})), timeoutMs),
    ]);
    const ok = postgresql.ok && temporalCheck.ok;
    c.header('cache-control', 'no-store');
    return c.json({ status: ok ? ('ok' as const) : ('unavailable' as const), checks: { postgresql, temporal: temporalCheck } }, ok ? 200 : 503);
  });
}
