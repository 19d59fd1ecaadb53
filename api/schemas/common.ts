/**
 * Building blocks of every request schema: what PostgreSQL and the workflows can hold, stated once.
 *
 * - Text: PostgreSQL `text` refuses U+0000 and the wire is UTF-8, so no string may hold a NUL or a
 *   lone surrogate (`"\ud800"` in JSON); every string has a maximum length.
 * - Integers: `integer` columns hold int4, `bigint` / `bigserial` ones int8; JavaScript numbers are
 *   exact up to 2^53 - 1, so ids stop there.
 * - Date-times: RFC 3339 with an offset, year 0001 to 9999, offset within ±14:00 (PostgreSQL refuses
 *   year 0 and offsets past ±15:59).
 *
 * Each bound is also written into the OpenAPI document (minLength/maxLength, minimum/maximum,
 * format), which the fuzz test reads back.
 */
import { z } from '@hono/zod-openapi';
import { load } from 'cheerio';

export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;
/** The largest id this API accepts: bigserial columns go further, JavaScript numbers do not. */
export const ID_MAX = Number.MAX_SAFE_INTEGER;

// eslint-disable-next-line no-control-regex -- matching NUL is the point: PostgreSQL text cannot hold it
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Can PostgreSQL store this string as sent? (no NUL, no lone UTF-16 surrogate) */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}
export const UNSTORABLE_TEXT = 'must not contain NUL characters (U+0000) or unpaired surrogates';

/** A string of at most `max` characters that PostgreSQL can store; trimmed unless `trim: false`. */
export function safeText(max: number, opts: { min?: number; trim?: boolean } = {}) {
  const base = z.string().max(max).refine(isStorableText, { message: UNSTORABLE_TEXT });
  const trimmed = opts.trim === false ? base : base.trim();
  return opts.min ? trimmed.min(opts.min) : trimmed;
}

/** An integer within [min, max], by default the range of an int4 column. */
export function int4(min = INT4_MIN, max = INT4_MAX) {
  return z.number().int().min(Math.max(min, INT4_MIN)).max(Math.min(max, INT4_MAX));
}

/**
 * An integer from a query string or a path segment: decimal digits only (no "1e3", "0x10", " 7 "
 * or ""), within [min, max]. The document says `type: integer` with the bounds.
 */
export function intParam(min: number, max: number) {
  return z
    .string()
    .max(24)
    .regex(/^[+-]?\d+$/, 'an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .openapi({ type: 'integer', minimum: min, maximum: max });
}

/** A decimal number from a query string, within [min, max]. */
export function numberParam(min: number, max: number) {
  return z
    .string()
    .max(32)
    .regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, 'a decimal number')
    .transform(Number)
    .pipe(z.number().min(min).max(max))
    .openapi({ type: 'number', minimum: min, maximum: max });
}

/** `{ id }` path parameter of a bigserial row: 1 .. 2^53 - 1. */
export const IdParam = z.object({ id: intParam(1, ID_MAX).openapi({ param: { name: 'id', in: 'path' }, example: 42 }) });

const OFFSET = /(Z|([+-])(\d{2}):?(\d{2}))$/i;
/** An RFC 3339 date-time with an offset that PostgreSQL's timestamptz holds as written. */
export function dateTime() {
  return z
    .string()
    .max(40)
    .datetime({ offset: true })
    .refine((s) => Number(s.slice(0, 4)) >= 1, { message: 'the year must be 0001 or later' })
    .refine(
      (s) => {
        const m = OFFSET.exec(s);
        return !m?.[2] || Number(m[3]) * 60 + Number(m[4]) <= 14 * 60;
      },
      { message: 'the UTC offset must be within ±14:00' },
    )
    .openapi({ format: 'date-time' });
}

const $empty = load('');
/** A CSS selector the extractors (cheerio) can run: refused here rather than failing inside a run. */
export function cssSelector(max = 500) {
  return safeText(max, { min: 1 }).refine(
    (sel) => {
      try {
        $empty(sel);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'a valid CSS selector' },
  );
}

/** Every string anywhere in a validated value (keys included) that PostgreSQL cannot store, by path. */
export function unstorableStrings(value: unknown, path: string[] = [], out: Array<{ path: string; message: string }> = []) {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (!isStorableText(value)) out.push({ path: path.join('.') || '(value)', message: UNSTORABLE_TEXT });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorableStrings(v, [...path, String(i)], out));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorableText(k)) out.push({ path: [...path, '(key)'].join('.'), message: UNSTORABLE_TEXT });
      unstorableStrings(v, [...path, k], out);
    }
  }
  return out;
}
