/**
 * POST /v1/webhooks/hubspot: HubSpot's v3 signature (HMAC-SHA256 of method + URI + raw body +
 * timestamp, keyed by the app's client secret) is checked in constant time, with a 5-minute
 * window; a bad or stale signature answers 401 and nothing is signalled. Each event id is recorded
 * in `webhook_events` (replays do nothing); the new events' objects are signalled, in the same
 * transaction, to the `hubspotEvents` batcher (signal-with-start under a fixed id).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { taskQueueFor } from '../../core/temporal.js';
import { recordWebhookEvents } from '../../db/queries/webhook-events.js';
import { HUBSPOT_SIGNATURE_V3_HEADER, HUBSPOT_TIMESTAMP_HEADER, verifyHubSpotV3 } from '../../activities/sync/hubspot-signature.js';
import { newRouter, type ApiDeps } from '../router.js';
import { ProblemError, problemResponses } from '../problem.js';
import { safeText } from '../schemas/common.js';
import { hubspotEventsWorkflowId, type hubspotEvents, type HubSpotEventRef } from '../../workflows/sync.js';

const HubSpotId = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), safeText(100, { min: 1, trim: false })]);
const Event = z.object({
  eventId: HubSpotId,
  subscriptionType: safeText(200, { trim: false }),
  objectId: HubSpotId,
  objectTypeId: safeText(50, { trim: false }).optional(),
  occurredAt: z.number().optional(),
  propertyName: safeText(200, { trim: false }).optional(),
});
const Events = z.array(Event).max(1000);

const Ack = z.object({ received: z.number(), fresh: z.number(), signalled: z.number() }).openapi('HubSpotWebhookAck');

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['sync'],
  summary: 'HubSpot webhook (signature v3 on the raw body; 5-minute window; replays do nothing)',
  responses: { 200: { description: 'Acknowledged', content: { 'application/json': { schema: Ack } } }, ...problemResponses(400, 401, 413, 503) },
});

const OBJECTS: Record<string, string> = {
  company: 'companies',
  contact: 'contacts',
  deal: 'deals',
  ticket: 'tickets',
  invoice: 'invoices',
  '0-2': 'companies',
  '0-1': 'contacts',
  '0-3': 'deals',
  '0-5': 'tickets',
  '0-53': 'invoices',
};

export function objectOfEvent(e: z.infer<typeof Event>): string | null {
  const prefix = e.subscriptionType.split('.')[0] ?? '';
  if (prefix === 'object') return e.objectTypeId ? (OBJECTS[e.objectTypeId] ?? null) : null;
  return OBJECTS[prefix] ?? null;
}

export function hubspotWebhookRoutes({ config, db, temporal }: ApiDeps) {
  return newRouter().openapi(route, async (c) => {
    const raw = await c.req.text();
    const url = new URL(c.req.url);
    const uri = config.PUBLIC_BASE_URL ? `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${url.pathname}${url.search}` : c.req.url;
    if (!config.HUBSPOT_CLIENT_SECRET)
      throw new ProblemError(
        503,
        'not-configured',
        'The HubSpot webhook is not configured: set HUBSPOT_CLIENT_SECRET (the app’s client secret, which signs HubSpot’s deliveries).',
      );
    const verdict = verifyHubSpotV3({
      secret: config.HUBSPOT_CLIENT_SECRET,
      method: c.req.method,
      uri,
      rawBody: raw,
      signature: c.req.header(HUBSPOT_SIGNATURE_V3_HEADER),
      timestamp: c.req.header(HUBSPOT_TIMESTAMP_HEADER),
      nowMs: Date.now(),
    });
    if (!verdict.ok) throw new ProblemError(401, 'unauthorized', `HubSpot signature refused (${verdict.reason}).`);

    let events: z.infer<typeof Events>;
    try {
      events = Events.parse(JSON.parse(raw));
    } catch {
      throw new ProblemError(400, 'bad-request', 'The body is not a JSON array of HubSpot events.');
    }

    const out = await db.transaction().execute(async (tx) => {
      if (!events.length) return { fresh: 0, signalled: 0 };
      const freshIds = await recordWebhookEvents(
        tx,
        events.map((e) => ({ provider: 'hubspot', event_id: String(e.eventId), event_type: e.subscriptionType })),
      );
      const refs = new Map<string, HubSpotEventRef>();
      for (const e of events) {
        if (!freshIds.has(String(e.eventId))) continue;
        const object = objectOfEvent(e);
        if (object) refs.set(`${object}:${e.objectId}`, { object, id: String(e.objectId) });
      }
      if (refs.size) {
        await temporal.workflow.signalWithStart<typeof hubspotEvents, [HubSpotEventRef[]]>('hubspotEvents', {
          workflowId: hubspotEventsWorkflowId(config.TASK_QUEUE_PREFIX),
          taskQueue: taskQueueFor('sync', config.TASK_QUEUE_PREFIX),
          args: [{ debounceMs: config.SYNC_WEBHOOK_DEBOUNCE_MS, maxWaitMs: config.SYNC_WEBHOOK_MAX_WAIT_MS }],
          signal: 'hubspotEvents',
          signalArgs: [[...refs.values()]],
        });
      }
      return { fresh: freshIds.size, signalled: refs.size };
    });
    return c.json({ received: events.length, ...out }, 200);
  });
}
