/**
 * Concierge orders: place one (the `conciergeOrder` saga starts, workflow id = order id), follow
 * it (phase, timeline, ETA), upload its site archive, choose an alternative domain.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { queryWithin } from '../../core/temporal-query.js';
import { SA, taskQueueFor } from '../../core/temporal.js';
import { ArchiveError, extractSiteArchive } from '../../activities/concierge/archive.js';
import { siteDirs } from '../../activities/concierge/site-dirs.js';
import { DomainChoiceSchema, OrderInputSchema, type SiteSpec } from '../../activities/concierge/order-validation.js';
import { estimateEta, isTerminal } from '../../activities/concierge/timeline.js';
import { FLOW_PHASES, type OrderPhase } from '../../core/contracts/concierge.js';
import { deleteOrder, getOrder, insertOrder, timelineOf, updateOrder } from '../../db/queries/concierge-orders.js';
import { conciergeWorkflowInput } from '../../activities/concierge/workflow-input.js';
import type { ConciergeStatus, conciergeOrder } from '../../workflows/concierge.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { ProblemError, problemResponses } from '../problem.js';

const OrderIdParam = z.object({
  id: z
    .string()
    .regex(/^ord_[a-z0-9]{20}$/, 'an order id looks like ord_ followed by 20 letters or digits')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ord_3k9f0a1b2c3d4e5f6g7h' }),
});

const Placed = z.object({ orderId: z.string(), statusUrl: z.string(), siteUploadUrl: z.string().nullable() }).openapi('ConciergeOrderPlaced');

const TimelineEntrySchema = z.object({ phase: z.string(), at: z.string(), detail: z.string().optional() });
const OrderView = z
  .object({
    orderId: z.string(),
    phase: z.string(),
    workflowStatus: z.string().nullable(),
    businessName: z.string(),
    desiredDomain: z.string(),
    domain: z.string(),
    plan: z.string(),
    urgent: z.boolean(),
    priceCents: z.number().nullable(),
    currency: z.string(),
    timeline: z.array(TimelineEntrySchema),
    eta: z.string().nullable(),
    sla: z.object({ startedAt: z.string(), deadline: z.string(), alertAt: z.string() }).nullable(),
    checkoutUrl: z.string().nullable(),
    alternatives: z.array(z.string()),
    liveUrl: z.string().nullable(),
    attention: z.string().nullable(),
    failure: z.string().nullable(),
  })
  .openapi('ConciergeOrder');

const place = createRoute({
  method: 'post',
  path: '/orders',
  tags: ['concierge'],
  summary: 'Place an order: validated, stored, and its saga started',
  security: SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: OrderInputSchema } } } },
  responses: {
    202: { description: 'Accepted; follow statusUrl', content: { 'application/json': { schema: Placed } } },
    ...problemResponses(400, 401, 413, 422, 503),
  },
});

const get = createRoute({
  method: 'get',
  path: '/orders/{id}',
  tags: ['concierge'],
  summary: 'An order: phase, timeline with timestamps, ETA, SLA',
  security: SECURITY,
  request: { params: OrderIdParam },
  responses: { 200: { description: 'The order', content: { 'application/json': { schema: OrderView } } }, ...problemResponses(401, 404, 422) },
});

const upload = createRoute({
  method: 'post',
  path: '/orders/{id}/site',
  tags: ['concierge'],
  summary: 'Upload the site of an `archive` order (a zip with index.html; size-limited, path-traversal safe)',
  security: SECURITY,
  request: {
    params: OrderIdParam,
    body: { required: true, content: { 'application/zip': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } },
  },
  responses: {
    200: {
      description: 'Extracted',
      content: { 'application/json': { schema: z.object({ orderId: z.string(), files: z.array(z.string()), bytes: z.number() }) } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 422),
  },
});

const choose = createRoute({
  method: 'post',
  path: '/orders/{id}/domain',
  tags: ['concierge'],
  summary: 'Choose one of the proposed alternative domains (an update the workflow validates)',
  security: SECURITY,
  request: { params: OrderIdParam, body: { required: true, content: { 'application/json': { schema: DomainChoiceSchema } } } },
  responses: {
    200: { description: 'Chosen', content: { 'application/json': { schema: z.object({ orderId: z.string(), domain: z.string() }) } } },
    ...problemResponses(400, 401, 404, 409, 422),
  },
});

/** Phases in which a site archive can still be (re)placed. */
const UPLOAD_OPEN: OrderPhase[] = [
  'received',
  'checking-domain',
  'awaiting-domain-choice',
  'awaiting-site',
  'awaiting-payment',
  'registering',
  'configuring-dns',
];

async function queryStatus(temporal: Client, id: string, timeoutMs = 3000): Promise<{ state: ConciergeStatus | null; workflowStatus: string | null }> {
  try {
    const desc = await temporal.workflow.getHandle(id).describe();
    const q = await queryWithin<ConciergeStatus>(temporal, id, desc.runId, 'status', timeoutMs);
    return { state: q.ok ? q.value : null, workflowStatus: desc.status.name };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { state: null, workflowStatus: null };
    throw err;
  }
}

