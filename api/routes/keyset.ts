/**
 * Cursor pagination shared by the list routes (the watches' convention): `limit` + opaque `cursor`
 * query parameters, `total` (count under the same filters) and `nextCursor` (null on the last page)
 * next to the route's items. Time-ordered lists page on (time, id) desc; the time goes into the
 * cursor as integer microseconds since the epoch, exactly what a timestamptz holds.
 */
import { z } from '@hono/zod-openapi';
import { intParam, safeText } from '../schemas/common.js';
import { decodeCursor, encodeCursor } from './watch-common.js';

const isId = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;
const isTextId = (x: unknown) => typeof x === 'string' && /^[a-z][a-z0-9._:-]{0,254}$/i.test(x);
/** Microseconds since the epoch that a timestamptz holds (years 1685 to 2255). */
const isMicros = (x: unknown) => typeof x === 'string' && /^-?\d{1,16}$/.test(x) && Math.abs(Number(x)) <= Number.MAX_SAFE_INTEGER;

/** The cursor of a list keyed by a numeric id: the id after which the next page starts; 422 if tampered. */
export const idCursor = (cursor: string | undefined) => (decodeCursor(cursor, 1, isId)?.[0] as number | undefined) ?? null;
/** The cursor of a list keyed by a text id ("monitor-example.fr"). */
export const textIdCursor = (cursor: string | undefined) => (decodeCursor(cursor, 1, isTextId)?.[0] as string | undefined) ?? null;
/** The cursor of a list ordered by (time, id) desc: [micros, id], the id numeric or text. */
export const timeIdCursor = (cursor: string | undefined) => decodeCursor(cursor, 2, (x, i) => (i === 0 ? isMicros(x) : isId(x) || isTextId(x)));
/** The cursor of a list ordered by (time, id) desc whose id is a bigint: [micros, id]. */
export const timeNumIdCursor = (cursor: string | undefined) => decodeCursor(cursor, 2, (x, i) => (i === 0 ? isMicros(x) : isId(x)));

/** `limit` (1..max, default `dflt`) and `cursor` query parameters. */
export const pageQuery = (max: number, dflt: number) => ({ limit: intParam(1, max).default(dflt), cursor: safeText(200).optional() });

/** The response fields next to a page's items. */
export const pageFields = { total: z.number().int(), nextCursor: z.string().nullable() };

export { beforeTimeId, countOf, micros } from '../../db/queries/keyset.js';

/** The first `limit` of `rows` (fetched with limit + 1) and the cursor after the last of them. */
export function pageOf<R>(rows: R[], limit: number, cursorOf: (last: R) => unknown[]): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? encodeCursor(cursorOf(page[page.length - 1]!)) : null };
}
