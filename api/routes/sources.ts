/**
 * Sources (agency sites the fleet crawls): CRUD, the run log, and "run now"; mounts the CSV import
 * (source-import.ts) and the run reports (source-runs.ts). Shapes in api/schemas/sources.ts, URL
 * checks (public address, listing pages on the website's host) in source-urls.ts.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { taskQueueFor } from '../../core/temporal.js';
import type { watchSource } from '../../workflows/watches.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { safeText } from '../schemas/common.js';
import { SourceInput, sourceJson, SourceOut, SourcePatch } from '../schemas/sources.js';
import { listSourceRuns, sourceExists } from '../../db/queries/watches.js';
import { deleteSource, getSource, insertSource, listSources, updateSource } from '../../db/queries/watch-sources.js';
import { RunOut, runJson } from '../schemas/watches.js';
import { idCursor, pageFields, pageOf, pageQuery } from './keyset.js';
import { sourceImportRoutes } from './source-import.js';
import { sourceRunRoutes } from './source-runs.js';
import { checkSourceUrls } from './source-urls.js';
import { IdParam } from './watch-common.js';

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
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export function sourceRoutes(deps: ApiDeps) {
  const { db, temporal, config } = deps;
  return newRouter()
    .openapi(create, async (c) => {
      const b = c.req.valid('json');
      const website = (await checkSourceUrls(deps, b.website, b.listingUrls))!;
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
      const website = await checkSourceUrls(deps, b.website, b.listingUrls, cur.website);
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
    .route('/', sourceImportRoutes(deps))
    .route('/', sourceRunRoutes(deps));
}
