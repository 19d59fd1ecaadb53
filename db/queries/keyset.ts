/**
 * The SQL side of cursor pagination, shared by the query functions and the routes
 * (api/routes/keyset.ts re-exports it): time-ordered lists page on (time, id) desc, and the time
 * goes into the cursor as integer microseconds since the epoch, exactly what a timestamptz holds.
 */
import { sql } from 'kysely';

/** A timestamptz column as integer microseconds since the epoch, as text (for a cursor). */
export const micros = (col: string) => sql<string>`(extract(epoch from ${sql.ref(col)}) * 1000000)::bigint::text`;

/** `(col, id) < cursor` for a list ordered by (col, id) desc; the cursor is [micros, id]. */
export const beforeTimeId = (col: string, idCol: string, [us, id]: unknown[]) =>
  sql<boolean>`(${sql.ref(col)}, ${sql.ref(idCol)}) < (timestamptz 'epoch' + ${String(us)}::bigint * interval '1 microsecond', ${id})`;

/** `count(*)` of a query as a number. */
export const countOf = async (q: { executeTakeFirstOrThrow(): Promise<{ n: string | number | bigint }> }) => Number((await q.executeTakeFirstOrThrow()).n);
