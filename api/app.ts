/**
 * The Hono application: middleware, every family's routes composed with `app.route()`, the
 * OpenAPI 3.1 document generated from the same zod schemas that validate requests.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { access } from './middleware/access.js';
import { keyResolver } from './access/principals.js';
import { withScopes } from './access/scopes.js';
import { adminRoutes } from './routes/admin.js';
import { requestLog } from './middleware/request-log.js';
import { httpMetrics } from './metrics/http.js';
import { problem, ProblemError } from './problem.js';
import { withRequestExamples } from './openapi-examples.js';
import { allowedMethodsFrom } from './allowed-methods.js';
import { classifyDependencyError } from './dependency-errors.js';
import type { ApiDeps } from './router.js';
import { diagnosticsRoutes } from './routes/diagnostics.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { runRoutes } from './routes/runs.js';
import { sourceRoutes } from './routes/sources.js';
import { listingRoutes } from './routes/listings.js';
import { eventRoutes } from './routes/events.js';
import { alertRoutes, publicAlertRoutes } from './routes/alerts.js';
import { statsRoutes } from './routes/stats.js';
import { genericWatchRoutes } from './routes/watches.js';
import { monitorRoutes } from './routes/monitors.js';
import { auditRoutes } from './routes/audits.js';
import { sizingRoutes } from './routes/sizing.js';
import { conciergeRoutes } from './routes/concierge.js';
import { stripeWebhookRoutes } from './routes/stripe-webhook.js';
import { hubspotWebhookRoutes } from './routes/hubspot-webhook.js';
import { interventionRoutes } from './routes/interventions.js';
import { syncConflictRoutes } from './routes/sync-conflicts.js';
import { syncRunRoutes } from './routes/sync-runs.js';
import { syncMappingRoutes } from './routes/sync-mappings.js';

export type { ApiDeps };

/** Routes under /v1 that authenticate by their own signature, not by API key. */
const UNAUTHENTICATED_V1 = ['/v1/webhooks/'];

export function createApp(deps: ApiDeps) {
  const { config, logger } = deps;
  const app = new OpenAPIHono();

  app.use('*', requestId());
  // requests by route template, method and status, and their latency (api/metrics/http.ts)
  if (deps.metrics) app.use('*', httpMetrics(deps.metrics));
  app.use('*', requestLog(logger));
  app.use(
    '*',
    bodyLimit({
      maxSize: config.API_BODY_LIMIT_BYTES,
      onError: (c) => problem(c, 413, 'payload-too-large', `The body exceeds ${config.API_BODY_LIMIT_BYTES} bytes.`),
    }),
  );
  // While Temporal is unreachable a request answers 503 (Retry-After) once this deadline passes,
  // not after the SDK's ~20 s of retries; a workflow waited for longer answers 503 the same way.
  const temporalDeadlineMs = deps.temporalDeadlineMs ?? 10_000;
  app.use('/v1/*', (c, next) => deps.temporal.connection.withDeadline(Date.now() + temporalDeadlineMs, next));
  // keys (API_KEYS bootstrap keys + stored scoped keys), rate limits, scopes, audit log: api/access/
  const resolver = keyResolver({ db: deps.db, bootstrapKeys: config.API_KEYS, cacheSeconds: config.API_KEY_CACHE_SECONDS, logger });
  const auth = access({ db: deps.db, logger, resolver });
  app.use('/v1/*', async (c, next) => {
    if (UNAUTHENTICATED_V1.some((p) => c.req.path.startsWith(p))) return next();
    return auth(c, next);
  });

  app.route('/', healthRoutes(deps));
  app.route('/', docsRoutes());
  app.route('/v1/runs', runRoutes(deps));
  app.route('/v1/diagnostics', diagnosticsRoutes(deps));
  app.route('/v1/sources', sourceRoutes(deps));
  app.route('/v1/listings', listingRoutes(deps));
  app.route('/v1/events', eventRoutes(deps));
  app.route('/v1/alerts', alertRoutes(deps));
  app.route('/v1/stats', statsRoutes(deps));
  app.route('/v1/watches', genericWatchRoutes(deps));
  app.route('/public/alerts', publicAlertRoutes(deps));
  app.route('/v1/monitors', monitorRoutes(deps));
  app.route('/v1/audits', auditRoutes(deps));
  app.route('/v1/sizing', sizingRoutes(deps));
  app.route('/v1/concierge', conciergeRoutes(deps));
  app.route('/v1/webhooks/stripe', stripeWebhookRoutes(deps));
  app.route('/v1/webhooks/hubspot', hubspotWebhookRoutes(deps));
  app.route('/v1/sync/runs', syncRunRoutes(deps));
  app.route('/v1/sync/conflicts', syncConflictRoutes(deps));
  app.route('/v1/interventions', interventionRoutes(deps));
  app.route('/v1', syncMappingRoutes(deps));
  app.route('/v1/admin', adminRoutes(deps, resolver));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key, sent as `Authorization: Bearer <key>`: a stored key (`npm run keys`, /v1/admin/keys) holding the scopes each operation lists (read, operate, admin), or a bootstrap key from API_KEYS (every scope).',
  });
  let openapi: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get('/openapi.json', (c) =>
    c.json(
      (openapi ??= withScopes(
        withRequestExamples(
          app.getOpenAPI31Document({
            openapi: '3.1.0',
            info: {
              title: 'Atelier API',
              version: '1',
              description: 'Starts, signals and queries the agency’s durable workflows. Errors are RFC 9457 problem details.',
            },
            servers: config.PUBLIC_BASE_URL ? [{ url: config.PUBLIC_BASE_URL }] : [],
          }),
        ),
      )),
    ),
  );

  let allowed: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    allowed ??= allowedMethodsFrom(app.routes);
    const methods = allowed(c.req.path);
    if (!methods.length) return problem(c, 404, 'not-found', `No route for ${c.req.method} ${c.req.path}.`);
    c.header('Allow', methods.join(', '));
    if (c.req.method === 'OPTIONS') return c.body(null, 204);
    return problem(c, 405, 'method-not-allowed', `${c.req.path} accepts ${methods.join(', ')}, not ${c.req.method}.`);
  });
  app.onError((err, c) => {
    if (err instanceof ProblemError) return problem(c, err.status, err.slug, err.message, err.extra);
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status === 413) return problem(c, 413, 'payload-too-large', err.message);
      if (status === 401) return problem(c, 401, 'unauthorized', err.message);
      if (status >= 400 && status < 500) return problem(c, 400, 'bad-request', err.message || 'Malformed request.');
    }
    if (err instanceof WorkflowNotFoundError) {
      return problem(c, 404, 'not-found', `No workflow run ${err.workflowId ?? ''}`.trim());
    }
    const dep = classifyDependencyError(err);
    if (dep) {
      const reqId = c.get('requestId');
      if (dep.log === 'schema-gap') logger.error({ err, reqId, path: c.req.path }, 'schema gap: the database refused a value the request schema accepted');
      if (dep.log === 'dependency-down') logger.warn({ err: err.message, reqId }, 'dependency unavailable');
      if (dep.retryAfter) c.header('Retry-After', String(dep.retryAfter));
      return problem(c, dep.status, dep.slug, dep.detail);
    }
    logger.error({ err, reqId: c.get('requestId') }, 'unhandled error');
    return problem(c, 500, 'internal-error');
  });

  return app;
}
