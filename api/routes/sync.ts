/**
 * Sync runs, conflicts and interventions: list and read runs with their report, start a run
 * (incremental or full, optionally dry), list conflicts and resolve the held ones, and the
 * interventions (after-sales visits) that become HubSpot tickets.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { taskQueueFor } from '../../core/temporal.js';
import { idMapRows } from '../../db/queries/sync-idmap.js';
import { runFailures, runReport } from '../../db/queries/sync-reports.js';
import { interventionSageId } from '../../activities/sync/interventions-source.js';
import { TICKET_STAGES } from '../../activities/sync/mapping/transforms.js';
import type { Intervention } from '../../db/schema/sync.js';
import { insertIntervention, interventionById, listInterventions as queryInterventions, type InterventionWithTicket } from '../../db/queries/sync.js';
import { listSyncRuns, runSamples, syncRunById } from '../../db/queries/sync-runs.js';
import { listSyncConflicts, resolveHeldConflict, syncConflictById } from '../../db/queries/sync-conflicts.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { ProblemError, problemResponses } from '../problem.js';
import { dateTime, IdParam, safeText } from '../schemas/common.js';
import { idCursor, pageFields, pageOf, pageQuery, timeIdCursor } from './keyset.js';
import type { crmSync, CrmSyncInput } from '../../workflows/sync.js';

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

const Conflict = z
  .object({
    id: z.number(),
    runId: z.string().nullable(),
    entity: z.string(),
    sageId: z.string(),
    field: z.string(),
    base: z.unknown(),
    sage: z.unknown(),
    hubspot: z.unknown(),
    rule: z.string(),
    winner: z.string().nullable(),
    status: z.string(),
    resolution: z.unknown(),
    resolvedBy: z.string().nullable(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .openapi('SyncConflict');

const InterventionSchema = z
  .object({
    id: z.number(),
    sageId: z.string(),
    customerSageId: z.string(),
    subject: z.string(),
    description: z.string().nullable(),
    status: z.string(),
    priority: z.string(),
    scheduledAt: z.string().nullable(),
    /** The HubSpot ticket's owner (HubSpot owns it once the ticket exists). */
    hubspotOwnerId: z.string().nullable(),
    /** The HubSpot ticket this intervention became (null until a sync made it). */
    hubspotTicketId: z.string().nullable(),
    /** The ticket's pipeline stage as HubSpot had it at the last sync (`1` new … `4` closed; null without a ticket). */
    hubspotStage: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Intervention');

const NewIntervention = z
  .object({
    customerSageId: safeText(100, { min: 1 }),
    subject: safeText(300, { min: 1 }),
    description: safeText(10_000, { trim: false }).optional(),
    status: z.enum(['OPEN', 'SCHEDULED', 'IN_PROGRESS', 'DONE', 'CANCELLED']).default('OPEN'),
    priority: z.enum(['LOW', 'MEDIUM', 'HIGH']).default('MEDIUM'),
    scheduledAt: dateTime().optional(),
  })
  .strict()
  .openapi('NewIntervention');

const StartRun = z
  .object({ mode: z.enum(['incremental', 'full']).default('incremental'), dryRun: z.boolean().default(false) })
  .strict()
  .openapi('StartSyncRun');
const Started = z.object({ runId: z.string(), statusUrl: z.string() }).openapi('StartedSyncRun');

const Resolve = z
  .object({
    choice: z.enum(['sage', 'hubspot', 'value']),
    value: z.union([safeText(10_000, { trim: false }), z.number(), z.null()]).optional(),
  })
  .strict()
  .refine((r) => r.choice !== 'value' || r.value !== undefined, { message: 'value is required when choice is "value"', path: ['value'] })
  .openapi('ResolveConflict');

const RunIdParam = z.object({ id: safeText(255, { min: 1, trim: false }).openapi({ param: { name: 'id', in: 'path' } }) });
const Page = pageQuery(500, 50);

