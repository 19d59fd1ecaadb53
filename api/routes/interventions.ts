/**
 * Interventions (after-sales visits, our own table) that the sync makes HubSpot tickets on their
 * customer's company: record one, list them, read one, each with its ticket as HubSpot had it at
 * the last sync. Mounted at /v1/interventions.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { interventionSageId } from '../../activities/sync/interventions-source.js';
import { TICKET_STAGES } from '../../activities/sync/mapping/transforms.js';
import { insertIntervention, interventionById, listInterventions as queryInterventions, type InterventionWithTicket } from '../../db/queries/sync.js';
import { idMapRows } from '../../db/queries/sync-idmap.js';
import type { Intervention } from '../../db/schema/sync.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { dateTime, IdParam, safeText } from '../schemas/common.js';
import { idCursor, pageFields, pageOf, pageQuery } from './keyset.js';

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

const Page = pageQuery(500, 50);

const createIntervention = createRoute({
  method: 'post',
  path: '/',
  tags: ['sync'],
  summary: 'Record an intervention; it becomes a HubSpot ticket on the customer’s company',
  security: SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: NewIntervention } } } },
  responses: { 201: { description: 'Created', content: { 'application/json': { schema: InterventionSchema } } }, ...problemResponses(400, 401, 422) },
});
const listInterventions = createRoute({
  method: 'get',
  path: '/',
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
  path: '/{id}',
  tags: ['sync'],
  summary: 'One intervention',
  security: SECURITY,
  request: { params: IdParam },
  responses: { 200: { description: 'The intervention', content: { 'application/json': { schema: InterventionSchema } } }, ...problemResponses(401, 404, 422) },
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
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

export function interventionRoutes({ db }: ApiDeps) {
  return newRouter()
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
