/**
 * Sources (agency sites the fleet crawls): CRUD, CSV import, the run log, and "run now".
 * A website must be an absolute http(s) URL resolving to a public address (422 otherwise);
 * listing-page URLs must be on the website's host.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { readSourcesCsv } from '../../activities/watches/sources-csv.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { WatchSource } from '../../db/schema/watches.js';
import type { watchSource } from '../../workflows/watches.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { cssSelector, isStorableText, safeText, UNSTORABLE_TEXT } from '../schemas/common.js';
import { listSourceRuns, sourceExists } from '../../db/queries/watches.js';
import { deleteSource, getSource, insertSource, listSources, updateSource, upsertSourceByWebsite } from '../../db/queries/watch-sources.js';
import { RunOut, runJson } from '../schemas/watches.js';
import { idCursor, pageFields, pageOf, pageQuery } from './keyset.js';
import { sourceRunRoutes } from './source-runs.js';
import { assertPublicUrl, IdParam, Json } from './watch-common.js';

const Selectors = z
  .object({
    item: cssSelector().optional(),
    title: cssSelector().optional(),
    price: cssSelector().optional(),
    surface: cssSelector().optional(),
    rooms: cssSelector().optional(),
    link: cssSelector().optional(),
    nextPage: cssSelector().optional(),
  })
  .strict()
  .openapi('SourceSelectors');

const SourceFields = {
  name: safeText(200, { min: 1 }).openapi({ example: 'Agence du Parc' }),
  website: safeText(1000, { min: 1 }).openapi({ example: 'https://agence-du-parc.fr' }),
  postalCodes: z
    .array(z.string().regex(/^\d{5}$/, 'a 5-digit postal code'))
    .max(200)
    .default([]),
  priority: z.number().int().min(0).max(10).default(0).openapi({ description: '>= 1: also crawled every 6 h' }),
  forceBrowser: z.boolean().default(false).openapi({ description: 'Always render pages in Chromium' }),
  selectors: Selectors.default({}),
  listingUrls: z
    .array(safeText(2000, { min: 1 }))
    .max(50)
    .default([])
    .openapi({ description: 'Listing pages to start from; found from the sitemap and a bounded crawl when empty' }),
  active: z.boolean().default(true),
};

const SourceInput = z.object(SourceFields).strict().openapi('SourceInput');
/** A CSV line holds the same fields as a JSON source, within the same bounds. */
const CsvRow = z.object({ name: SourceFields.name, website: SourceFields.website, listingUrls: SourceFields.listingUrls });
const SourcePatch = z
  .object({
    name: SourceFields.name.optional(),
    website: SourceFields.website.optional(),
    postalCodes: z
      .array(z.string().regex(/^\d{5}$/))
      .max(200)
      .optional(),
    priority: z.number().int().min(0).max(10).optional(),
    forceBrowser: z.boolean().optional(),
    selectors: Selectors.optional(),
    listingUrls: SourceFields.listingUrls.unwrap().optional(),
    active: z.boolean().optional(),
    needsBrowser: z.boolean().optional().openapi({ description: 'Reset the remembered "needs JavaScript" flag' }),
    flagged: z.literal(false).optional().openapi({ description: 'false clears the failure flag' }),
  })
  .strict()
  .openapi('SourcePatch');

