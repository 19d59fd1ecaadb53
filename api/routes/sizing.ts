/** Server sizing (seeds/001): recommended vCPU, RAM, storage, bandwidth and growth. Pure, no workflow. */
import { createRoute, z } from '@hono/zod-openapi';
import { sizeServer } from '../../activities/audits/hosting/sizing.js';
import { problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { int4 } from '../schemas/common.js';

const SizingRequest = z
  .object({
    members: int4(0, 10_000_000).openapi({ description: 'Members (adhérents) the system manages', example: 10_000 }),
    agents: int4(1, 100_000).openapi({ description: 'Agents / users connected to the application', example: 200 }),
    years: int4(1, 10).default(3).openapi({ description: 'Years of growth to provision storage for' }),
    membersGrowthPerYear: int4(0, 10_000_000).optional().openapi({ description: 'New members a year (default 10-20% of the base)' }),
  })
  .strict()
  .openapi('SizingRequest');

const Range = z.object({ min: z.number(), max: z.number() });
const Plan = z
  .object({ provider: z.string(), plan: z.string(), vcpu: z.number(), ramGb: z.number(), storageGb: z.number().nullable(), priceEurPerMonth: z.number() })
  .passthrough()
  .openapi('SizingPlan');
const SizingResponse = z
  .object({
    vcpu: Range,
    ramGb: Range,
    storageGb: Range,
    bandwidthTbPerMonth: Range,
    growth: z.object({ membersPerYear: Range, gbPerYear: Range, dataInYearsGb: Range, membersInYears: Range }),
    need: z
      .object({ members: z.number(), vcpu: z.number(), ramGb: z.number(), storageGb: z.number() })
      .openapi({ description: 'What the plan must cover: the low end of each range for the members after `years` of growth' }),
    plans: z.array(Plan).openapi({ description: 'Every plan that covers the need, smallest first' }),
    recommended: Plan.nullable().openapi({
      description: 'The smallest covering plan (the brief’s provider preference among equal vCPU); null beyond the table',
    }),
    beyond: z
      .object({
        architecture: z.enum(['dedicated', 'cluster']),
        advice: z.array(z.string()),
        servers: z.number(),
        resources: z.object({ vcpu: z.number(), ramGb: z.number(), storageGb: z.number() }),
        estimatedEurPerMonth: Range,
      })
      .nullable()
      .openapi({ description: 'Set when no plan covers the need: a dedicated server or a cluster, with resources and a monthly estimate' }),
    annualBudgetEur: z.object({ vps: z.number(), ssl: z.number(), cdn: z.number(), monitoring: z.number(), total: z.number() }),
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
