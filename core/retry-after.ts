/**
 * The one `Retry-After` parser (RFC 9110 §10.2.3): delta seconds or an HTTP date, in milliseconds
 * from `now`; null when absent or unreadable, so each caller picks its own default.
 */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  const v = header?.trim();
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = /[a-z]/i.test(v) ? Date.parse(v) : NaN; // an HTTP date names its month ('-1' is no date)
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
