/**
 * Listing search: the brief's filters, keyset pagination (an opaque cursor of the sort value and
 * the id), sorting; one listing with its history and its cross-agency duplicates.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { sql, type Expression, type SqlBool } from 'kysely';
import { PROPERTY_TYPES } from '../../activities/watches/match/index.js';
import { listingJson } from '../../activities/watches/store/listing-rows.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { ID_MAX, INT4_MAX, intParam, numberParam, safeText } from '../schemas/common.js';
import { countOf, pageFields } from './keyset.js';
import { csvParam, decodeCursor, encodeCursor, IdParam, isCursorValue, Json } from './watch-common.js';

const SORTS = {
  newest: { col: 'id', dir: 'desc' },
  oldest: { col: 'id', dir: 'asc' },
  price_asc: { col: 'price', dir: 'asc' },
  price_desc: { col: 'price', dir: 'desc' },
  surface_asc: { col: 'surface', dir: 'asc' },
  surface_desc: { col: 'surface', dir: 'desc' },
} as const;

/** `surface` is numeric(10, 2). */
const SURFACE_MAX = 99_999_999.99;

const Query = z.object({
  postal_code: csvParam.openapi({ description: 'Comma list of postal codes', example: '75015,75016' }),
  city: safeText(100).optional(),
  property_type: csvParam.pipe(z.array(z.enum(PROPERTY_TYPES))).openapi({ description: 'Comma list', example: 'apartment,house' }),
  transaction: z.enum(['sale', 'rent']).optional(),
  price_min: intParam(0, ID_MAX).optional(),
  price_max: intParam(0, ID_MAX).optional(),
  surface_min: numberParam(0, SURFACE_MAX).optional(),
  surface_max: numberParam(0, SURFACE_MAX).optional(),
  rooms_min: intParam(0, INT4_MAX).optional(),
  rooms_max: intParam(0, INT4_MAX).optional(),
  q: safeText(200).optional().openapi({ description: 'Words in the title or description' }),
  source_id: intParam(1, ID_MAX).optional(),
  status: z.enum(['active', 'inactive', 'all']).default('active'),
  include_duplicates: z.enum(['true', 'false']).default('false'),
  sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS, ...Array<keyof typeof SORTS>]).default('newest'),
  limit: intParam(1, 100).default(20),
  cursor: safeText(500).optional(),
});

const tags = ['watches'];
const search = createRoute({
  method: 'get', path: '/', tags, security: SECURITY, summary: 'Search listings (filters, sorting, keyset pagination, with the total)',
  request: { query: Query },
  responses: { 200: { description: 'A page of listings', content: { 'application/json': { schema: z.object({ items: z.array(Json), ...pageFields }) } } }, ...problemResponses(401, 422) },
});
const getOne = createRoute({
  method: 'get', path: '/{id}', tags, security: SECURITY, summary: 'One listing with its history and duplicates',
  request: { params: IdParam },
  responses: { 200: { description: 'The listing', content: { 'application/json': { schema: Json } } }, ...problemResponses(401, 404, 422) },
});

export function listingRoutes({ db }: ApiDeps) {
  return newRouter()
    .openapi(search, async (c) => {
      const q = c.req.valid('query');
      const sort = SORTS[q.sort];
      // [sort value, id]: the id a positive integer, so that a tampered cursor is a 422, not a PostgreSQL error
      const cursor = decodeCursor(q.cursor, 2, (x, i) => isCursorValue(x) && (i === 0 || (typeof x === 'number' && x > 0)));
      const base = db
        .selectFrom('watch_listings as l')
        .where((eb) => {
          const and: Expression<SqlBool>[] = [];
          if (q.status !== 'all') and.push(eb('l.status', '=', q.status));
          if (q.include_duplicates === 'false') and.push(eb('l.duplicate_of', 'is', null));
          if (q.postal_code.length) and.push(eb('l.postal_code', 'in', q.postal_code));
          if (q.city) and.push(sql<SqlBool>`lower(l.city) = lower(${q.city})`);
          if (q.property_type.length) and.push(eb('l.property_type', 'in', q.property_type));
          if (q.transaction) and.push(eb('l.transaction', '=', q.transaction));
          if (q.price_min !== undefined) and.push(eb('l.price', '>=', q.price_min));
          if (q.price_max !== undefined) and.push(eb('l.price', '<=', q.price_max));
          if (q.surface_min !== undefined) and.push(sql<SqlBool>`l.surface >= ${q.surface_min}`);
          if (q.surface_max !== undefined) and.push(sql<SqlBool>`l.surface <= ${q.surface_max}`);
          if (q.rooms_min !== undefined) and.push(eb('l.rooms', '>=', q.rooms_min));
          if (q.rooms_max !== undefined) and.push(eb('l.rooms', '<=', q.rooms_max));
          if (q.source_id !== undefined) and.push(eb('l.source_id', '=', q.source_id));
          for (const word of (q.q ?? '').split(/\s+/).filter(Boolean).slice(0, 10)) {
            const like = `%${word.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
            and.push(sql<SqlBool>`(l.title ilike ${like} or l.description ilike ${like})`);
          }
          // sorting by a nullable column lists only rows that have it (keyset needs a total order)
          if (sort.col !== 'id') and.push(eb(`l.${sort.col}`, 'is not', null));
          return eb.and(and);
        });
      const op = sql.raw(sort.dir === 'asc' ? '>' : '<');
      const after = !cursor
        ? base
        : sort.col === 'id'
          ? base.where(sql<SqlBool>`l.id ${op} ${Number(cursor[1])}`)
          : base.where(sql<SqlBool>`(l.${sql.raw(sort.col)}, l.id) ${op} (${String(cursor[0])}::numeric, ${Number(cursor[1])})`);
      const [rows, total] = await Promise.all([
        after
          .selectAll()
          .orderBy(`l.${sort.col}`, sort.dir)
          .$if(sort.col !== 'id', (qb) => qb.orderBy('l.id', sort.dir))
          .limit(q.limit + 1)
          .execute(),
        countOf(base.select((eb) => eb.fn.countAll<string>().as('n'))),
      ]);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const nextCursor = rows.length > q.limit && last ? encodeCursor([sort.col === 'id' ? last.id : String(last[sort.col]), last.id]) : null;
      return c.json({ items: page.map(listingJson), total, nextCursor }, 200);
    })
    .openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const row = await db.selectFrom('watch_listings').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new ProblemError(404, 'not-found', `no listing ${id}`);
      const history = await db.selectFrom('watch_listing_history').selectAll().where('listing_id', '=', id).orderBy('id').execute();
      const dups = await db.selectFrom('watch_listings').select(['id', 'source_id', 'source_url', 'duplicate_evidence']).where('duplicate_of', '=', id).orderBy('id').execute();
      return c.json(
        {
          ...listingJson(row),
          missedRuns: row.missed_runs,
          removedAt: row.removed_at?.toISOString() ?? null,
          duplicateEvidence: (row.duplicate_evidence ?? null) as Record<string, string> | null,
          history: history.map((h) => ({ event: h.event, runId: h.run_id, changes: h.changes as Record<string, Record<string, string>>, priceOld: h.price_old, priceNew: h.price_new, at: h.at.toISOString() })),
          duplicates: dups.map((d) => ({ id: d.id, sourceId: d.source_id, sourceUrl: d.source_url, evidence: (d.duplicate_evidence ?? null) as Record<string, string> | null })),
        },
        200,
      );
    });
}
