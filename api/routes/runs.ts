/**
 * Generic run inspection for any workflow of the platform: its Temporal description plus what its
 * own `status` query says, and cancellation.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { queryWithin } from '../../core/temporal-query.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { ProblemError, problemResponses } from '../problem.js';
import { safeText } from '../schemas/common.js';

const WorkflowIdParam = z.object({
  workflowId: safeText(255, { min: 1, trim: false }).openapi({ param: { name: 'workflowId', in: 'path' }, example: 'diagnostics-5f0c…' }),
});

export const RunSchema = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    type: z.string(),
    taskQueue: z.string(),
    status: z.enum(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT', 'PAUSED', 'UNKNOWN', 'UNSPECIFIED']),
    startTime: z.string(),
    closeTime: z.string().nullable(),
    historyLength: z.number(),
    searchAttributes: z.record(z.string(), z.unknown()),
    state: z.unknown().nullable().openapi({ description: "The workflow's `status` query, when it answers" }),
    stateError: z.string().optional(),
  })
  .openapi('Run');

const getRun = createRoute({
  method: 'get',
  path: '/{workflowId}',
  tags: ['runs'],
  summary: 'Status of any workflow run: Temporal description plus its `status` query',
  security: SECURITY,
  request: { params: WorkflowIdParam },
  responses: {
    200: { description: 'The run', content: { 'application/json': { schema: RunSchema } } },
    ...problemResponses(401, 404, 503),
  },
});

const cancelRun = createRoute({
  method: 'post',
  path: '/{workflowId}/cancel',
  tags: ['runs'],
  summary: 'Request cancellation of a running workflow (it runs its compensations, then stops)',
  security: SECURITY,
  request: { params: WorkflowIdParam },
  responses: {
    202: {
      description: 'Cancellation requested',
      content: { 'application/json': { schema: z.object({ workflowId: z.string(), runId: z.string(), status: z.literal('cancel-requested') }) } },
    },
    ...problemResponses(401, 404, 409, 503),
  },
});

function searchAttributesOf(desc: WorkflowExecutionDescription): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of desc.typedSearchAttributes.getAll()) out[pair.key.name] = pair.value;
  return out;
}

async function queryState(deps: ApiDeps, workflowId: string, runId: string, timeoutMs: number) {
  const q = await queryWithin<unknown>(deps.temporal, workflowId, runId, 'status', timeoutMs);
  return q.ok ? { state: q.value ?? null } : { state: null, stateError: q.error };
}

export function runRoutes(deps: ApiDeps, queryTimeoutMs = 3000) {
  return newRouter()
    .openapi(getRun, async (c) => {
      const { workflowId } = c.req.valid('param');
      const desc = await deps.temporal.workflow.getHandle(workflowId).describe();
      const query = await queryState(deps, workflowId, desc.runId, queryTimeoutMs);
      return c.json(
        {
          workflowId: desc.workflowId,
          runId: desc.runId,
          type: desc.type,
          taskQueue: desc.taskQueue,
          status: desc.status.name,
          startTime: desc.startTime.toISOString(),
          closeTime: desc.closeTime?.toISOString() ?? null,
          historyLength: desc.historyLength,
          searchAttributes: searchAttributesOf(desc),
          ...query,
        },
        200,
      );
    })
    .openapi(cancelRun, async (c) => {
      const { workflowId } = c.req.valid('param');
      const handle = deps.temporal.workflow.getHandle(workflowId);
      const desc = await handle.describe();
      if (desc.status.name !== 'RUNNING') {
        throw new ProblemError(409, 'conflict', `workflow ${workflowId} is ${desc.status.name}, not RUNNING`);
      }
      await deps.temporal.workflow.getHandle(workflowId, desc.runId).cancel();
      return c.json({ workflowId, runId: desc.runId, status: 'cancel-requested' as const }, 202);
    });
}
