import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { taskQueueFor } from '../../core/temporal.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { problemResponses } from '../problem.js';
import { safeText } from '../schemas/common.js';
import type { diagnostics } from '../../workflows/platform.js';

const StartDiagnostics = z
  .object({
    holdSeconds: z.number().int().min(0).max(3600).default(0).openapi({ description: 'Keep the run open this long after its checks' }),
    requestedBy: safeText(200, { min: 1 }).optional().openapi({ example: 'ops@agency.example' }),
  })
  .strict()
  .openapi('StartDiagnostics');

const Started = z.object({ workflowId: z.string(), runId: z.string(), statusUrl: z.string() }).openapi('StartedRun');

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['platform'],
  summary: 'Start a diagnostics run: the worker checks PostgreSQL and records the result',
  security: SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: StartDiagnostics } } } },
  responses: {
    202: { description: 'Started', content: { 'application/json': { schema: Started } } },
    ...problemResponses(400, 401, 413, 422, 503),
  },
});

export function diagnosticsRoutes({ temporal, config }: ApiDeps) {
  return newRouter().openapi(route, async (c) => {
    const input = c.req.valid('json');
    const workflowId = `diagnostics-${randomUUID()}`;
    const handle = await temporal.workflow.start<typeof diagnostics>('diagnostics', {
      workflowId,
      taskQueue: taskQueueFor('platform', config.TASK_QUEUE_PREFIX),
      args: [input],
    });
    const statusUrl = `/v1/runs/${encodeURIComponent(workflowId)}`;
    c.header('Location', statusUrl);
    return c.json({ workflowId, runId: handle.firstExecutionRunId, statusUrl }, 202);
  });
}
