/** Server sizing (seeds/001): recommended vCPU, RAM, storage, bandwidth and growth. Pure, no workflow. */
import { createRoute, z } from '@hono/zod-openapi';
import { sizeServer } from '../../activities/audits/hosting/sizing.js';
import { problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';

const SizingRequest = z
  .object({
    members: z.number().int().min(0).max(10_000_000).openapi({ description: 'Members (adhérents) the system manages', example: 10_000 }),
    agents: z.number().int().min(1).max(100_000).openapi({ description: 'Agents / users connected to the application', example: 200 }),
    years: z.number().int().min(1).max(10).default(3).openapi({ description: 'Years of growth to provision storage for' }),
    membersGrowthPerYear: z.number().int().min(0).max(10_000_000).optional().openapi({ description: 'New members a year (default 10-20% of the base)' }),
  })
  .strict()
  .openapi('SizingRequest');

const Range = z.object({ min: z.number(), max: z.number() });
const SizingResponse = z
  .object({
    vcpu: Range,
    ramGb: Range,
    storageGb: Range,
    bandwidthTbPerMonth: Range,
    growth: z.object({ membersPerYear: Range, gbPerYear: Range, dataInYearsGb: Range, membersInYears: Range }),
  })
  .passthrough()
  .openapi('Sizing');

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['audits'],
  summary: 'Recommended server size for a members-management application (brief 001)',
  security: SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: SizingRequest } } } },
  responses: { 200: { description: 'The sizing', content: { 'application/json': { schema: SizingResponse } } }, ...problemResponses(400, 401, 422) },
});

export function sizingRoutes(_deps: ApiDeps) {
  return newRouter().openapi(route, (c) => c.json(sizeServer(c.req.valid('json')), 200));
}
