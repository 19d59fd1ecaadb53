/** Helpers shared by the watches routes: outbound URL checks answered as 422, cursors, id params. */
import { z } from '@hono/zod-openapi';
import { OutboundRefused, parseAllowlist, resolvePublicTarget } from '../../activities/shared/net-guard.js';
import type { Config } from '../../core/config.js';
import { ProblemError } from '../problem.js';
import { safeText } from '../schemas/common.js';

export { IdParam } from '../schemas/common.js';

/** Refuses (422) a URL that is not absolute http(s) or resolves to a private address. */
export async function assertPublicUrl(config: Config, url: string, field: string): Promise<URL> {
  try {
    return (await resolvePublicTarget(url, parseAllowlist(config.OUTBOUND_ALLOWLIST))).url;
  } catch (err) {
    if (err instanceof OutboundRefused) {
      throw new ProblemError(422, 'validation-error', `${field}: ${err.message}`, { errors: [{ path: field, message: `${err.reason}: ${err.message}` }] });
    }
    throw err;
  }
}

export const Json = z.record(z.string(), z.unknown());

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** A cursor holds ids and sort values only: safe integers, or decimals as strings ("75.50"). */
export const isCursorValue = (x: unknown) =>
  (typeof x === 'number' && Number.isSafeInteger(x)) || (typeof x === 'string' && /^-?\d{1,20}(\.\d{1,10})?$/.test(x));

/** The values of a cursor this API gave out (`accepts` checks each one), or 422. */
export function decodeCursor(cursor: string | undefined, arity: number, accepts: (x: unknown, i: number) => boolean = isCursorValue): unknown[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === arity && v.every(accepts)) return v;
  } catch {
    // answered below
  }
  throw new ProblemError(422, 'validation-error', 'cursor: not a cursor this API gave out', { errors: [{ path: 'cursor', message: 'invalid cursor' }] });
}

/** "a,b, c" -> ['a', 'b', 'c'] for list query parameters (at most 1000 characters, 100 items). */
export const csvParam = safeText(1000, { trim: false })
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).max(100, 'at most 100 items'));
