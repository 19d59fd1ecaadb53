import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { Scalar } from '@scalar/hono-api-reference';
import { PROBLEM_TYPES, problem, type ProblemSlug } from '../problem.js';

/**
 * Interactive API docs at /docs (Scalar). Its script is served from our own node_modules, not a
 * CDN, so the docs work on a closed network too.
 */
let scalarScript: string | undefined;
function loadScalarScript(): string {
  scalarScript ??= readFileSync(fileURLToPath(new URL('./browser/standalone.js', import.meta.resolve('@scalar/api-reference'))), 'utf8');
  return scalarScript;
}

export function docsRoutes() {
  return new Hono()
    .get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Atelier API', cdn: '/docs/assets/scalar.js' }))
    .get('/docs/assets/scalar.js', (c) => {
      c.header('cache-control', 'public, max-age=86400');
      return c.body(loadScalarScript(), 200, { 'content-type': 'text/javascript; charset=utf-8' });
    })
    .get('/problems/:slug', (c) => {
      const slug = c.req.param('slug') as ProblemSlug;
      const entry = PROBLEM_TYPES[slug];
      if (!entry) return problem(c, 404, 'not-found', `no problem type named ${slug}`);
      return c.json({ type: `/problems/${slug}`, ...entry });
    });
}