const listRuns = createRoute({
  method: 'get',
  path: '/sync/runs',
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
  path: '/sync/runs/{id}',
  tags: ['sync'],
  summary: 'A sync run and its report per entity and direction',
  security: SECURITY,
  request: { params: RunIdParam },
  responses: { 200: { description: 'The run', content: { 'application/json': { schema: SyncRunDetail } } }, ...problemResponses(401, 404) },
});
const startRun = createRoute({
  method: 'post',
  path: '/sync/runs',
  tags: ['sync'],
  summary: 'Start a sync run (incremental or full; dryRun reports without writing)',
  security: SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: StartRun } } } },
  responses: { 202: { description: 'Started', content: { 'application/json': { schema: Started } } }, ...problemResponses(400, 401, 422, 503) },
});
const listConflicts = createRoute({
  method: 'get',
  path: '/sync/conflicts',
  tags: ['sync'],
  summary: 'Conflicts (both sides changed a field), newest first (keyset pagination by id, with the total)',
  security: SECURITY,
  request: {
    query: z.object({
      ...Page,
      status: z.enum(['auto', 'held', 'resolved', 'applied']).optional(),
      entity: z.enum(['customer', 'quote', 'invoice', 'intervention']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'A page of conflicts and the total',
      content: { 'application/json': { schema: z.object({ conflicts: z.array(Conflict), ...pageFields }) } },
    },
    ...problemResponses(401, 422),
  },
});
const resolveConflict = createRoute({
  method: 'post',
  path: '/sync/conflicts/{id}/resolve',
  tags: ['sync'],
  summary: 'Resolve a held conflict: keep Sage’s value, HubSpot’s, or a value; both sides get it',
  security: SECURITY,
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: Resolve } } } },
  responses: {
    202: { description: 'Resolved; a run applies it', content: { 'application/json': { schema: z.object({ conflict: Conflict, runId: z.string() }) } } },
    ...problemResponses(400, 401, 404, 409, 422, 503),
  },
});
const createIntervention = createRoute({
  method: 'post',
  path: '/interventions',
  tags: ['sync'],
  summary: 'Record an intervention; it becomes a HubSpot ticket on the customer’s company',
  security: SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: NewIntervention } } } },
  responses: { 201: { description: 'Created', content: { 'application/json': { schema: InterventionSchema } } }, ...problemResponses(400, 401, 422) },
});
const listInterventions = createRoute({
  method: 'get',
  path: '/interventions',
  tags: ['sync'],
  summary: 'Interventions, newest first (keyset pagination by id, with the total)',
  security: SECURITY,
  request: { query: z.object({ ...Page, customerSageId: safeText(100, { min: 1 }).optional() }) },
  responses: {
    200: {
      description: 'A page of interventions and the total',
      content: { 'application/json': { schema: z.object({ interventions: z.array(InterventionSchema), ...pageFields }) } },
    },
    ...problemResponses(401, 422),
  },
});
const getIntervention = createRoute({
  method: 'get',
  path: '/interventions/{id}',
  tags: ['sync'],
  summary: 'One intervention',
  security: SECURITY,
  request: { params: IdParam },
  responses: { 200: { description: 'The intervention', content: { 'application/json': { schema: InterventionSchema } } }, ...problemResponses(401, 404, 422) },
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
type ConflictRow = {
  id: number;
  run_id: string | null;
  entity: string;
  sage_id: string;
  field: string;
  base_value: unknown;
  sage_value: unknown;
  hubspot_value: unknown;
  rule: string;
  winner: string | null;
  status: string;
  resolution_value: unknown;
  resolved_by: string | null;
  created_at: Date;
  resolved_at: Date | null;
};
const conflictOut = (r: ConflictRow) => ({
  id: r.id,
  runId: r.run_id,
  entity: r.entity,
  sageId: r.sage_id,
  field: r.field,
  base: r.base_value,
  sage: r.sage_value,
  hubspot: r.hubspot_value,
  rule: r.rule,
  winner: r.winner,
  status: r.status,
  resolution: r.resolution_value,
  resolvedBy: r.resolved_by,
  createdAt: r.created_at.toISOString(),
  resolvedAt: iso(r.resolved_at),
});
const interventionOut = (r: Intervention & Partial<Pick<InterventionWithTicket, 'ticket'>>) => ({
  id: r.id,
  sageId: interventionSageId(r.id),
  customerSageId: r.customer_sage_id,
  subject: r.subject,
  description: r.description,
  status: r.status,
  priority: r.priority,
  scheduledAt: iso(r.scheduled_at),
  hubspotOwnerId: r.hubspot_owner_id,
  hubspotTicketId: r.ticket?.id ?? null,
  hubspotStage: r.ticket?.status ? (TICKET_STAGES[r.ticket.status] ?? null) : null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export function syncRoutes({ config, db, temporal }: ApiDeps) {
  const start = async (workflowId: string, input: CrmSyncInput) => {
    await temporal.workflow.start<typeof crmSync>('crmSync', { workflowId, taskQueue: taskQueueFor('sync', config.TASK_QUEUE_PREFIX), args: [input] });
    return workflowId;
  };
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
      const runId = await start(`sync-${body.mode}-${randomUUID()}`, { mode: body.mode, dryRun: body.dryRun, trigger: 'api' });
      const statusUrl = `/v1/sync/runs/${encodeURIComponent(runId)}`;
      c.header('Location', statusUrl);
      return c.json({ runId, statusUrl }, 202);
    })
    .openapi(listConflicts, async (c) => {
      const q = c.req.valid('query');
      const after = idCursor(q.cursor);
      const { rows: all, total } = await listSyncConflicts(db, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.entity ? { entity: q.entity } : {}),
        before: after,
        limit: q.limit,
      });
      const { rows, nextCursor } = pageOf(all, q.limit, (r) => [r.id]);
      return c.json({ conflicts: rows.map(conflictOut), total, nextCursor }, 200);
    })
    .openapi(resolveConflict, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const row = await syncConflictById(db, id);
      if (!row) throw new ProblemError(404, 'not-found', `No conflict ${id}.`);
      if (row.status !== 'held') throw new ProblemError(409, 'conflict', `Conflict ${id} is ${row.status}, not held.`);
      let value: unknown = body.choice === 'sage' ? row.sage_value : body.choice === 'hubspot' ? row.hubspot_value : body.value;
      if (row.field === '__match__') {
        // A held match: a candidate's HubSpot id is adopted; "new" (or choice "sage") creates a new object.
        const held = row.hubspot_value as { candidates?: Array<{ id: string }> } | null;
        const ids = (held?.candidates ?? []).map((x) => x.id);
        value = body.choice === 'sage' ? 'new' : body.choice === 'hubspot' ? (ids.length === 1 ? ids[0] : null) : value;
        if (typeof value !== 'string' || (value !== 'new' && !ids.includes(value))) {
          throw new ProblemError(422, 'validation-error', 'A held match resolves to one of its candidates\' HubSpot ids or "new".', {
            errors: [{ path: 'value', message: `one of ${[...ids, 'new'].join(', ')}` }],
          });
        }
      }
      if (row.field === '__deleted__') {
        // A held deletion: "sage" (or "archive") archives in HubSpot; "hubspot" (or "keep") keeps it.
        value = body.choice === 'sage' || value === 'archive' ? 'archive' : body.choice === 'hubspot' || value === 'keep' ? 'keep' : null;
        if (value === null)
          throw new ProblemError(422, 'validation-error', 'A held deletion resolves to "archive" or "keep".', {
            errors: [{ path: 'value', message: 'archive or keep' }],
          });
      }
      const updated = await resolveHeldConflict(db, id, { value, by: c.get('apiKeyId') ?? 'api' });
      if (!updated) throw new ProblemError(409, 'conflict', `Conflict ${id} was resolved meanwhile.`);
      const runId = await start(`sync-resolve-${id}-${randomUUID().slice(0, 8)}`, {
        mode: 'records',
        trigger: 'conflict-resolution',
        records: [{ entity: row.entity as 'customer', sageId: row.sage_id }],
      });
      return c.json({ conflict: conflictOut(updated), runId }, 202);
    })
    .openapi(createIntervention, async (c) => {
      const b = c.req.valid('json');
      const known = (await idMapRows(db, 'customer', [b.customerSageId])).get(b.customerSageId);
      if (!known || known.deleted_at) {
        const message = 'no customer with this Sage id is known to the sync (a sync run brings Sage customers in)';
        throw new ProblemError(422, 'validation-error', `unknown customer ${b.customerSageId}: ${message}`, { errors: [{ path: 'customerSageId', message }] });
      }
      const row = await insertIntervention(db, {
        customerSageId: b.customerSageId,
        subject: b.subject,
        description: b.description ?? null,
        status: b.status,
        priority: b.priority,
        scheduledAt: b.scheduledAt ?? null,
      });
      return c.json(interventionOut(row), 201);
    })
    .openapi(listInterventions, async (c) => {
      const q = c.req.valid('query');
      const { rows: all, total } = await queryInterventions(db, {
        ...(q.customerSageId ? { customerSageId: q.customerSageId } : {}),
        before: idCursor(q.cursor),
        limit: q.limit,
      });
      const { rows, nextCursor } = pageOf(all, q.limit, (r) => [r.id]);
      return c.json({ interventions: rows.map(interventionOut), total, nextCursor }, 200);
    })
    .openapi(getIntervention, async (c) => {
      const { id } = c.req.valid('param');
      const row = await interventionById(db, id);
      if (!row) throw new ProblemError(404, 'not-found', `No intervention ${id}.`);
      return c.json(interventionOut(row), 200);
    });
}
