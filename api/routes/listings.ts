/**
 * Listing search: the brief's filters, keyset pagination (an opaque cursor of the sort value and
 * the id), sorting; one listing with its history and its cross-agency duplicates.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { PROPERTY_TYPES } from '../../activities/watches/match/index.js';
import { listingJson } from '../../activities/watches/store/listing-rows.js';
import type { ListingStatus } from '../../db/schema/watches.js';
import { getListing, LISTING_SORTS, searchListings, type ListingSort } from '../../db/queries/watches.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { ID_MAX, INT4_MAX, intParam, numberParam, safeText } from '../schemas/common.js';
import { LISTING_STATUSES, ListingOut } from '../schemas/watches.js';
import { pageFields } from './keyset.js';
import { csvParam, decodeCursor, encodeCursor, IdParam, isCursorValue } from './watch-common.js';

/** `surface` is numeric(10, 2). */
const SURFACE_MAX = 99_999_999.99;
const SORT_KEYS = Object.keys(LISTING_SORTS) as [ListingSort, ...ListingSort[]];

/** `status`: a comma list of statuses, `all`, or `inactive` (the earlier name of `removed`); default `active`. */
const StatusParam = csvParam
  .pipe(z.array(z.enum([...LISTING_STATUSES, 'inactive', 'all'])))
  .openapi({ description: 'Comma list of active, under_offer, sold, removed (inactive = removed), or all; default active', example: 'active,under_offer' });

function statuses(given: string[]): ListingStatus[] {
  if (given.length === 0) return ['active'];
  if (given.includes('all')) return [];
  return [...new Set(given.map((s) => (s === 'inactive' ? 'removed' : s) as ListingStatus))];
}

const Query = z.object({
  postal_code: csvParam.openapi({ description: 'Comma list of postal codes', example: '75015,75016' }),
  city: safeText(100).optional(),
  property_type: csvParam.pipe(z.array(z.enum(PROPERTY_TYPES))).openapi({ description: 'Comma list', example: 'apartment,house' }),
  property_subtype: safeText(40).optional().openapi({ description: 'e.g. studio', example: 'studio' }),
  transaction: z.enum(['sale', 'rent']).optional(),
  price_min: intParam(0, ID_MAX).optional(),
  price_max: intParam(0, ID_MAX).optional(),
  surface_min: numberParam(0, SURFACE_MAX).optional(),
  surface_max: numberParam(0, SURFACE_MAX).optional(),
  rooms_min: intParam(0, INT4_MAX).optional(),
  rooms_max: intParam(0, INT4_MAX).optional(),
  q: safeText(200).optional().openapi({ description: 'Words in the title or description' }),
  source_id: intParam(1, ID_MAX).optional(),
  status: StatusParam,
  include_duplicates: z.enum(['true', 'false']).default('false'),
  sort: z.enum(SORT_KEYS).default('newest'),
  limit: intParam(1, 100).default(20),
  cursor: safeText(500).optional(),
});

const History = z.object({
  event: z.string(),
  runId: z.number().int().nullable(),
  changes: z.record(z.string(), z.unknown()),
  priceOld: z.number().nullable(),
  priceNew: z.number().nullable(),
  at: z.string(),
});
const ListingDetail = ListingOut.extend({
  missedRuns: z.number().int(),
  removedAt: z.string().nullable(),
  duplicateEvidence: z.record(z.string(), z.unknown()).nullable(),
  history: z.array(History),
  duplicates: z.array(
    z.object({ id: z.number().int(), sourceId: z.number().int(), sourceUrl: z.string(), evidence: z.record(z.string(), z.unknown()).nullable() }),
  ),
}).openapi('ListingDetail');

const tags = ['watches'];
const search = createRoute({
  method: 'get',
  path: '/',
  tags,
  security: SECURITY,
  summary: 'Search listings (filters, sorting, keyset pagination, with the total)',
  request: { query: Query },
  responses: {
    200: { description: 'A page of listings', content: { 'application/json': { schema: z.object({ items: z.array(ListingOut), ...pageFields }) } } },
    ...problemResponses(401, 422),
  },
});
const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  security: SECURITY,
  summary: 'One listing with its history and duplicates',
  request: { params: IdParam },
  responses: { 200: { description: 'The listing', content: { 'application/json': { schema: ListingDetail } } }, ...problemResponses(401, 404, 422) },
});

export function listingRoutes({ db }: ApiDeps) {
  return newRouter()
    .openapi(search, async (c) => {
      const q = c.req.valid('query');
      // [sort value, id]: the id a positive integer, so that a tampered cursor is a 422, not a PostgreSQL error
      const cursor = decodeCursor(q.cursor, 2, (x, i) => isCursorValue(x) && (i === 0 || (typeof x === 'number' && x > 0)));
      const { rows, total, sortCol } = await searchListings(
        db,
        {
          postalCodes: q.postal_code,
          city: q.city,
          propertyTypes: q.property_type,
          propertySubtype: q.property_subtype,
          transaction: q.transaction,
          priceMin: q.price_min,
          priceMax: q.price_max,
          surfaceMin: q.surface_min,
          surfaceMax: q.surface_max,
          roomsMin: q.rooms_min,
          roomsMax: q.rooms_max,
          words: (q.q ?? '').split(/\s+/).filter(Boolean).slice(0, 10),
          sourceId: q.source_id,
          statuses: statuses(q.status),
          includeDuplicates: q.include_duplicates === 'true',
        },
        q.sort,
        cursor,
        q.limit,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const nextCursor = rows.length > q.limit && last ? encodeCursor([sortCol === 'id' ? last.id : String(last[sortCol]), last.id]) : null;
      return c.json({ items: page.map(listingJson), total, nextCursor }, 200);
    })
    .openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const found = await getListing(db, id);
      if (!found) throw new ProblemError(404, 'not-found', `no listing ${id}`);
      const { row, history, duplicates } = found;
      return c.json(
        {
          ...listingJson(row),
          missedRuns: row.missed_runs,
          removedAt: row.removed_at?.toISOString() ?? null,
          duplicateEvidence: (row.duplicate_evidence ?? null) as Record<string, unknown> | null,
          history: history.map((h) => ({
            event: h.event,
            runId: h.run_id,
            changes: h.changes,
            priceOld: h.price_old,
            priceNew: h.price_new,
            at: h.at.toISOString(),
          })),
          duplicates: duplicates.map((d) => ({
            id: d.id,
            sourceId: d.source_id,
            sourceUrl: d.source_url,
            evidence: (d.duplicate_evidence ?? null) as Record<string, unknown> | null,
          })),
        },
        200,
      );
    });
}
