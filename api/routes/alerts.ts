/**
 * Saved searches (alerts) and the GDPR points: CRUD under /v1/alerts (API key), deleting everything
 * held about an email (`DELETE /v1/alerts?email=`), and the one-click unsubscribe link that goes
 * out in every mail, served without an API key under /public/alerts/unsubscribe (its random token
 * is the credential).
 */
import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { AlertCriteriaSchema } from '../../activities/watches/match/index.js';
import { html, htmlString } from '../../core/html.js';
import { deleteSchedule, genericScheduleId } from '../../temporal-config/watches-schedules.js';
import { deactivateAlertByToken, deleteAlert, eraseWatchData, getAlert, insertAlert, listAlerts, updateAlert } from '../../db/queries/watch-alerts.js';
import type { WatchAlert } from '../../db/schema/watches.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { safeText } from '../schemas/common.js';
import { idCursor, pageFields, pageOf, pageQuery } from './keyset.js';
import { assertPublicUrl, IdParam, Json } from './watch-common.js';

const AlertInput = z
  .object({
    ownerEmail: z.string().trim().email().max(320).openapi({ example: 'marie@example.fr' }),
    name: safeText(200, { min: 1 }).optional().openapi({ example: 'T3 Paris 15e' }),
    criteria: AlertCriteriaSchema.openapi({
      example: { priceMin: 200000, priceMax: 500000, roomsMin: 3, propertyTypes: ['apartment'], postalCodes: ['75015'] },
    }),
    channel: z.enum(['email', 'webhook']).default('email'),
    target: safeText(2000).optional().openapi({ description: 'Email address (defaults to ownerEmail) or webhook URL' }),
    frequency: z.enum(['immediate', 'daily']).default('immediate'),
  })
  .strict()
  .openapi('AlertInput');

const AlertPatch = z
  .object({
    name: safeText(200, { min: 1 }).optional(),
    criteria: AlertCriteriaSchema.optional(),
    channel: z.enum(['email', 'webhook']).optional(),
    target: safeText(2000).optional(),
    frequency: z.enum(['immediate', 'daily']).optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .openapi('AlertPatch');

const AlertOut = z
  .object({
    id: z.number(),
    ownerEmail: z.string(),
    name: z.string().nullable(),
    criteria: Json,
    channel: z.string(),
    target: z.string(),
    frequency: z.string(),
    active: z.boolean(),
    unsubscribeToken: z.string(),
    lastNotifiedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Alert');

const alertJson = (a: WatchAlert) => ({
  id: a.id,
  ownerEmail: a.owner_email,
  name: a.name,
  criteria: a.criteria as Record<string, unknown>,
  channel: a.channel,
  target: a.target,
  frequency: a.frequency,
  active: a.active,
  unsubscribeToken: a.unsubscribe_token,
  lastNotifiedAt: a.last_notified_at?.toISOString() ?? null,
  createdAt: a.created_at.toISOString(),
});

async function checkTarget(deps: ApiDeps, channel: 'email' | 'webhook', target: string): Promise<string> {
  if (channel === 'email') {
    if (!z.string().email().safeParse(target).success)
      throw new ProblemError(422, 'validation-error', 'target: not an email address', { errors: [{ path: 'target', message: 'an email address' }] });
    return target;
  }
  return (await assertPublicUrl(deps.config, target, 'target')).href;
}

const tags = ['watches'];
const notFound = (id: number) => new ProblemError(404, 'not-found', `no alert ${id}`);
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  security: SECURITY,
  summary: 'Create an alert (saved search)',
  request: { body: { required: true, content: { 'application/json': { schema: AlertInput } } } },
  responses: { 201: { description: 'Created', content: { 'application/json': { schema: AlertOut } } }, ...problemResponses(400, 401, 422) },
});
const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  security: SECURITY,
  summary: 'List alerts, optionally of one owner (keyset pagination by id, with the total)',
  request: { query: z.object({ email: z.string().email().max(320).optional(), ...pageQuery(500, 100) }) },
  responses: {
    200: { description: 'A page of alerts and the total', content: { 'application/json': { schema: z.object({ items: z.array(AlertOut), ...pageFields }) } } },
    ...problemResponses(401, 422),
  },
});
const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'One alert',
  request: { params: IdParam },
  responses: { 200: { description: 'The alert', content: { 'application/json': { schema: AlertOut } } }, ...problemResponses(401, 404, 422) },
});
const patch = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'Change an alert',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: AlertPatch } } } },
  responses: { 200: { description: 'The alert', content: { 'application/json': { schema: AlertOut } } }, ...problemResponses(400, 401, 404, 422) },
});
const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'Delete an alert',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 404, 422) },
});
const erase = createRoute({
  method: 'delete',
  path: '/',
  tags,
  security: SECURITY,
  summary: "GDPR erasure: delete an email's alerts, matches, notifications and generic watches",
  request: { query: z.object({ email: z.string().trim().email().max(320) }) },
  responses: {
    200: {
      description: 'What was deleted',
      content: { 'application/json': { schema: z.object({ email: z.string(), alerts: z.number(), notifications: z.number(), watches: z.number() }) } },
    },
    ...problemResponses(401, 422),
  },
});

