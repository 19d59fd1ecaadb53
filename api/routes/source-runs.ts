/**
 * One source run's report: its counts, its listing events and its page errors (URL, kind, HTTP
 * status, time), each list cursor-paginated with its total. The report embeds the first page of
 * both; `/events` and `/errors` page on with the `nextCursor` it gives.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { getSourceRun, listRunErrors } from '../../db/queries/watches.js';
import type { Queryable } from '../../db/queries/types.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { ID_MAX, intParam } from '../schemas/common.js';
import { CrawlErrorOut, crawlErrorJson, RunOut, runJson } from '../schemas/watches.js';
import { EventPage, eventsPage, EventTypesParam } from './events.js';
import { idCursor, pageFields, pageOf, pageQuery } from './keyset.js';

const RunParams = z.object({
  id: intParam(1, ID_MAX).openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
  runId: intParam(1, ID_MAX).openapi({ param: { name: 'runId', in: 'path' }, example: 1 }),
});
const ErrorPage = z.object({ items: z.array(CrawlErrorOut), ...pageFields }).openapi('CrawlErrorPage');
const FIRST_PAGE = 50;

async function runOf(db: Queryable, sourceId: number, runId: number) {
  const run = await getSourceRun(db, sourceId, runId);
  if (!run) throw new ProblemError(404, 'not-found', `no run ${runId} of source ${sourceId}`);
  return run;
}

async function errorsPage(db: Queryable, runId: number, cursor: string | undefined, limit: number) {
  const { rows: all, total } = await listRunErrors(db, runId, idCursor(cursor), limit);
  const { rows, nextCursor } = pageOf(all, limit, (r) => [r.id]);
  return { items: rows.map(crawlErrorJson), total, nextCursor };
}

const tags = ['watches'];
const report = createRoute({
  method: 'get',
  path: '/{id}/runs/{runId}',
  tags,
  security: SECURITY,
  summary: "A source run's report: counts, the first page of its listing events and of its page errors",
  request: { params: RunParams },
  responses: {
    200: {
      description: 'The run, its events (newest first) and errors (in order)',
      content: { 'application/json': { schema: z.object({ run: RunOut, events: EventPage, errors: ErrorPage }).openapi('SourceRunReport') } },
    },
    ...problemResponses(401, 404, 422),
  },
});
const events = createRoute({
  method: 'get',
  path: '/{id}/runs/{runId}/events',
  tags,
  security: SECURITY,
  summary: "A source run's listing events, newest first",
  request: { params: RunParams, query: z.object({ type: EventTypesParam, ...pageQuery(200, FIRST_PAGE) }) },
  responses: {
    200: { description: 'A page of events and the total', content: { 'application/json': { schema: EventPage } } },
    ...problemResponses(401, 404, 422),
  },
});
const errors = createRoute({
  method: 'get',
  path: '/{id}/runs/{runId}/errors',
  tags,
  security: SECURITY,
  summary: "A source run's page errors: URL, kind, HTTP status, time",
  request: { params: RunParams, query: z.object(pageQuery(200, FIRST_PAGE)) },
  responses: {
    200: { description: 'A page of errors, in the order they happened, and the total', content: { 'application/json': { schema: ErrorPage } } },
    ...problemResponses(401, 404, 422),
  },
});

export function sourceRunRoutes({ db }: ApiDeps) {
  return newRouter()
    .openapi(report, async (c) => {
      const { id, runId } = c.req.valid('param');
      const run = await runOf(db, id, runId);
      const [ev, err] = await Promise.all([eventsPage(db, { runId }, undefined, FIRST_PAGE), errorsPage(db, runId, undefined, FIRST_PAGE)]);
      return c.json({ run: runJson(run), events: ev, errors: err }, 200);
    })
    .openapi(events, async (c) => {
      const { id, runId } = c.req.valid('param');
      const q = c.req.valid('query');
      await runOf(db, id, runId);
      return c.json(await eventsPage(db, { runId, types: q.type }, q.cursor, q.limit), 200);
    })
    .openapi(errors, async (c) => {
      const { id, runId } = c.req.valid('param');
      const q = c.req.valid('query');
      await runOf(db, id, runId);
      return c.json(await errorsPage(db, runId, q.cursor, q.limit), 200);
    });
}