const SourceOut = z
  .object({
    id: z.number(),
    name: z.string(),
    website: z.string(),
    postalCodes: z.array(z.string()),
    priority: z.number(),
    forceBrowser: z.boolean(),
    selectors: Json,
    listingUrls: z.array(z.string()),
    needsBrowser: z.boolean(),
    detectedFormat: z.string().nullable(),
    active: z.boolean(),
    consecutiveFailures: z.number(),
    flaggedAt: z.string().nullable(),
    lastRunAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Source');

export function sourceJson(s: WatchSource) {
  return {
    id: s.id,
    name: s.name,
    website: s.website,
    postalCodes: s.postal_codes,
    priority: s.priority,
    forceBrowser: s.force_browser,
    selectors: s.selectors as Record<string, unknown>,
    listingUrls: s.listing_urls,
    needsBrowser: s.needs_browser,
    detectedFormat: s.detected_format,
    active: s.active,
    consecutiveFailures: s.consecutive_failures,
    flaggedAt: s.flagged_at?.toISOString() ?? null,
    lastRunAt: s.last_run_at?.toISOString() ?? null,
    lastError: s.last_error,
    createdAt: s.created_at.toISOString(),
  };
}

async function checkUrls(deps: ApiDeps, website: string | undefined, listingUrls: string[] | undefined, currentWebsite?: string) {
  let site: URL | undefined;
  if (website !== undefined) site = await assertPublicUrl(deps.config, website, 'website');
  const host = site?.host ?? (currentWebsite ? new URL(currentWebsite).host : undefined);
  for (const [i, u] of (listingUrls ?? []).entries()) {
    const parsed = await assertPublicUrl(deps.config, u, `listingUrls.${i}`);
    if (host && parsed.host !== host) {
      throw new ProblemError(422, 'validation-error', `listingUrls.${i}: must be on ${host}`, {
        errors: [{ path: `listingUrls.${i}`, message: `must be on the website's host ${host}` }],
      });
    }
  }
  return site ? site.href : undefined;
}

const tags = ['watches'];
const notFound = (id: number) => new ProblemError(404, 'not-found', `no source ${id}`);

const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  security: SECURITY,
  summary: 'Add a source (an agency site to watch)',
  request: { body: { required: true, content: { 'application/json': { schema: SourceInput } } } },
  responses: { 201: { description: 'Created', content: { 'application/json': { schema: SourceOut } } }, ...problemResponses(400, 401, 409, 422) },
});
const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  security: SECURITY,
  summary: 'List sources (keyset pagination by id, with the total)',
  request: {
    query: z.object({
      flagged: z.enum(['true', 'false']).optional(),
      q: safeText(200).optional(),
      ...pageQuery(200, 50),
    }),
  },
  responses: {
    200: {
      description: 'A page of sources and the total',
      content: { 'application/json': { schema: z.object({ items: z.array(SourceOut), ...pageFields }) } },
    },
    ...problemResponses(401, 422),
  },
});
const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'One source',
  request: { params: IdParam },
  responses: { 200: { description: 'The source', content: { 'application/json': { schema: SourceOut } } }, ...problemResponses(401, 404, 422) },
});
const patch = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'Change a source',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: SourcePatch } } } },
  responses: { 200: { description: 'The source', content: { 'application/json': { schema: SourceOut } } }, ...problemResponses(400, 401, 404, 409, 422) },
});
const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'Delete a source with its listings and runs',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 404, 422) },
});
const runs = createRoute({
  method: 'get',
  path: '/{id}/runs',
  tags,
  security: SECURITY,
  summary: "The source's crawl runs (found / new / updated / price changes / sold / removed / errors / duration)",
  request: { params: IdParam, query: z.object(pageQuery(200, 20)) },
  responses: {
    200: {
      description: 'A page of runs, newest first (keyset pagination by id), and the total',
      content: { 'application/json': { schema: z.object({ items: z.array(RunOut), ...pageFields }) } },
    },
    ...problemResponses(401, 404, 422),
  },
});
const runNow = createRoute({
  method: 'post',
  path: '/{id}/run',
  tags,
  security: SECURITY,
  summary: 'Start a run of this source now',
  request: { params: IdParam },
  responses: {
    202: {
      description: 'Started',
      content: { 'application/json': { schema: z.object({ workflowId: z.string(), runId: z.string(), statusUrl: z.string() }) } },
    },
    ...problemResponses(401, 404, 422, 503),
  },
});
const importCsv = createRoute({
  method: 'post',
  path: '/import',
  tags,
  security: SECURITY,
  summary: 'Import sources from CSV (name,website,postal_codes,priority,force_browser,listing_urls); upserts by website',
  request: { body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
  responses: {
    200: {
      description: 'Import report',
      content: {
        'application/json': {
          schema: z.object({ created: z.number(), updated: z.number(), errors: z.array(z.object({ line: z.number(), message: z.string() })) }),
        },
      },
    },
    ...problemResponses(400, 401, 413, 422),
  },
});

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export function sourceRoutes(deps: ApiDeps) {
  const { db, temporal, config } = deps;
  return newRouter()
    .openapi(create, async (c) => {
      const b = c.req.valid('json');
      const website = (await checkUrls(deps, b.website, b.listingUrls))!;
      try {
        const row = await insertSource(db, {
          name: b.name,
          website,
          postal_codes: b.postalCodes,
          priority: b.priority,
          force_browser: b.forceBrowser,
          selectors: JSON.stringify(b.selectors),
          listing_urls: b.listingUrls,
          active: b.active,
        });
        c.header('Location', `/v1/sources/${row.id}`);
        return c.json(sourceJson(row), 201);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ProblemError(409, 'conflict', `a source for ${website} already exists`);
        throw err;
      }
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const after = idCursor(q.cursor);
      const flagged = q.flagged === undefined ? undefined : q.flagged === 'true';
      const { rows: all, total } = await listSources(db, { flagged, q: q.q }, after, q.limit);
      const { rows, nextCursor } = pageOf(all, q.limit, (r) => [r.id]);
      return c.json({ items: rows.map(sourceJson), total, nextCursor }, 200);
    })
    .openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const row = await getSource(db, id);
      if (!row) throw notFound(id);
      return c.json(sourceJson(row), 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const cur = await getSource(db, id);
      if (!cur) throw notFound(id);
      const website = await checkUrls(deps, b.website, b.listingUrls, cur.website);
      try {
        const row = await updateSource(db, id, {
          ...(b.name !== undefined && { name: b.name }),
          ...(website !== undefined && { website }),
          ...(b.postalCodes !== undefined && { postal_codes: b.postalCodes }),
          ...(b.priority !== undefined && { priority: b.priority }),
          ...(b.forceBrowser !== undefined && { force_browser: b.forceBrowser }),
          ...(b.selectors !== undefined && { selectors: JSON.stringify(b.selectors) }),
          ...(b.listingUrls !== undefined && { listing_urls: b.listingUrls }),
          ...(b.active !== undefined && { active: b.active }),
          ...(b.needsBrowser !== undefined && { needs_browser: b.needsBrowser }),
          ...(b.flagged === false && { flagged_at: null, consecutive_failures: 0 }),
        });
        if (!row) throw notFound(id);
        return c.json(sourceJson(row), 200);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ProblemError(409, 'conflict', `another source has website ${website}`);
        throw err;
      }
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteSource(db, id))) throw notFound(id);
      return c.body(null, 204);
    })
    .openapi(runs, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const before = idCursor(cursor);
      if (!(await sourceExists(db, id))) throw notFound(id);
      const { rows: all, total } = await listSourceRuns(db, id, before, limit);
      const { rows, nextCursor } = pageOf(all, limit, (r) => [r.id]);
      return c.json({ items: rows.map(runJson), total, nextCursor }, 200);
    })
    .openapi(runNow, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await sourceExists(db, id))) throw notFound(id);
      const workflowId = `watch-source-${id}-${randomUUID().slice(0, 8)}`;
      const handle = await temporal.workflow.start<typeof watchSource>('watchSource', {
        workflowId,
        taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
        args: [{ sourceId: id, trigger: 'api' }],
      });
      const statusUrl = `/v1/runs/${encodeURIComponent(workflowId)}`;
      c.header('Location', statusUrl);
      return c.json({ workflowId, runId: handle.firstExecutionRunId, statusUrl }, 202);
    })
    .openapi(importCsv, async (c) => {
      const text = await c.req.text();
      if (!isStorableText(text))
        throw new ProblemError(422, 'validation-error', `the CSV ${UNSTORABLE_TEXT}`, { errors: [{ path: '(body)', message: UNSTORABLE_TEXT }] });
      const parsed = readSourcesCsv(text);
      if (parsed.headerError)
        throw new ProblemError(422, 'validation-error', parsed.headerError, { errors: [{ path: '(body)', message: parsed.headerError }] });
      const errors = [...parsed.problems];
      let created = 0;
      let updated = 0;
      for (const s of parsed.sources) {
        const shape = CsvRow.safeParse(s);
        if (!shape.success) {
          errors.push({ line: s.line, message: shape.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
          continue;
        }
        try {
          const website = (await checkUrls(deps, s.website, s.listingUrls))!;
          const inserted = await upsertSourceByWebsite(db, {
            name: s.name,
            website,
            postal_codes: s.postalCodes,
            priority: s.priority,
            force_browser: s.forceBrowser,
            listing_urls: s.listingUrls,
          });
          if (inserted) created++;
          else updated++;
        } catch (err) {
          if (err instanceof ProblemError) errors.push({ line: s.line, message: err.message });
          else throw err;
        }
      }
      errors.sort((a, b) => a.line - b.line);
      return c.json({ created, updated, errors }, 200);
    })
    .route('/', sourceRunRoutes(deps));
}