export function alertRoutes(deps: ApiDeps) {
  const { db, temporal, config } = deps;
  return newRouter()
    .openapi(create, async (c) => {
      const b = c.req.valid('json');
      const target = await checkTarget(deps, b.channel, b.target ?? b.ownerEmail);
      const row = await insertAlert(db, {
        owner_email: b.ownerEmail.toLowerCase(),
        name: b.name ?? null,
        criteria: JSON.stringify(b.criteria),
        channel: b.channel,
        target,
        frequency: b.frequency,
        unsubscribe_token: randomBytes(24).toString('base64url'),
      });
      c.header('Location', `/v1/alerts/${row.id}`);
      return c.json(alertJson(row), 201);
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const { rows, total } = await listAlerts(db, { ...(q.email ? { email: q.email.toLowerCase() } : {}), after: idCursor(q.cursor), limit: q.limit });
      const page = pageOf(rows, q.limit, (r) => [r.id]);
      return c.json({ items: page.rows.map(alertJson), total, nextCursor: page.nextCursor }, 200);
    })
    .openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const row = await getAlert(db, id);
      if (!row) throw notFound(id);
      return c.json(alertJson(row), 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const cur = await getAlert(db, id);
      if (!cur) throw notFound(id);
      const channel = b.channel ?? cur.channel;
      const target =
        b.target !== undefined || b.channel !== undefined
          ? await checkTarget(deps, channel, b.target ?? (channel === 'email' ? cur.owner_email : cur.target))
          : undefined;
      const row = await updateAlert(db, id, {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.criteria !== undefined && { criteria: JSON.stringify(b.criteria) }),
        ...(b.channel !== undefined && { channel: b.channel }),
        ...(target !== undefined && { target }),
        ...(b.frequency !== undefined && { frequency: b.frequency }),
        ...(b.active !== undefined && { active: b.active }),
      });
      if (!row) throw notFound(id);
      return c.json(alertJson(row), 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteAlert(db, id))) throw notFound(id);
      return c.body(null, 204);
    })
    .openapi(erase, async (c) => {
      const email = c.req.valid('query').email.toLowerCase();
      const out = await eraseWatchData(db, email);
      for (const w of out.watches) await deleteSchedule(temporal, genericScheduleId(config.TASK_QUEUE_PREFIX, w));
      return c.json({ email, alerts: out.alerts, notifications: out.notifications, watches: out.watches.length }, 200);
    });
}

const Token = z.object({ token: safeText(200, { min: 10, trim: false }) });
export const unsubscribePage = (title: string, body: string): string =>
  htmlString(
    html`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif"><h1>${title}</h1><p>${body}</p></body></html>`,
  );

const unsubscribeGet = createRoute({
  method: 'get',
  path: '/unsubscribe',
  tags,
  summary: 'Unsubscribe link of alert emails (no API key: the token is the credential)',
  request: { query: Token },
  responses: { 200: { description: 'Unsubscribed (HTML page)', content: { 'text/html': { schema: z.string() } } }, ...problemResponses(404, 422) },
});
const unsubscribePost = createRoute({
  method: 'post',
  path: '/unsubscribe',
  tags,
  summary: 'One-click unsubscribe (RFC 8058 List-Unsubscribe-Post)',
  request: { query: Token },
  responses: {
    200: { description: 'Unsubscribed', content: { 'application/json': { schema: z.object({ unsubscribed: z.boolean(), alertId: z.number() }) } } },
    ...problemResponses(404, 422),
  },
});

/** Mounted at /public/alerts, outside /v1, so it needs no API key. */
export function publicAlertRoutes({ db }: ApiDeps) {
  const deactivate = async (token: string) => {
    const id = await deactivateAlertByToken(db, token);
    if (id === undefined) throw new ProblemError(404, 'not-found', 'unknown or expired unsubscribe link');
    return id;
  };
  return newRouter()
    .openapi(unsubscribeGet, async (c) => {
      await deactivate(c.req.valid('query').token);
      return c.html(unsubscribePage('Désabonnement confirmé', 'Vous ne recevrez plus de messages pour cette alerte.'), 200);
    })
    .openapi(unsubscribePost, async (c) => {
      const alertId = await deactivate(c.req.valid('query').token);
      return c.json({ unsubscribed: true, alertId }, 200);
    });
}
