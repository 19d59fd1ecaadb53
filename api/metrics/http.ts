/**
 * HTTP metrics of the API: requests by route template (never the raw path, so ids do not multiply
 * series), method and status, and a latency histogram. A request that matched no route is counted
 * under route="(unmatched)".
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Histogram, type Registry } from 'prom-client';

const LABELS = ['method', 'route', 'status'] as const;

/** The template of the route that answered, or would have answered had a middleware not stopped it. */
export function routeTemplate(routes: ReadonlyArray<{ method: string; path: string }>): string {
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return '(unmatched)';
}

export function httpMetrics(registry: Registry): MiddlewareHandler {
  const requests = new Counter({ name: 'atelier_http_requests_total', help: 'HTTP requests answered by the API', labelNames: LABELS, registers: [registry] });
  const duration = new Histogram({
    name: 'atelier_http_request_duration_seconds',
    help: 'Time the API took to answer, by route template',
    labelNames: LABELS,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const labels = { method: c.req.method, route: routeTemplate(matchedRoutes(c)), status: String(c.res.status) };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - started) / 1000);
    }
  };
}
