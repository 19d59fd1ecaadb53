/**
 * Site monitors: one row per site in `monitors` (id `monitor-<host>[-port]`: recipients, config,
 * state machine, next due time), its raw checks in `monitor_checks`; the `monitorSweep` workflows
 * check every due monitor in batches (workflows/monitor-sweep.ts). The API writes the row and makes
 * sure the sweeps run; the status comes from the row and SQL over the checks, not from a workflow.
 *
 * A second POST for a site already monitored answers 409 (problem+json, with the existing id):
 * changes to a monitor go through PATCH, so a POST never silently rewrites one.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { validatePatch, type MonitorConfigPatch } from '../../activities/audits/monitor/config-patch.js';
import { gridAfter } from '../../activities/audits/monitor/due.js';
import { rowStatus } from '../../activities/audits/monitor/row-status.js';
import { monitorIdFor, normalizeMonitorUrl } from '../../activities/audits/monitor/site-id.js';
import { checkAt, recentChecks } from '../../activities/audits/monitor/store.js';
import { checkStats, createMonitorRow, deleteMonitorRow, pendingAlertCount, updateMonitorRow } from '../../activities/audits/monitor/sweep-store.js';
import { listIncidents, type IncidentCursor } from '../../activities/audits/monitor/incidents.js';
import { DEFAULT_THRESHOLDS, THRESHOLD_BOUNDS, type Thresholds } from '../../core/contracts/monitors.js';
import { OutboundRefused, parseAllowlist, resolvePublicTarget, type Lookup } from '../../activities/shared/net-guard.js';
import type { Monitor } from '../../db/schema/monitors.js';
import { ensureMonitorSweeps } from '../../temporal-config/monitor-sweeps.js';
import { ProblemError, problemResponses } from '../problem.js';
import { intParam, safeText } from '../schemas/common.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { countOf, pageFields, pageOf, pageQuery, textIdCursor } from './keyset.js';
import { decodeCursor, encodeCursor } from './watch-common.js';

const thresholdField = (k: keyof Thresholds, description: string) =>
  z.number().int().min(THRESHOLD_BOUNDS[k][0]).max(THRESHOLD_BOUNDS[k][1]).optional().openapi({ description, example: DEFAULT_THRESHOLDS[k] });

const ThresholdsPatch = z
  .object({
    failuresBeforeDown: thresholdField('failuresBeforeDown', 'Consecutive failed checks before the site is declared down'),
    latencyMs: thresholdField('latencyMs', 'A check slower than this (ms) counts as slow'),
    slowChecksBeforeAlert: thresholdField('slowChecksBeforeAlert', 'Consecutive slow checks before the latency alert'),
    certificateDays: thresholdField('certificateDays', 'Alert when the certificate has fewer days left than this'),
    timeoutMs: thresholdField('timeoutMs', 'A check taking longer than this (ms) fails'),
  })
  .strict()
  .openapi('MonitorThresholdsPatch');

const ThresholdsOut = z
  .object({ failuresBeforeDown: z.number(), latencyMs: z.number(), slowChecksBeforeAlert: z.number(), certificateDays: z.number(), timeoutMs: z.number() })
  .openapi('MonitorThresholds');

const CheckOut = z
  .object({
    seq: z.number(),
    checkedAt: z.string(),
    ok: z.boolean(),
    statusCode: z.number().nullable(),
    latencyMs: z.number().nullable(),
    certDaysLeft: z.number().nullable(),
    error: z.string().nullable(),
  })
  .openapi('MonitorCheck');

const MonitorOut = z
  .object({
    id: z.string().openapi({ example: 'monitor-www.example.fr' }),
    url: z.string(),
    host: z.string(),
    intervalSeconds: z.number(),
    alertEmail: z.string().nullable(),
    webhookUrl: z.string().nullable(),
    language: z.enum(['fr', 'en']),
    thresholds: ThresholdsOut,
    paused: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastCheck: CheckOut.nullable(),
  })
  .openapi('Monitor');

const MonitorDetail = MonitorOut.extend({
  state: z.unknown().openapi({
    description: 'State (unknown, up, down, paused), open incidents, consecutive failures, recent alerts, next check, uptime and p95 latency over 24 h / 30 d',
  }),
}).openapi('MonitorDetail');

const IdParam = z.object({
  id: z
    .string()
    .regex(/^monitor-[a-z0-9._-]+$/)
    .max(300)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'monitor-www.example.fr' }),
});

const IncidentOut = z
  .object({
    kind: z.enum(['down', 'slow', 'certificate']),
    startedAt: z.string().openapi({ description: 'The first failed (or slow, or expiring) check' }),
    endedAt: z.string().nullable().openapi({ description: 'The check that closed it; null while open' }),
    durationSeconds: z.number().int().nullable(),
    cause: z.string().nullable(),
    checksFailed: z.number().int().openapi({ description: 'Failed checks in a down incident (0 for slow / certificate)' }),
    firstCheck: z.number().int(),
    lastCheck: z.number().int().nullable(),
  })
  .openapi('MonitorIncident');
const IncidentPage = z
  .object({ incidents: z.array(IncidentOut), total: z.number().int(), nextCursor: z.string().nullable() })
  .openapi('MonitorIncidentPage');

type CheckRow = { seq: number; checked_at: Date; ok: boolean; status_code: number | null; latency_ms: number | null; cert_days_left: number | null; error: string | null };
const checkOut = (r: CheckRow) => ({
  seq: Number(r.seq),
  checkedAt: r.checked_at.toISOString(),
  ok: r.ok,
  statusCode: r.status_code,
  latencyMs: r.latency_ms,
  certDaysLeft: r.cert_days_left,
  error: r.error,
});

function monitorOut(m: Monitor, last: CheckRow | null) {
  return {
    id: m.id,
    url: m.url,
    host: m.host,
    intervalSeconds: m.interval_seconds,
    alertEmail: m.alert_email,
    webhookUrl: m.webhook_url,
    language: m.language,
    thresholds: m.thresholds,
    paused: m.paused,
    createdAt: m.created_at.toISOString(),
    updatedAt: m.updated_at.toISOString(),
    lastCheck: last ? checkOut(last) : null,
  };
}

const invalid = (path: string, message: string) => new ProblemError(422, 'validation-error', `1 invalid field(s): ${path}`, { errors: [{ path, message }] });

export function monitorRoutes(deps: ApiDeps, opts: { lookup?: Lookup } = {}) {
  const { config, db, temporal } = deps;
  const allow = parseAllowlist(config.OUTBOUND_ALLOWLIST);
  const bounds: [number, number] = [config.MONITOR_MIN_INTERVAL_SECONDS, config.MONITOR_MAX_INTERVAL_SECONDS];
  const interval = z.number().int().min(bounds[0]).max(bounds[1]).openapi({ description: `Seconds between checks (${bounds[0]}..${bounds[1]})`, example: 60 });

  /** Validates an outbound URL (shape, scheme, resolvable, public or allow-listed) as field `path`. */
  async function target(path: string, raw: string) {
    try {
      return await resolvePublicTarget(raw, allow, opts.lookup);
    } catch (err) {
      if (err instanceof OutboundRefused) throw invalid(path, `${err.reason}: ${err.message}`);
      throw err;
    }
  }

  const CreateMonitor = z
    .object({
      url: safeText(2048, { min: 1 }).openapi({ example: 'https://www.example.fr/' }),
      intervalSeconds: interval,
      alertEmail: z.email().max(320).optional().openapi({ example: 'ops@agence.example', description: 'Alert by email; at least one of alertEmail, webhookUrl' }),
      webhookUrl: safeText(2048, { min: 1 }).optional().openapi({ example: 'https://hooks.agence.example/monitors', description: 'Alert by signed webhook; at least one of alertEmail, webhookUrl' }),
      thresholds: ThresholdsPatch.optional(),
      language: z.enum(['fr', 'en']).default('fr').openapi({ description: 'Language of the alert emails' }),
      paused: z.boolean().default(false),
    })
    .strict()
    .openapi('CreateMonitor');

  const PatchMonitor = z
    .object({
      paused: z.boolean().optional(),
      intervalSeconds: interval.optional(),
      thresholds: ThresholdsPatch.optional(),
      alertEmail: z.email().max(320).nullable().optional().openapi({ description: 'null removes the email channel (a webhook must remain)' }),
      webhookUrl: safeText(2048, { min: 1 }).nullable().optional().openapi({ description: 'null removes the webhook' }),
      language: z.enum(['fr', 'en']).optional(),
    })
    .strict()
    .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' })
    .openapi('PatchMonitor');

  const create = createRoute({
    method: 'post',
    path: '/',
    tags: ['audits'],
    summary: 'Start monitoring a site (one monitor per site; a second POST for the same site answers 409)',
    security: SECURITY,
    request: { body: { required: true, content: { 'application/json': { schema: CreateMonitor } } } },
    responses: {
      201: { description: 'Monitoring started', content: { 'application/json': { schema: MonitorOut } } },
      ...problemResponses(400, 401, 409, 413, 422, 503),
    },
  });
  const list = createRoute({
    method: 'get',
    path: '/',
    tags: ['audits'],
    summary: 'Every active monitor with its last check (keyset pagination by id, with the total)',
    security: SECURITY,
    request: {
      query: z.object({
        domain: safeText(253, { min: 1 }).optional().openapi({ description: 'Only monitors of this host' }),
        ...pageQuery(500, 100),
      }),
    },
    responses: {
      200: { description: 'A page of monitors and the total', content: { 'application/json': { schema: z.object({ monitors: z.array(MonitorOut), ...pageFields }) } } },
      ...problemResponses(401, 422),
    },
  });
  const get = createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['audits'],
    summary: 'A monitor with its state (incidents, uptime and p95 over 24 h and 30 d)',
    security: SECURITY,
    request: { params: IdParam },
    responses: {
      200: { description: 'The monitor', content: { 'application/json': { schema: MonitorDetail } } },
      ...problemResponses(401, 404, 422),
    },
  });
  const checks = createRoute({
    method: 'get',
    path: '/{id}/checks',
    tags: ['audits'],
    summary: 'The raw checks of a monitor, newest first',
    security: SECURITY,
    request: { params: IdParam, query: z.object({ limit: intParam(1, 1000).default(100) }) },
    responses: {
      200: { description: 'Checks', content: { 'application/json': { schema: z.object({ checks: z.array(CheckOut) }) } } },
      ...problemResponses(401, 404, 422),
    },
  });
  const incidents = createRoute({
    method: 'get',
    path: '/{id}/incidents',
    tags: ['audits'],
    summary: 'The incidents of a monitor (down, slow, certificate), newest first, cursor-paginated',
    security: SECURITY,
    request: { params: IdParam, query: z.object({ limit: intParam(1, 200).default(50), cursor: safeText(200).optional() }) },
    responses: {
      200: { description: 'A page of incidents and the total', content: { 'application/json': { schema: IncidentPage } } },
      ...problemResponses(401, 404, 422),
    },
  });
  const patch = createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['audits'],
    summary: 'Pause, resume or reconfigure a monitor (its next check moves onto the new interval)',
    security: SECURITY,
    request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: PatchMonitor } } } },
    responses: {
      200: { description: 'The monitor after the change', content: { 'application/json': { schema: MonitorOut } } },
      ...problemResponses(400, 401, 404, 422, 503),
    },
  });
  const remove = createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['audits'],
    summary: 'Stop monitoring a site (its checks and incidents are kept)',
    security: SECURITY,
    request: { params: IdParam },
    responses: { 204: { description: 'Stopped' }, ...problemResponses(401, 404, 422, 503) },
  });

  const lastCheckOf = (id: string) =>
    db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).orderBy('seq', 'desc').limit(1).executeTakeFirst();

  async function activeRow(id: string): Promise<Monitor> {
    const row = await db.selectFrom('monitors').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw new ProblemError(404, 'not-found', `No monitor ${id}.`);
    return row;
  }

  return newRouter()
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      const { url } = await target('url', body.url);
      if (!body.alertEmail && !body.webhookUrl) throw invalid('alertEmail', 'a monitor needs at least one alert channel: alertEmail, webhookUrl or both');
      if (body.webhookUrl) await target('webhookUrl', body.webhookUrl);
      const id = monitorIdFor(url);
      const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, ...body.thresholds };
      const values = {
        url: normalizeMonitorUrl(url),
        host,
        interval_seconds: body.intervalSeconds,
        alert_email: body.alertEmail ?? null,
        webhook_url: body.webhookUrl ?? null,
        language: body.language,
        thresholds: JSON.stringify(thresholds),
        paused: body.paused,
      };
      // the sweeps first (idempotent): a Temporal that cannot start them leaves no row behind
      await ensureMonitorSweeps(temporal, config);
      // a new or previously deleted site: its row, due at once; an active one answers 409
      const row = await createMonitorRow(db, id, values);
      if (!row) {
        throw new ProblemError(409, 'conflict', `The site ${host} is already monitored by ${id}; change it with PATCH /v1/monitors/${id}.`, {
          instance: `/v1/monitors/${id}`,
        });
      }
      c.header('Location', `/v1/monitors/${id}`);
      return c.json(monitorOut(row, null), 201);
    })
    .openapi(list, async (c) => {
      const { domain, limit, cursor } = c.req.valid('query');
      const after = textIdCursor(cursor);
      let base = db.selectFrom('monitors').where('deleted_at', 'is', null);
      if (domain) base = base.where('host', '=', domain.toLowerCase());
      const [all, total] = await Promise.all([
        (after ? base.where('id', '>', after) : base).selectAll().orderBy('id').limit(limit + 1).execute(),
        countOf(base.select((eb) => eb.fn.countAll<string>().as('n'))),
      ]);
      const { rows, nextCursor } = pageOf(all, limit, (r) => [r.id]);
      const lasts = rows.length
        ? await db
            .selectFrom('monitor_checks')
            .selectAll()
            .distinctOn('monitor_id')
            .where(
              'monitor_id',
              'in',
              rows.map((r) => r.id),
            )
            .orderBy('monitor_id')
            .orderBy('seq', 'desc')
            .execute()
        : [];
      const byId = new Map(lasts.map((l) => [l.monitor_id, l]));
      return c.json({ monitors: rows.map((r) => monitorOut(r, byId.get(r.id) ?? null)), total, nextCursor }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = await activeRow(id);
      const last = row.last_seq > 0 ? await checkAt(db, id, row.last_seq) : undefined;
      const [stats, pending, lastRow] = await Promise.all([checkStats(db, id, row.last_seq), pendingAlertCount(db, id), lastCheckOf(id)]);
      const state = rowStatus(row, last ? { ...last, seq: row.last_seq } : null, stats, pending, new Date());
      return c.json({ ...monitorOut(row, lastRow ?? null), state }, 200);
    })
    .openapi(checks, async (c) => {
      const { id } = c.req.valid('param');
      const { limit } = c.req.valid('query');
      await activeRow(id);
      return c.json({ checks: (await recentChecks(db, id, limit)).map(checkOut) }, 200);
    })
    .openapi(incidents, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      await activeRow(id);
      const page = await listIncidents(db, id, limit, decodeCursor(cursor, 3) as IncidentCursor | null);
      return c.json({ incidents: page.items, total: page.total, nextCursor: page.next ? encodeCursor(page.next) : null }, 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const current = await activeRow(id);
      const email = body.alertEmail !== undefined ? body.alertEmail : current.alert_email;
      const webhook = body.webhookUrl !== undefined ? body.webhookUrl : current.webhook_url;
      if (!email && !webhook) throw invalid(body.alertEmail === null ? 'alertEmail' : 'webhookUrl', 'a monitor needs at least one alert channel: alertEmail, webhookUrl or both');
      if (body.webhookUrl) await target('webhookUrl', body.webhookUrl);
      const change: MonitorConfigPatch = {};
      if (body.paused !== undefined) change.paused = body.paused;
      if (body.intervalSeconds !== undefined) change.intervalSeconds = body.intervalSeconds;
      if (body.thresholds) change.thresholds = body.thresholds;
      try {
        validatePatch(change, bounds);
      } catch (err) {
        throw invalid('(body)', (err as Error).message);
      }
      const intervalSeconds = body.intervalSeconds ?? current.interval_seconds;
      // a new interval, or a resume: the next check moves onto the monitor's grid from now
      const reschedule = body.intervalSeconds !== undefined || (body.paused === false && current.paused);
      const row = await updateMonitorRow(
        db,
        id,
        {
          ...(body.paused !== undefined ? { paused: body.paused } : {}),
          ...(body.intervalSeconds !== undefined ? { interval_seconds: body.intervalSeconds } : {}),
          ...(body.thresholds ? { thresholds: JSON.stringify({ ...current.thresholds, ...body.thresholds }) } : {}),
          ...(body.alertEmail !== undefined ? { alert_email: body.alertEmail } : {}),
          ...(body.webhookUrl !== undefined ? { webhook_url: body.webhookUrl } : {}),
          ...(body.language !== undefined ? { language: body.language } : {}),
        },
        reschedule ? new Date(gridAfter(id, intervalSeconds, Date.now())) : undefined,
      );
      if (!row) throw new ProblemError(404, 'not-found', `No monitor ${id}.`);
      return c.json(monitorOut(row, (await lastCheckOf(id)) ?? null), 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteMonitorRow(db, id))) throw new ProblemError(404, 'not-found', `No monitor ${id}.`);
      return c.body(null, 204);
    });
}
