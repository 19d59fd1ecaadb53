/**
 * Generic watches: any URL + a CSS selector or a text region, notified by email or signed webhook
 * when the text changes. They are checked in batches by the `genericWatchSweep` workflow (every
 * minute by its schedule for the due ones; here for a check now, a check of all / of a tag, and a
 * new watch's baseline); state and change history live in PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { SA, taskQueueFor } from '../../core/temporal.js';
import { nextDueAt } from '../../activities/watches/generic/due.js';
import {
  deleteGenericWatch,
  getGenericWatch,
  insertGenericWatch,
  listGenericChanges,
  listGenericWatches,
  markDue,
  recentGenericChanges,
  updateGenericWatch,
} from '../../db/queries/watch-generic.js';
import { deleteSchedule, genericScheduleId } from '../../temporal-config/watches-schedules.js';
import type { genericWatchSweep, GenericSweepInput } from '../../workflows/generic-sweep.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { intParam, safeText } from '../schemas/common.js';
import { ChangeOut, changeJson, genericWatchJson, Started, Tag, WatchInput, WatchOut, WatchPatch } from '../schemas/generic-watches.js';
import { idCursor } from './keyset.js';
import { assertPublicUrl, encodeCursor, IdParam, Json } from './watch-common.js';

const page = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), total: z.number(), nextCursor: z.string().nullable() });
const PageQuery = { limit: intParam(1, 200).default(50), cursor: safeText(200).optional() };

const tags = ['watches'];
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  security: SECURITY,
  summary: 'Watch any page region for changes (its baseline is taken at once)',
  request: { body: { required: true, content: { 'application/json': { schema: WatchInput } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: WatchOut.extend({ baseline: Started }) } } },
    ...problemResponses(400, 401, 422, 503),
  },
});
const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  security: SECURITY,
  summary: 'List generic watches (keyset pagination by id, with the total)',
  request: { query: z.object({ tag: Tag.optional(), paused: z.enum(['true', 'false']).optional(), ...PageQuery }) },
  responses: { 200: { description: 'Watches', content: { 'application/json': { schema: page(WatchOut) } } }, ...problemResponses(401, 422) },
});
const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'One generic watch with its recent changes',
  request: { params: IdParam },
  responses: { 200: { description: 'The watch', content: { 'application/json': { schema: Json } } }, ...problemResponses(401, 404, 422) },
});
const changes = createRoute({
  method: 'get',
  path: '/{id}/changes',
  tags,
  security: SECURITY,
  summary: "A watch's change events, newest first (keyset pagination by sequence, with the total)",
  request: { params: IdParam, query: z.object(PageQuery) },
  responses: { 200: { description: 'Changes', content: { 'application/json': { schema: page(ChangeOut) } } }, ...problemResponses(401, 404, 422) },
});
const patch = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'Pause, resume or reconfigure a generic watch',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: WatchPatch } } } },
  responses: { 200: { description: 'The watch', content: { 'application/json': { schema: WatchOut } } }, ...problemResponses(400, 401, 404, 422) },
});
const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'Delete a generic watch',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 404, 422, 503) },
});
const checkNow = createRoute({
  method: 'post',
  path: '/{id}/check',
  tags,
  security: SECURITY,
  summary: 'Check a generic watch now',
  request: { params: IdParam },
  responses: { 202: { description: 'Started', content: { 'application/json': { schema: Started } } }, ...problemResponses(401, 404, 409, 422, 503) },
});
const checkAll = createRoute({
  method: 'post',
  path: '/check',
  tags,
  security: SECURITY,
  summary: 'Check every generic watch, or those with a tag, now (one sweep)',
  request: {
    body: { required: false, content: { 'application/json': { schema: z.object({ tag: Tag.optional() }).strict().openapi('GenericWatchCheckAll') } } },
  },
  responses: {
    202: { description: 'Started', content: { 'application/json': { schema: Started.extend({ due: z.number() }) } } },
    ...problemResponses(400, 401, 422, 503),
  },
});

export function genericWatchRoutes(deps: ApiDeps) {
  const { db, temporal, config } = deps;
  const prefix = config.TASK_QUEUE_PREFIX;
  const find = async (id: number) => {
    const w = await getGenericWatch(db, id);
    if (!w) throw new ProblemError(404, 'not-found', `no watch ${id}`);
    return w;
  };
  const checkTarget = async (channel: 'email' | 'webhook', target: string) => {
    if (channel === 'webhook') return (await assertPublicUrl(config, target, 'target')).href;
    if (!z.string().email().safeParse(target).success)
      throw new ProblemError(422, 'validation-error', 'target: not an email address', { errors: [{ path: 'target', message: 'an email address' }] });
    return target;
  };
  const sweep = async (workflowId: string, input: GenericSweepInput) => {
    const handle = await temporal.workflow.start<typeof genericWatchSweep>('genericWatchSweep', {
      workflowId,
      taskQueue: taskQueueFor('watches', prefix),
      args: [input],
      typedSearchAttributes: [{ key: SA.family, value: 'watches' }],
    });
    return { workflowId, runId: handle.firstExecutionRunId, statusUrl: `/v1/runs/${encodeURIComponent(workflowId)}` };
  };
  const shortId = () => randomUUID().slice(0, 8);

  return newRouter()
    .openapi(checkAll, async (c) => {
      const raw = c.req.header('content-length') === '0' || !c.req.header('content-type') ? {} : c.req.valid('json');
      const tag = raw?.tag;
      const due = await markDue(db, { tag });
      const started = await sweep(`${prefix}-watch-generic-check-${shortId()}`, { tag, reason: 'check' });
      c.header('Location', started.statusUrl);
      return c.json({ ...started, due }, 202);
    })
    .openapi(create, async (c) => {
      const b = c.req.valid('json');
      const url = (await assertPublicUrl(config, b.url, 'url')).href;
      const target = await checkTarget(b.channel, b.target);
      const row = await insertGenericWatch(db, {
        name: b.name,
        url,
        selector: b.selector ?? null,
        text_contains: b.textContains ?? null,
        interval_minutes: b.intervalMinutes,
        channel: b.channel,
        target,
        owner_email: b.ownerEmail?.toLowerCase() ?? null,
        tags: [...new Set(b.tags)],
      });
      let baseline;
      try {
        baseline = await sweep(`${genericScheduleId(prefix, row.id)}-baseline`, { ids: [row.id], reason: 'baseline' });
      } catch (err) {
        await deleteGenericWatch(db, row.id);
        throw err;
      }
      c.header('Location', `/v1/watches/${row.id}`);
      return c.json({ ...genericWatchJson(row), baseline }, 201);
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const after = idCursor(q.cursor);
      const { rows, total } = await listGenericWatches(db, { tag: q.tag, paused: q.paused ? q.paused === 'true' : undefined }, after, q.limit);
      const items = rows.slice(0, q.limit).map(genericWatchJson);
      return c.json({ items, total, nextCursor: rows.length > q.limit ? encodeCursor([items[items.length - 1]!.id]) : null }, 200);
    })
    .openapi(getOne, async (c) => {
      const w = await find(c.req.valid('param').id);
      const recent = await recentGenericChanges(db, w.id, 20);
      return c.json({ ...genericWatchJson(w), recentChanges: recent.map(changeJson) }, 200);
    })
    .openapi(changes, async (c) => {
      const w = await find(c.req.valid('param').id);
      const q = c.req.valid('query');
      const after = idCursor(q.cursor);
      const { rows, total } = await listGenericChanges(db, w.id, after, q.limit);
      const items = rows.slice(0, q.limit).map(changeJson);
      return c.json({ items, total, nextCursor: rows.length > q.limit ? encodeCursor([items[items.length - 1]!.seq]) : null }, 200);
    })
    .openapi(patch, async (c) => {
      const w = await find(c.req.valid('param').id);
      const b = c.req.valid('json');
      const channel = b.channel ?? w.channel;
      const target = b.target !== undefined || b.channel !== undefined ? await checkTarget(channel, b.target ?? w.target) : w.target;
      const regionChanged = (b.selector !== undefined && b.selector !== w.selector) || (b.textContains !== undefined && b.textContains !== w.text_contains);
      const interval = b.intervalMinutes ?? w.interval_minutes;
      const resumed = b.paused === false && w.paused;
      const set = {
        name: b.name ?? w.name,
        selector: b.selector === undefined ? w.selector : b.selector,
        text_contains: b.textContains === undefined ? w.text_contains : b.textContains,
        interval_minutes: interval,
        channel,
        target,
        tags: b.tags ? [...new Set(b.tags)] : w.tags,
        paused: b.paused ?? w.paused,
        ...(!regionChanged && (resumed || b.intervalMinutes !== undefined) ? { next_check_at: nextDueAt(w.id, interval, new Date()) } : {}),
      };
      // a new region starts from a new baseline (taken by the next sweep), not from a change
      const row = await updateGenericWatch(db, w.id, set, { newBaseline: regionChanged });
      if (!row) throw new ProblemError(404, 'not-found', `no watch ${w.id}`);
      return c.json(genericWatchJson(row), 200);
    })
    .openapi(remove, async (c) => {
      const w = await find(c.req.valid('param').id);
      await deleteSchedule(temporal, genericScheduleId(prefix, w.id)); // a schedule of an earlier version, if any
      await deleteGenericWatch(db, w.id);
      return c.body(null, 204);
    })
    .openapi(checkNow, async (c) => {
      const w = await find(c.req.valid('param').id);
      if (w.paused) throw new ProblemError(409, 'conflict', `watch ${w.id} is paused (resume it with PATCH {"paused": false})`);
      await markDue(db, { ids: [w.id] });
      const started = await sweep(`${genericScheduleId(prefix, w.id)}-check-${shortId()}`, { ids: [w.id], reason: 'check' });
      c.header('Location', started.statusUrl);
      return c.json(started, 202);
    });
}
