/**
 * Which scope each route needs: one rule and one table of exceptions, used both by the access
 * middleware and to write each operation's security requirement in the OpenAPI document.
 *
 *  - `read`: GET (and HEAD) routes;
 *  - `operate`: every other method: start / signal / cancel runs, create / update / delete resources;
 *  - `admin`: everything under /v1/admin (keys, audit log).
 *
 * Scopes are not nested: a key holds each scope it was given (`read,operate` for a CI key).
 */
export const SCOPES = ['read', 'operate', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Routes whose scope is not their method's default, by `METHOD /template`. */
export const SCOPE_EXCEPTIONS: Readonly<Record<string, Scope>> = {
  // a calculation: it changes nothing
  'POST /v1/sizing': 'read',
};

/** The scope a route needs, from its method and OpenAPI-style template (`/v1/runs/{workflowId}`). */
export function requiredScope(method: string, template: string): Scope {
  const m = method.toUpperCase();
  if (template === '/v1/admin' || template.startsWith('/v1/admin/')) return 'admin';
  return SCOPE_EXCEPTIONS[`${m} ${template}`] ?? (m === 'GET' || m === 'HEAD' ? 'read' : 'operate');
}

/** A Hono route path (`/v1/runs/:workflowId{.+}/cancel`) as an OpenAPI template (`/v1/runs/{workflowId}/cancel`). */
export function openApiTemplate(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');
}

/**
 * The values of a template's parameters in a concrete path, joined with `/` (the audit log's
 * target), or null when the template has none.
 */
export function targetOf(template: string, path: string): string | null {
  const t = template.split('/');
  const p = path.split('/');
  const values: string[] = [];
  t.forEach((seg, i) => {
    if (!seg.startsWith('{') || p[i] === undefined) return;
    try {
      values.push(decodeURIComponent(p[i]));
    } catch {
      values.push(p[i]);
    }
  });
  return values.length ? values.join('/') : null;
}

/** Parses a scope list (`read,operate`); throws naming what is wrong. */
export function parseScopes(list: string): Scope[] {
  const items = [
    ...new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const bad = items.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length || !items.length) throw new Error(`scopes must be a comma list of ${SCOPES.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`);
  return SCOPES.filter((s) => items.includes(s));
}

type Operation = { security?: Array<Record<string, string[]>>; responses?: Record<string, unknown> };

const problemRef = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/**
 * The document with each authenticated operation's security requirement naming its scope
 * (`bearerAuth: ['operate']`: OpenAPI 3.1 lets a non-OAuth scheme list the roles it needs), and
 * the 403 / 429 every such operation can answer.
 */
export function withScopes<D extends { paths?: object }>(doc: D): D {
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.security?.length) continue;
      const scope = requiredScope(method, path);
      op.security = [{ bearerAuth: [scope] }];
      op.responses ??= {};
      op.responses['403'] ??= problemRef(`The key lacks the \`${scope}\` scope`);
      op.responses['429'] ??= problemRef('The key used up its rate limit (RateLimit, RateLimit-Policy and Retry-After headers)');
    }
  }
  return doc;
}
