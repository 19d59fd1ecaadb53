/**
 * Sync conflicts (both sides changed a field): list them, and resolve a held one with Sage's value,
 * HubSpot's or a value (a held match with a candidate or "new", a held deletion with archive or
 * keep); the resolution starts a run of that record. Mounted at /v1/sync/conflicts.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { listSyncConflicts, resolveHeldConflict, syncConflictById } from '../../db/queries/sync-conflicts.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { IdParam, safeText } from '../schemas/common.js';
import { idCursor, pageFields, pageOf, pageQuery } from './keyset.js';
import { startCrmSync } from './sync-runs.js';

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

const Resolve = z
  .object({
    choice: z.enum(['sage', 'hubspot', 'value']),
    value: z.union([safeText(10_000, { trim: false }), z.number(), z.null()]).optional(),
  })
  .strict()
  .refine((r) => r.choice !== 'value' || r.value !== undefined, { message: 'value is required when choice is "value"', path: ['value'] })
  .openapi('ResolveConflict');

const Page = pageQuery(500, 50);

const listConflicts = createRoute({
  method: 'get',
  path: '/',
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
  path: '/{id}/resolve',
  tags: ['sync'],
  summary: 'Resolve a held conflict: keep Sage’s value, HubSpot’s, or a value; both sides get it',
  security: SECURITY,
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: Resolve } } } },
  responses: {
    202: { description: 'Resolved; a run applies it', content: { 'application/json': { schema: z.object({ conflict: Conflict, runId: z.string() }) } } },
    ...problemResponses(400, 401, 404, 409, 422, 503),
  },
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
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

export function syncConflictRoutes(deps: ApiDeps) {
  const { db } = deps;
  return newRouter()
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
      const runId = await startCrmSync(deps, `sync-resolve-${id}-${randomUUID().slice(0, 8)}`, {
        mode: 'records',
        trigger: 'conflict-resolution',
        records: [{ entity: row.entity as 'customer', sageId: row.sage_id }],
      });
      return c.json({ conflict: conflictOut(updated), runId }, 202);
    });
}
