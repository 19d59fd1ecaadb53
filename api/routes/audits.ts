/**
 * Hosting audits: POST starts a `hostingAudit` workflow (202 with its id); GET answers the JSON
 * report (202 with the workflow's status while it runs), the HTML report (French, or English with
 * ?lang=en, with the screenshot) and the list of a domain's audits.
 *
 * Targets are checked before anything starts: a malformed URL, a scheme other than http(s), or a
 * host resolving to a private / loopback / link-local address (unless OUTBOUND_ALLOWLIST names it)
 * answers 422. A name that does not resolve is audited all the same: the report says so.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { browserPool } from '../../activities/audits/hosting/index.js';
import { createAuditResolver } from '../../activities/audits/hosting/resolver.js';
import { renderReportHtml } from '../../activities/audits/hosting/report-html.js';
import type { AuditReport } from '../../activities/audits/hosting/report.js';
import { OutboundRefused, parseAllowlist, resolvePublicTarget } from '../../activities/shared/net-guard.js';
import { html, htmlString } from '../../core/html.js';
import { taskQueueFor } from '../../core/temporal.js';
import { deleteRunningAudit, getAudit, insertRunningAudit, listAudits, screenshotOf } from '../../db/queries/audits.js';
import type { AuditReportRow } from '../../db/schema/audit-reports.js';
import type { hostingAudit, HostingAuditStatus } from '../../workflows/hosting-audit.js';
import { ProblemError, problemResponses } from '../problem.js';
import { safeText } from '../schemas/common.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { pageFields, pageOf, pageQuery, timeIdCursor } from './keyset.js';

const StartAudit = z
  .object({
    url: safeText(2048, { min: 1 }).openapi({ example: 'https://www.example.fr/' }),
    options: z
      .object({
        browser: z.boolean().default(true).openapi({ description: 'Load the page in Chromium (timings, requests, screenshot)' }),
        samples: z.number().int().min(1).max(10).default(3).openapi({ description: 'HTTP timing samples; the median is reported' }),
      })
      .strict()
      .default({ browser: true, samples: 3 }),
  })
  .strict()
  .openapi('StartAudit');

const Started = z.object({ id: z.string(), status: z.literal('running'), statusUrl: z.string(), reportUrl: z.string() }).openapi('StartedAudit');

const AuditSummary = z
  .object({
    id: z.string(),
    url: z.string(),
    domain: z.string(),
    status: z.enum(['running', 'completed', 'failed']),
    verdict: z.enum(['incompatible', 'minimum', 'recommended', 'enterprise']).nullable(),
    score: z.number().nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('AuditSummary');

const AuditOut = AuditSummary.extend({
  report: z.unknown().nullable().openapi({ description: 'The full report: probes, provider, criteria, verdict, recommendations' }),
  state: z.unknown().nullable().openapi({ description: "While running: the workflow's `status` query" }),
}).openapi('Audit');

const IdParam = z.object({
  id: z
    .string()
    .regex(/^audit-[0-9a-f-]{36}$/)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'audit-5f0c8a9e-…' }),
});

const start = createRoute({
  method: 'post',
  path: '/',
  tags: ['audits'],
  summary: 'Start a hosting audit of a site',
  security: SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: StartAudit } } } },
  responses: { 202: { description: 'Started', content: { 'application/json': { schema: Started } } }, ...problemResponses(400, 401, 413, 422, 503) },
});

const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['audits'],
  summary: 'The audit report as JSON (202 with the progress while it runs)',
  security: SECURITY,
  request: { params: IdParam },
  responses: {
    200: { description: 'The finished audit', content: { 'application/json': { schema: AuditOut } } },
    202: { description: 'Still running', content: { 'application/json': { schema: AuditOut } } },
    ...problemResponses(401, 404, 409, 422),
  },
});

const getHtml = createRoute({
  method: 'get',
  path: '/{id}/report',
  tags: ['audits'],
  summary: 'The audit report as an HTML page (French; English with ?lang=en)',
  security: SECURITY,
  request: { params: IdParam, query: z.object({ lang: z.enum(['fr', 'en']).default('fr') }) },
  responses: {
    200: { description: 'The report', content: { 'text/html': { schema: z.string() } } },
    202: { description: 'Still running (the page refreshes itself)', content: { 'text/html': { schema: z.string() } } },
    ...problemResponses(401, 404, 409, 422),
  },
});

const getPdf = createRoute({
  method: 'get',
  path: '/{id}/report.pdf',
  tags: ['audits'],
  summary: 'The audit report as a PDF (Chromium’s print of the HTML report; French, English with ?lang=en), to send to a customer',
  security: SECURITY,
  request: { params: IdParam, query: z.object({ lang: z.enum(['fr', 'en']).default('fr') }) },
  responses: {
    200: { description: 'The report', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...problemResponses(401, 404, 409, 422, 503),
  },
});

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['audits'],
  summary: 'Audits, newest first, optionally of one domain (keyset pagination, with the total)',
  security: SECURITY,
  request: {
    query: z.object({
      domain: safeText(253, { min: 1 }).toLowerCase().optional().openapi({ example: 'www.example.fr' }),
      ...pageQuery(200, 50),
    }),
  },
  responses: {
    200: {
      description: 'A page of audits and the total',
      content: { 'application/json': { schema: z.object({ audits: z.array(AuditSummary), ...pageFields }) } },
    },
    ...problemResponses(401, 422),
  },
});

const summary = (r: AuditReportRow) => ({
  id: r.id,
  url: r.url,
  domain: r.domain,
  status: r.status,
  verdict: r.verdict as z.infer<typeof AuditSummary>['verdict'],
  score: r.score,
  createdAt: r.created_at.toISOString(),
  completedAt: r.completed_at ? r.completed_at.toISOString() : null,
});

export function auditRoutes({ temporal, config, db }: ApiDeps) {
  const allow = parseAllowlist(config.OUTBOUND_ALLOWLIST);
  const { lookup } = createAuditResolver(config.DNS_SERVERS);

  async function row(id: string): Promise<AuditReportRow> {
    const r = await getAudit(db, id);
    if (!r) throw new ProblemError(404, 'not-found', `No audit ${id}.`);
    if (r.status === 'failed')
      throw new ProblemError(409, 'conflict', `Audit ${id} failed: ${(r.report as { error?: string } | null)?.error ?? 'unknown error'}`);
    return r;
  }
  async function progress(id: string): Promise<HostingAuditStatus | null> {
    try {
      return await temporal.workflow.getHandle(id).query<HostingAuditStatus>('status');
    } catch {
      return null;
    }
  }

  return newRouter()
    .openapi(start, async (c) => {
      const { url, options } = c.req.valid('json');
      let domain: string;
      try {
        domain = (await resolvePublicTarget(url, allow, lookup)).host;
      } catch (err) {
        if (!(err instanceof OutboundRefused)) throw err;
        if (err.reason !== 'unresolvable') throw new ProblemError(422, 'validation-error', err.message, { errors: [{ path: 'url', message: err.message }] });
        domain = new URL(url).hostname.toLowerCase();
      }
      const id = `audit-${randomUUID()}`;
      // the row first: with PostgreSQL down this answers 503 and nothing starts; the workflow's own
      // writes upsert, so a fast audit's report is never overwritten by this `running` row
      await insertRunningAudit(db, { id, url: new URL(url).toString(), domain });
      try {
        await temporal.workflow.start<typeof hostingAudit>('hostingAudit', {
          workflowId: id,
          taskQueue: taskQueueFor('audits', config.TASK_QUEUE_PREFIX),
          args: [{ url: new URL(url).toString(), options }],
        });
      } catch (err) {
        // not started (Temporal unreachable): no `running` row is left behind for an audit that never runs
        await deleteRunningAudit(db, id).catch(() => undefined);
        throw err;
      }
      const statusUrl = `/v1/audits/${id}`;
      c.header('Location', statusUrl);
      return c.json({ id, status: 'running' as const, statusUrl, reportUrl: `${statusUrl}/report` }, 202);
    })
    .openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const r = await row(id);
      if (r.status === 'running') return c.json({ ...summary(r), report: null, state: await progress(id) }, 202);
      return c.json({ ...summary(r), report: r.report, state: null }, 200);
    })
    .openapi(getHtml, async (c) => {
      const { id } = c.req.valid('param');
      const { lang } = c.req.valid('query');
      const r = await row(id);
      if (r.status === 'running') {
        const msg = lang === 'en' ? 'Audit in progress…' : 'Audit en cours…';
        return c.html(
          htmlString(
            html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>${msg}</title></head><body><p>${msg}</p></body></html>`,
          ),
          202,
        );
      }
      return c.html(renderReportHtml(r.report as AuditReport, lang, await screenshotOf(db, id)), 200);
    })
    .openapi(getPdf, async (c) => {
      const { id } = c.req.valid('param');
      const { lang } = c.req.valid('query');
      const r = await row(id);
      if (r.status === 'running') throw new ProblemError(409, 'conflict', `Audit ${id} is still running: its PDF exists once it completes.`);
      const shot = await screenshotOf(db, id);
      let pdf: Buffer;
      try {
        pdf = await browserPool(config).printPdf(renderReportHtml(r.report as AuditReport, lang, shot), config.AUDIT_TIMEOUT_MS * 3);
      } catch (err) {
        throw new ProblemError(
          503,
          'service-unavailable',
          `The PDF could not be printed (Chromium: ${(err as Error).message.split('\n')[0]!.slice(0, 200)}); the HTML report is at /v1/audits/${id}/report.`,
        );
      }
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="audit-${r.domain.replace(/[^a-z0-9.-]/gi, '_')}-${lang}.pdf"`,
      });
    })
    .openapi(list, async (c) => {
      const { domain, limit, cursor } = c.req.valid('query');
      const { rows, total } = await listAudits(db, { ...(domain ? { domain } : {}), before: timeIdCursor(cursor), limit });
      const page = pageOf(rows, limit, (r) => [r.us, r.id]);
      return c.json({ audits: page.rows.map(({ us: _us, ...r }) => summary({ ...r, report: null })), total, nextCursor: page.nextCursor }, 200);
    });
}
