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
import { claimMonitor } from '../../activities/audits/monitor/claim.js';
import { validatePatch, type MonitorConfigPatch } from '../../activities/audits/monitor/config-patch.js';
import { gridAfter } from '../../activities/audits/monitor/due.js';
import { rowStatus } from '../../activities/audits/monitor/row-status.js';
import { OutboundRefused, parseAllowlist, resolvePublicTarget, type Lookup } from '../../activities/shared/net-guard.js';
import { DEFAULT_THRESHOLDS } from '../../core/contracts/monitors.js';
import { checkAt, checkStats, lastCheck, lastChecksOf, recentChecks } from '../../db/queries/monitor-checks.js';
import { listIncidents, type IncidentCursor } from '../../db/queries/monitor-incidents.js';
import { deleteMonitorRow, getActiveMonitor, listMonitors, pendingAlertCount, updateMonitorRow } from '../../db/queries/monitors.js';
import type { Monitor } from '../../db/schema/monitors.js';
import { ensureMonitorSweeps } from '../../temporal-config/monitor-sweeps.js';
import { ProblemError, problemResponses } from '../problem.js';
import { intParam, safeText } from '../schemas/common.js';
import { CheckOut, checkOut, IdParam, IncidentPage, monitorBodies, MonitorDetail, MonitorOut, monitorOut } from '../schemas/monitors.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { pageFields, pageOf, pageQuery, textIdCursor } from './keyset.js';
import { decodeCursor, encodeCursor } from './watch-common.js';

const invalid = (path: string, message: string) => new ProblemError(422, 'validation-error', `1 invalid field(s): ${path}`, { errors: [{ path, message }] });

export function monitorRoutes(deps: ApiDeps, opts: { lookup?: Lookup } = {}) {
  const { config, db, temporal } = deps;
  const allow = parseAllowlist(config.OUTBOUND_ALLOWLIST);
  const bounds: [number, number] = [config.MONITOR_MIN_INTERVAL_SECONDS, config.MONITOR_MAX_INTERVAL_SECONDS];
  const { CreateMonitor, PatchMonitor } = monitorBodies(bounds);

  /** Validates an outbound URL (shape, scheme, resolvable, public or allow-listed) as field `path`. */
  async function target(path: string, raw: string) {
    try {
      return await resolvePublicTarget(raw, allow, opts.lookup);
    } catch (err) {
      if (err instanceof OutboundRefused) throw invalid(path, `${err.reason}: ${err.message}`);
      throw err;
    }
  }

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
      200: {
        description: 'A page of monitors and the total',
        content: { 'application/json': { schema: z.object({ monitors: z.array(MonitorOut), ...pageFields }) } },
      },
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

  async function activeRow(id: string): Promise<Monitor> {
    const row = await getActiveMonitor(db, id);
    if (!row) throw new ProblemError(404, 'not-found', `No monitor ${id}.`);
    return row;
  }

  return newRouter()
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      const { url } = await target('url', body.url);
      if (!body.alertEmail && !body.webhookUrl) throw invalid('alertEmail', 'a monitor needs at least one alert channel: alertEmail, webhookUrl or both');
      if (body.webhookUrl) await target('webhookUrl', body.webhookUrl);
      // the sweeps first (idempotent): a Temporal that cannot start them leaves no row behind
      await ensureMonitorSweeps(temporal, config);
      // a new or previously deleted site: its row, due at once; an active one answers 409
      const { id, host, row } = await claimMonitor(db, url, {
        intervalSeconds: body.intervalSeconds,
        alertEmail: body.alertEmail ?? null,
        webhookUrl: body.webhookUrl ?? null,
        language: body.language,
        thresholds: { ...DEFAULT_THRESHOLDS, ...body.thresholds },
        paused: body.paused,
      });
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
      const page = await listMonitors(db, { ...(domain ? { host: domain.toLowerCase() } : {}), after: textIdCursor(cursor), limit });
      const { rows, nextCursor } = pageOf(page.rows, limit, (r) => [r.id]);
      const total = page.total;
      const lasts = await lastChecksOf(
        db,
        rows.map((r) => r.id),
      );
      const byId = new Map(lasts.map((l) => [l.monitor_id, l]));
      return c.json({ monitors: rows.map((r) => monitorOut(r, byId.get(r.id) ?? null)), total, nextCursor }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = await activeRow(id);
      const last = row.last_seq > 0 ? await checkAt(db, id, row.last_seq) : undefined;
      const [stats, pending, lastRow] = await Promise.all([checkStats(db, id, row.last_seq), pendingAlertCount(db, id), lastCheck(db, id)]);
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
      if (!email && !webhook)
        throw invalid(body.alertEmail === null ? 'alertEmail' : 'webhookUrl', 'a monitor needs at least one alert channel: alertEmail, webhookUrl or both');
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
      return c.json(monitorOut(row, (await lastCheck(db, id)) ?? null), 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteMonitorRow(db, id))) throw new ProblemError(404, 'not-found', `No monitor ${id}.`);
      return c.body(null, 204);
    });
}
