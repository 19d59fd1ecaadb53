/**
 * The listing event feed across sources: `GET /v1/events?since=&until=&source=&type=&cursor=&limit=`,
 * newest first by (time, id), cursor-paginated with the total. Each event names its listing,
 * source and run, and carries what changed (old / new price for price changes).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { LISTING_EVENTS } from '../../db/schema/watches.js';
import { listListingEvents, type EventFilter } from '../../db/queries/watches.js';
import type { Queryable } from '../../db/queries/types.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { dateTime, ID_MAX, intParam } from '../schemas/common.js';
import { eventJson, ListingEventOut } from '../schemas/watches.js';
import { pageFields, pageOf, pageQuery, timeNumIdCursor } from './keyset.js';
import { csvParam } from './watch-common.js';

/** `type`: a comma list of event types. */
export const EventTypesParam = csvParam
  .pipe(z.array(z.enum(LISTING_EVENTS)))
  .openapi({ description: `Comma list of ${LISTING_EVENTS.join(', ')}; all when absent`, example: 'price_change,sold' });

export const EventPage = z.object({ items: z.array(ListingEventOut), ...pageFields }).openapi('ListingEventPage');

/** One page of events under `filter`: the items, the total and the cursor of the next page. */
export async function eventsPage(db: Queryable, filter: EventFilter, cursor: string | undefined, limit: number) {
  const { rows: all, total } = await listListingEvents(db, filter, timeNumIdCursor(cursor), limit);
  const { rows, nextCursor } = pageOf(all, limit, (r) => [r.at_us, r.id]);
  return { items: rows.map(eventJson), total, nextCursor };
}

const Query = z.object({
  since: dateTime().optional().openapi({ description: 'Events at or after this instant (RFC 3339)', example: '2026-12-01T00:00:00+01:00' }),
  until: dateTime().optional().openapi({ description: 'Events before this instant (RFC 3339)', example: '2026-12-08T00:00:00+01:00' }),
  source: intParam(1, ID_MAX).optional().openapi({ description: 'A source id', example: 1 }),
  type: EventTypesParam,
  ...pageQuery(200, 50),
});

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['watches'],
  security: SECURITY,
  summary: 'Listing events across sources (new / price_change / updated / sold / removed / reactivated), newest first',
  request: { query: Query },
  responses: {
    200: { description: 'A page of events and the total under the same filters', content: { 'application/json': { schema: EventPage } } },
    ...problemResponses(401, 422),
  },
});

export function eventRoutes({ db }: ApiDeps) {
  return newRouter().openapi(list, async (c) => {
    const q = c.req.valid('query');
    if (q.since && q.until && Date.parse(q.since) > Date.parse(q.until)) {
      throw new ProblemError(422, 'validation-error', 'since must not be after until', { errors: [{ path: 'since', message: 'must not be after until' }] });
    }
    const page = await eventsPage(db, { since: q.since, until: q.until, sourceId: q.source, types: q.type }, q.cursor, q.limit);
    return c.json(page, 200);
  });
}