export function conciergeRoutes(deps: ApiDeps) {
  const { db, temporal, config } = deps;
  const mustOrder = async (id: string) => {
    const o = await getOrder(db, id);
    if (!o) throw new ProblemError(404, 'not-found', `No concierge order ${id}.`);
    return o;
  };

  return newRouter()
    .openapi(place, async (c) => {
      const input = c.req.valid('json');
      const orderId = `ord_${randomBytes(16).toString('hex').slice(0, 20)}`;
      await insertOrder(db, orderId, input, config.CONCIERGE_CURRENCY);
      try {
        await temporal.workflow.start<typeof conciergeOrder>('conciergeOrder', {
          workflowId: orderId,
          taskQueue: taskQueueFor('concierge', config.TASK_QUEUE_PREFIX),
          args: [conciergeWorkflowInput(config, orderId)],
          typedSearchAttributes: [
            { key: SA.family, value: 'concierge' },
            { key: SA.customer, value: input.contactEmail },
            { key: SA.domain, value: input.desiredDomain },
            { key: SA.status, value: 'received' },
          ],
        });
      } catch (err) {
        await deleteOrder(db, orderId);
        throw err;
      }
      const statusUrl = `/v1/concierge/orders/${orderId}`;
      c.header('Location', statusUrl);
      return c.json({ orderId, statusUrl, siteUploadUrl: input.site.kind === 'archive' ? `${statusUrl}/site` : null }, 202);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const o = await mustOrder(id);
      const timeline = await timelineOf(db, id);
      const { state, workflowStatus } = await queryStatus(temporal, id);
      const phase = (state?.phase ?? o.phase) as OrderPhase;
      const lastAt = timeline.length ? new Date(timeline[timeline.length - 1]!.at) : o.created_at;
      const eta =
        state?.eta ??
        (FLOW_PHASES.includes(phase as never) && !isTerminal(phase) ? (estimateEta(phase, lastAt, undefined, new Date())?.toISOString() ?? null) : null);
      return c.json(
        {
          orderId: id,
          phase,
          workflowStatus,
          businessName: o.business_name,
          desiredDomain: o.desired_domain,
          domain: o.domain,
          plan: o.plan,
          urgent: o.urgent,
          priceCents: o.price_cents,
          currency: o.currency,
          timeline,
          eta,
          sla: state?.sla ?? null,
          checkoutUrl: state?.checkoutUrl ?? null,
          alternatives: state?.alternatives.length ? state.alternatives : (o.alternatives ?? []),
          liveUrl: o.live_url,
          attention: state?.attention ?? null,
          failure: state?.failure ?? o.failure,
        },
        200,
      );
    })
    .openapi(upload, async (c) => {
      const { id } = c.req.valid('param');
      const o = await mustOrder(id);
      if ((o.site as SiteSpec).kind !== 'archive') throw new ProblemError(409, 'conflict', `Order ${id} publishes the built-in template; it takes no archive.`);
      if (!UPLOAD_OPEN.includes(o.phase as OrderPhase))
        throw new ProblemError(409, 'conflict', `Order ${id} is ${o.phase}; the site can no longer be replaced.`);
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/zip' && type !== 'application/octet-stream')
        throw new ProblemError(400, 'bad-request', 'Send the archive as the raw body with Content-Type: application/zip.');
      const max = config.CONCIERGE_ARCHIVE_MAX_BYTES;
      const declared = Number(c.req.header('content-length') ?? '0');
      if (declared > max) throw new ProblemError(413, 'payload-too-large', `The archive exceeds ${max} bytes.`);
      const body = Buffer.from(await c.req.arrayBuffer());
      if (body.length > max) throw new ProblemError(413, 'payload-too-large', `The archive exceeds ${max} bytes.`);
      if (body.length === 0) throw new ProblemError(400, 'bad-request', 'The body is empty.');
      const tmp = await mkdtemp(join(tmpdir(), 'concierge-upload-'));
      try {
        const zipPath = join(tmp, 'site.zip');
        await writeFile(zipPath, body);
        const dest = siteDirs(config, id).uploads;
        const res = await extractSiteArchive(zipPath, dest, {
          maxFiles: config.CONCIERGE_ARCHIVE_MAX_FILES,
          maxUnpackedBytes: config.CONCIERGE_ARCHIVE_MAX_UNPACKED_BYTES,
        }).catch((err: unknown) => {
          if (err instanceof ArchiveError) {
            if (err.code === 'too-large' || err.code === 'too-many-files') throw new ProblemError(413, 'payload-too-large', err.message);
            throw new ProblemError(422, 'validation-error', err.message, { errors: [{ path: '(body)', message: err.message }] });
          }
          throw err;
        });
        await updateOrder(db, id, { site_dir: dest });
        await temporal.workflow
          .getHandle(id)
          .signal('siteUploaded')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
        return c.json({ orderId: id, files: res.files, bytes: res.bytes }, 200);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    })
    .openapi(choose, async (c) => {
      const { id } = c.req.valid('param');
      const { domain } = c.req.valid('json');
      const order = await mustOrder(id);
      // past the choice for good: answered from the order's row, without asking the workflow
      if (!['received', 'checking-domain', 'awaiting-domain-choice'].includes(order.phase))
        throw new ProblemError(
          409,
          'conflict',
          `Order ${id} is ${order.phase}: a domain is chosen only while it awaits the choice (its desired domain was taken).`,
        );
      try {
        const res = await temporal.workflow.getHandle(id).executeUpdate<{ domain: string }, [{ domain: string }]>('chooseDomain', { args: [{ domain }] });
        return c.json({ orderId: id, domain: res.domain }, 200);
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw new ProblemError(409, 'conflict', err.cause?.message ?? err.message);
        if (err instanceof WorkflowNotFoundError) throw new ProblemError(409, 'conflict', `Order ${id} is no longer running.`);
        throw err;
      }
    });
}
