/**
 * Access to /v1: the bearer key resolved to a principal (401), the shared per-key rate limit
 * (429 with RateLimit headers), the scope the route needs (403), then one audit row for every
 * mutating call. See api/access/ for the pieces.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../../core/logger.js';
import { withTimeout } from '../../core/timeout.js';
import type { Db } from '../../db/client.js';
import { hitRateCounter } from '../../db/queries/api-keys.js';
import { auditWriter } from '../access/audit-writer.js';
import type { KeyResolver, Principal } from '../access/principals.js';
import { rateLimitHeaders } from '../access/rate-limit.js';
import { openApiTemplate, requiredScope, targetOf } from '../access/scopes.js';
import { problem } from '../problem.js';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

/** How long a request waits for its audit row (group commit: api/access/audit-writer.ts); past it the write finishes (or fails, logged) on its own. */
const AUDIT_WAIT_MS = 250;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The route the request matched: its method and OpenAPI template; null for 404 / 405. */
function matchedRoute(c: Context): { method: string; template: string } | null {
  const r = matchedRoutes(c)
    .filter((x) => x.method !== 'ALL')
    .at(-1);
  return r ? { method: r.method, template: openApiTemplate(r.path) } : null;
}

export function access(deps: { db: Db; logger: Logger; resolver: KeyResolver }): MiddlewareHandler {
  const { db, resolver } = deps;
  const writeAudit = auditWriter(db, deps.logger);

  const audit = async (c: Context, p: Principal, route: { method: string; template: string }, status: number) => {
    const write = writeAudit({
      key_id: p.keyId,
      key_name: p.name,
      key_prefix: p.prefix,
      method: c.req.method,
      route: route.template,
      target: targetOf(route.template, c.req.path) ?? locationTarget(c.res.headers.get('location')),
      status,
      request_id: c.get('requestId') ?? null,
    });
    await withTimeout(write, AUDIT_WAIT_MS);
  };

  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const principal = match?.[1] ? await resolver.resolve(match[1]) : null;
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="atelier"');
      return problem(c, 401, 'unauthorized', match ? 'The API key is not valid (unknown or revoked).' : 'Missing bearer API key.');
    }
    c.set('apiKeyId', principal.prefix);
    c.set('principal', principal);

    let rateHeaders: Record<string, string> = {};
    if (principal.rate && principal.keyId !== null) {
      const { count, resetSeconds } = await hitRateCounter(db, principal.keyId, principal.rate.windowSeconds);
      rateHeaders = rateLimitHeaders(principal.rate, count, resetSeconds);
      if (count > principal.rate.limit) {
        const res = problem(
          c,
          429,
          'too-many-requests',
          `Key ${principal.name} is limited to ${principal.rate.limit} requests per ${principal.rate.windowSeconds} s; retry in ${rateHeaders['Retry-After']} s.`,
        );
        for (const [k, v] of Object.entries(rateHeaders)) res.headers.set(k, v);
        return res;
      }
    }

    const route = matchedRoute(c);
    const mutating = route !== null && !READ_METHODS.has(c.req.method);
    const need = route && requiredScope(route.method, route.template);
    if (need && !principal.scopes.includes(need)) {
      c.res = problem(
        c,
        403,
        'forbidden',
        `${c.req.method} ${route.template} needs the "${need}" scope; key ${principal.name} has ${principal.scopes.join(', ')}.`,
      );
    } else {
      await next();
    }
    for (const [k, v] of Object.entries(rateHeaders)) c.header(k, v);
    if (mutating) await audit(c, principal, route, c.res.status);
    return c.res;
  };
}

/** The id at the end of a created resource's Location (`/v1/runs/diagnostics-…` → `diagnostics-…`). */
function locationTarget(location: string | null): string | null {
  const last = location?.split('?')[0]?.split('/').filter(Boolean).at(-1);
  if (!last) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
