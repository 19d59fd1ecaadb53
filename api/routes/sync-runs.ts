/**
 * Sync runs: list and read runs with their report per entity and direction, their failures and
 * samples, and start a run (incremental or full, optionally dry). Mounted at /v1/sync/runs.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { taskQueueFor } from '../../core/temporal.js';
import { runFailures, runReport } from '../../db/queries/sync-reports.js';
import { listSyncRuns, runSamples, syncRunById } from '../../db/queries/sync-runs.js';
import type { crmSync, CrmSyncInput } from '../../workflows/sync.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { safeText } from '../schemas/common.js';
import { pageFields, pageOf, pageQuery, timeIdCursor } from './keyset.js';

const ReportRow = z.object({
  entity: z.string(),
  direction: z.string(),
  created: z.number(),
  updated: z.number(),
  skipped: z.number(),
  conflicts: z.number(),
  errors: z.number(),
  deleted: z.number(),
  pages: z.number(),
});
const SyncRun = z
  .object({
    id: z.string(),
    mode: z.string(),
    dryRun: z.boolean(),
    trigger: z.string(),
    status: z.string(),
    progress: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('SyncRun');
const RunFailure = z.object({ cause: z.string(), entity: z.string().nullable(), message: z.string() }).openapi('SyncRunFailure');
const RecordFailure = z
  .object({ entity: z.string(), sageId: z.string(), direction: z.string(), cause: z.string(), message: z.string() })
  .openapi('SyncRecordFailure');
const SyncRunDetail = SyncRun.extend({
  /** Why the run failed (null unless it failed). */
  failure: RunFailure.nullable(),
  report: z.array(ReportRow),
  /** Records the run could not sync, each with its cause. */
  failures: z.array(RecordFailure),
  samples: z.array(z.unknown()),
}).openapi('SyncRunDetail');

const StartRun = z
  .object({ mode: z.enum(['incremental', 'full']).default('incremental'), dryRun: z.boolean().default(false) })
  .strict()
  .openapi('StartSyncRun');
const Started = z.object({ runId: z.string(), statusUrl: z.string() }).openapi('StartedSyncRun');

const RunIdParam = z.object({ id: safeText(255, { min: 1, trim: false }).openapi({ param: { name: 'id', in: 'path' } }) });
const Page = pageQuery(500, 50);

const listRuns = createRoute({
  method: 'get',
  path: '/',
  tags: ['sync'],
  summary: 'Recent sync runs, newest first (keyset pagination, with the total)',
  security: SECURITY,
  request: { query: z.object({ ...Page, status: z.enum(['running', 'completed', 'failed', 'cancelled']).optional() }) },
  responses: {
    200: { description: 'A page of runs and the total', content: { 'application/json': { schema: z.object({ runs: z.array(SyncRun), ...pageFields }) } } },
    ...problemResponses(401, 422),
  },
});
const getRun = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['sync'],
  summary: 'A sync run and its report per entity and direction',
  security: SECURITY,
  request: { params: RunIdParam },
  responses: { 200: { description: 'The run', content: { 'application/json': { schema: SyncRunDetail } } }, ...problemResponses(401, 404) },
});
const startRun = createRoute({
  method: 'post',
  path: '/',
  tags: ['sync'],
  summary: 'Start a sync run (incremental or full; dryRun reports without writing)',
  security: SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: StartRun } } } },
  responses: { 202: { description: 'Started', content: { 'application/json': { schema: Started } } }, ...problemResponses(400, 401, 422, 503) },
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
type RunRow = {
  id: string;
  mode: string;
  dry_run: boolean;
  trigger: string;
  status: string;
  progress: Record<string, unknown>;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
};
const runOut = (r: RunRow) => ({
  id: r.id,
  mode: r.mode,
  dryRun: r.dry_run,
  trigger: r.trigger,
  status: r.status,
  progress: r.progress,
  error: r.error,
  startedAt: r.started_at.toISOString(),
  finishedAt: iso(r.finished_at),
});

/** Starts a `crmSync` run on the sync queue (workflow id = run id); the conflicts' resolution starts one too. */
export async function startCrmSync({ config, temporal }: Pick<ApiDeps, 'config' | 'temporal'>, workflowId: string, input: CrmSyncInput): Promise<string> {
  await temporal.workflow.start<typeof crmSync>('crmSync', { workflowId, taskQueue: taskQueueFor('sync', config.TASK_QUEUE_PREFIX), args: [input] });
  return workflowId;
}

export function syncRunRoutes(deps: ApiDeps) {
  const { db } = deps;
  return newRouter()
    .openapi(listRuns, async (c) => {
      const q = c.req.valid('query');
      const after = timeIdCursor(q.cursor);
      const { rows: all, total } = await listSyncRuns(db, { ...(q.status ? { status: q.status } : {}), before: after, limit: q.limit });
      const { rows, nextCursor } = pageOf(all, q.limit, (r) => [r.us, r.id]);
      return c.json({ runs: rows.map(runOut), total, nextCursor }, 200);
    })
    .openapi(getRun, async (c) => {
      const { id } = c.req.valid('param');
      const run = await syncRunById(db, id);
      if (!run) throw new ProblemError(404, 'not-found', `No sync run ${id}.`);
      const samples = await runSamples(db, id);
      return c.json(
        { ...runOut(run), failure: run.failure ?? null, report: await runReport(db, id), failures: await runFailures(db, id), samples: samples.slice(0, 100) },
        200,
      );
    })
    .openapi(startRun, async (c) => {
      const body = c.req.valid('json');
      const runId = await startCrmSync(deps, `sync-${body.mode}-${randomUUID()}`, { mode: body.mode, dryRun: body.dryRun, trigger: 'api' });
      const statusUrl = `/v1/sync/runs/${encodeURIComponent(runId)}`;
      c.header('Location', statusUrl);
      return c.json({ runId, statusUrl }, 202);
    });
}
