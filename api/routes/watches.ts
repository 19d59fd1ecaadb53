/**
 * Generic watches: any URL + a CSS selector or a text region, checked on their own Temporal
 * Schedule (`<prefix>-watch-generic-<id>`), notified by email or signed webhook when the text changes.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { taskQueueFor } from '../../core/temporal.js';
import type { WatchGeneric } from '../../db/schema/watches.js';
import { deleteSchedule, genericScheduleId, genericWatchSchedule, upsertSchedule } from '../../temporal-config/watches-schedules.js';
import type { genericWatch } from '../../workflows/watches.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { cssSelector, safeText } from '../schemas/common.js';
import { assertPublicUrl, IdParam, Json } from './watch-common.js';

const WatchInput = z
  .object({
    name: safeText(200, { min: 1 }).openapi({ example: 'Tarifs du concurrent' }),
    url: safeText(2000, { min: 1 }).openapi({ example: 'https://example.fr/tarifs' }),
    selector: cssSelector(500).optional().openapi({ description: 'CSS selector of the region to watch', example: '#prices' }),
    textContains: safeText(500, { min: 1 }).optional().openapi({ description: 'Watch the block whose text contains this' }),
    intervalMinutes: z.number().int().min(5).max(10_080).default(60),
    channel: z.enum(['email', 'webhook']).default('email'),
    target: safeText(2000, { min: 3 }).openapi({ description: 'Email address or webhook URL' }),
    ownerEmail: z.string().trim().email().max(320).optional(),
  })
  .strict()
  .openapi('GenericWatchInput');

const WatchOut = z
  .object({
    id: z.number(), name: z.string(), url: z.string(), selector: z.string().nullable(), textContains: z.string().nullable(),
    intervalMinutes: z.number(), channel: z.string(), target: z.string(), ownerEmail: z.string().nullable(),
    lastCheckedAt: z.string().nullable(), lastChangedAt: z.string().nullable(), lastError: z.string().nullable(), scheduleId: z.string(),
  })
  .openapi('GenericWatch');

const tags = ['watches'];
const create = createRoute({
  method: 'post', path: '/', tags, security: SECURITY, summary: 'Watch any page region for changes',
  request: { body: { required: true, content: { 'application/json': { schema: WatchInput } } } },
  responses: { 201: { description: 'Created', content: { 'application/json': { schema: WatchOut } } }, ...problemResponses(400, 401, 422, 503) },
});
const list = createRoute({
  method: 'get', path: '/', tags, security: SECURITY, summary: 'List generic watches',
  responses: { 200: { description: 'Watches', content: { 'application/json': { schema: z.object({ items: z.array(WatchOut) }) } } }, ...problemResponses(401) },
});
const getOne = createRoute({
  method: 'get', path: '/{id}', tags, security: SECURITY, summary: 'One generic watch with its recent changes',
  request: { params: IdParam },
  responses: { 200: { description: 'The watch', content: { 'application/json': { schema: Json } } }, ...problemResponses(401, 404, 422) },
});
const remove = createRoute({
  method: 'delete', path: '/{id}', tags, security: SECURITY, summary: 'Delete a generic watch and its schedule',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 404, 422, 503) },
});
const checkNow = createRoute({
  method: 'post', path: '/{id}/check', tags, security: SECURITY, summary: 'Check a generic watch now',
  request: { params: IdParam },
  responses: { 202: { description: 'Started', content: { 'application/json': { schema: z.object({ workflowId: z.string(), runId: z.string(), statusUrl: z.string() }) } } }, ...problemResponses(401, 404, 422, 503) },
});

export function genericWatchRoutes(deps: ApiDeps) {
  const { db, temporal, config } = deps;
  const prefix = config.TASK_QUEUE_PREFIX;
  const json = (w: WatchGeneric) => ({
    id: w.id, name: w.name, url: w.url, selector: w.selector, textContains: w.text_contains, intervalMinutes: w.interval_minutes,
    channel: w.channel, target: w.target, ownerEmail: w.owner_email, lastCheckedAt: w.last_checked_at?.toISOString() ?? null,
    lastChangedAt: w.last_changed_at?.toISOString() ?? null, lastError: w.last_error, scheduleId: genericScheduleId(prefix, w.id),
  });
  const find = async (id: number) => {
    const w = await db.selectFrom('watch_generic').selectAll().where('id', '=', id).executeTakeFirst();
    if (!w) throw new ProblemError(404, 'not-found', `no watch ${id}`);
    return w;
  };
  return newRouter()
    .openapi(create, async (c) => {
      const b = c.req.valid('json');
      const url = (await assertPublicUrl(config, b.url, 'url')).href;
      let target = b.target;
      if (b.channel === 'webhook') target = (await assertPublicUrl(config, b.target, 'target')).href;
      else if (!z.string().email().safeParse(b.target).success) throw new ProblemError(422, 'validation-error', 'target: not an email address', { errors: [{ path: 'target', message: 'an email address' }] });
      const row = await db
        .insertInto('watch_generic')
        .values({ name: b.name, url, selector: b.selector ?? null, text_contains: b.textContains ?? null, interval_minutes: b.intervalMinutes, channel: b.channel, target, owner_email: b.ownerEmail?.toLowerCase() ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
      try {
        await upsertSchedule(temporal, genericWatchSchedule(prefix, row.id, row.interval_minutes));
      } catch (err) {
        await db.deleteFrom('watch_generic').where('id', '=', row.id).execute();
        throw err;
      }
      c.header('Location', `/v1/watches/${row.id}`);
      return c.json(json(row), 201);
    })
    .openapi(list, async (c) => {
      const rows = await db.selectFrom('watch_generic').selectAll().orderBy('id').limit(500).execute();
      return c.json({ items: rows.map(json) }, 200);
    })
    .openapi(getOne, async (c) => {
      const w = await find(c.req.valid('param').id);
      const changes = await db.selectFrom('watch_generic_changes').selectAll().where('watch_id', '=', w.id).orderBy('id', 'desc').limit(20).execute();
      return c.json(
        { ...json(w), changes: changes.map((ch) => ({ summary: ch.summary, added: ch.added as string[], removed: ch.removed as string[], at: ch.at.toISOString() })) },
        200,
      );
    })
    .openapi(remove, async (c) => {
      const w = await find(c.req.valid('param').id);
      await deleteSchedule(temporal, genericScheduleId(prefix, w.id));
      await db.deleteFrom('watch_generic').where('id', '=', w.id).execute();
      return c.body(null, 204);
    })
    .openapi(checkNow, async (c) => {
      const w = await find(c.req.valid('param').id);
      const workflowId = `${genericScheduleId(prefix, w.id)}-now-${randomUUID().slice(0, 8)}`;
      const handle = await temporal.workflow.start<typeof genericWatch>('genericWatch', {
        workflowId,
        taskQueue: taskQueueFor('watches', prefix),
        args: [{ watchId: w.id }],
      });
      const statusUrl = `/v1/runs/${encodeURIComponent(workflowId)}`;
      c.header('Location', statusUrl);
      return c.json({ workflowId, runId: handle.firstExecutionRunId, statusUrl }, 202);
    });
}
